"""Creates the pages every Hearth site has, if they are missing: the home page (with its
Site), the product catalogue at /products/, the community guidelines at /guidelines/ and the
privacy page at /privacy/ (what is kept and why, for how long, and the automated decisions).

The migrations create the home page; this also restores it for tests whose database is
flushed between cases, and for the demo seed.
"""

from django.conf import settings
from django.template.loader import render_to_string
from wagtail.models import Locale, Page, Site

from community.models import HomePage, ProductIndexPage, StandardPage

GUIDELINES_BODY = """
<h2>Be kind, be useful</h2>
<p>Hearth is where customers help each other and talk with the team. Treat everyone with respect;
criticise ideas and products, never people.</p>
<h2>Stay on topic</h2>
<p>Post in the category that fits, search before you ask, and mark the answer that solved your
problem so the next person finds it.</p>
<h2>No spam, no abuse</h2>
<p>Advertising, harassment, hate and personal data of others are removed. Flag what breaks these
rules: community managers review every flag.</p>
<h2>Reviews are honest</h2>
<p>Review products you have used. The brand may reply publicly, but it never hides a review for
being negative.</p>
"""


def privacy_page_body() -> str:
    """The privacy page's first text, with this site's retention periods and thresholds; staff
    edit it in Wagtail from then on."""
    return render_to_string("community/pages/privacy_body.html", {
        "ip_days": settings.HEARTH_PRIVACY_IP_DAYS,
        "notification_days": settings.HEARTH_NOTIFICATION_RETENTION_DAYS,
        "export_days": settings.HEARTH_PRIVACY_EXPORT_DAYS,
        "session_days": settings.SESSION_COOKIE_AGE // (24 * 3600),
        "grace_days": settings.HEARTH_PRIVACY_ERASURE_GRACE_DAYS,
        "hide_threshold": f"{settings.HEARTH_MODERATION_HIDE_THRESHOLD:g}",
    })


def ensure_home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", locale=Locale.get_default())
        )
        home = root.add_child(
            instance=HomePage(
                title="Welcome to Hearth",
                slug="home",
                intro="<p>Ask questions, share ideas for new products and review what you own.</p>",
            )
        )
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Hearth"
        )
    return home


def ensure_site_tree() -> HomePage:
    home = ensure_home_page()
    if not ProductIndexPage.objects.exists():
        home.add_child(
            instance=ProductIndexPage(
                title="Products", slug="products",
                intro="<p>Everything we make, with reviews from the people who use it.</p>",
            )
        )
    if not StandardPage.objects.filter(slug="guidelines").exists():
        home.add_child(
            instance=StandardPage(title="Community guidelines", slug="guidelines", body=GUIDELINES_BODY)
        )
    if not StandardPage.objects.filter(slug="privacy").exists():
        home.add_child(
            instance=StandardPage(title="Privacy: what we keep and why", slug="privacy",
                                  body=privacy_page_body())
        )
    return home
