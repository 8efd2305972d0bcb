"""Creates the pages every Hearth site has, if they are missing: the home page (with its
Site), the product catalogue at /products/ and the community guidelines at /guidelines/.

The migrations create the home page; this also restores it for tests whose database is
flushed between cases, and for the demo seed.
"""

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
    return home
