"""Demo data for the site shell: members in every role, product categories and products."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from community.demo_images import picture_image
from community.models import ProductCategory, ProductIndexPage, ProductPage, User
from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS
from community.site_tree import ensure_site_tree

DEMO_PASSWORD = "hearth-demo-password"  # noqa: S105 - published demo logins

MEMBERS = [
    # username, display name, role group, bio
    ("admin", "Site admin", "superuser", "Runs this Hearth site."),
    ("maya", "Maya Lindqvist", COMMUNITY_MANAGERS, "Community manager. Here to help."),
    ("sam", "Sam Okafor", BRAND_STAFF, "Customer care at the brand."),
    ("alice", "Alice Moreau", None, "Coffee nerd, owns too many grinders."),
    ("bob", "Bob Tanaka", None, "Weekend tinkerer."),
    ("carol", "Carol Nguyen", None, ""),
    ("dan", "Dan Ferreira", None, "Hiker and gadget reviewer."),
    ("erin", "Erin Walsh", None, ""),
]

CATEGORIES = [("Kitchen", "kitchen"), ("Outdoor", "outdoor"), ("Audio", "audio")]

PRODUCTS = [
    # title, slug, sku, category slug, summary
    ("Ember Kettle", "ember-kettle", "EMB-KET-01", "kitchen", "A 1.7 l kettle that holds any temperature."),
    ("Ember Grinder", "ember-grinder", "EMB-GRI-02", "kitchen", "Conical burr grinder with 40 settings."),
    ("Ember Pour-Over Set", "ember-pour-over", "EMB-POV-03", "kitchen",
     "Glass dripper, server and filters."),
    ("Trail Flask", "trail-flask", "TRL-FLK-01", "outdoor", "Vacuum flask, keeps coffee hot 12 hours."),
    ("Trail Lantern", "trail-lantern", "TRL-LAN-02", "outdoor", "USB-C rechargeable camping lantern."),
    ("Trail Stove", "trail-stove", "TRL-STV-03", "outdoor", "Compact gas stove for two."),
    ("Hearth Speaker", "hearth-speaker", "AUD-SPK-01", "audio", "Bluetooth speaker with a warm sound."),
    ("Hearth Buds", "hearth-buds", "AUD-BUD-02", "audio", "Wireless earbuds with 30 hours of battery."),
]


def seed(log) -> dict:
    home = ensure_site_tree()
    members = {username: _member(username, name, role, bio)
               for username, name, role, bio in MEMBERS}
    categories = {
        slug: ProductCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for name, slug in CATEGORIES
    }
    index = ProductIndexPage.objects.descendant_of(home).first()
    for title, slug, sku, category, summary in PRODUCTS:
        if not ProductPage.objects.filter(sku=sku).exists():
            index.add_child(
                instance=ProductPage(
                    title=title, slug=slug, sku=sku, category=categories[category], summary=summary,
                    description=f"<p>{summary} Designed to last, repairable, two-year warranty.</p>",
                    image=picture_image(title=title, slug=slug, category_slug=category),
                )
            )
    log(f"community: {len(members)} members, {ProductPage.objects.count()} products")
    return {"members": members}


def _member(username: str, display_name: str, role: str | None, bio: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.com", "display_name": display_name, "bio": bio},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        if role == "superuser":
            user.is_superuser = user.is_staff = True
        user.save()
        if role and role != "superuser":
            user.groups.add(Group.objects.get(name=role))
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    return user
