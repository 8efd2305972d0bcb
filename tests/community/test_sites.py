"""The site and root page Wagtail routes from come from the cache (community/sites.py), and
any change to a site or page is seen by the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from community import sites
from community.models import StandardPage
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _site_and_page_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries if '"wagtailcore_site"' in q["sql"]
            or 'FROM "community_homepage"' in q["sql"]]


def test_a_second_page_finds_its_site_and_root_page_without_a_query(client, site_tree):
    make_product(title="Kettle", sku="K-1")
    first = _site_and_page_queries(client, "/products/")
    # The site, its root page (and the sites' root paths, which Wagtail caches itself).
    assert sum('FROM "community_homepage"' in sql for sql in first) == 1
    assert sum('"wagtailcore_site"."is_default_site" DESC' not in sql for sql in first) == 2
    assert _site_and_page_queries(client, "/products/") == []
    assert _site_and_page_queries(client, "/") == []


def test_each_request_gets_its_own_copy_of_the_site(rf, site_tree):
    first = sites.site_for(rf.get("/"))
    first.root_page.title = "Changed in one request only"
    second = sites.site_for(rf.get("/"))
    assert second.root_page.title == site_tree.title
    assert type(second.root_page) is type(site_tree)  # specific: routing starts without a query


def test_a_published_change_to_the_home_page_shows_on_the_next_request(client, site_tree):
    client.get("/")
    site_tree.title = "Welcome back"
    site_tree.save_revision().publish()
    assert "Welcome back" in client.get("/").content.decode()


def test_a_site_moved_to_another_root_is_routed_from_there(client, site_tree):
    make_product(title="Kettle", sku="K-1")
    assert client.get("/products/").status_code == 200
    site = Site.objects.get(is_default_site=True)
    catalogue = site_tree.get_children().get(slug="products")
    site.root_page = catalogue
    site.save()
    # The catalogue is the root now: its products are one level up.
    assert client.get("/kettle-k-1/").status_code == 200
    assert client.get("/products/").status_code == 404


def test_rows_read_before_a_commit_are_not_served_after_it(
        rf, site_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        site_tree.title = "Renamed"
        site_tree.save()
        # A request that read the rows before the commit stores them in between...
        Site.objects.filter(root_page=site_tree).update(site_name="Read before the commit")
        sites.site_for(rf.get("/"))
        Site.objects.filter(root_page=site_tree).update(site_name="Committed")
    assert sites.cache.get(sites.CACHE_KEY)
    for callback in callbacks:
        callback()
    # ...and once the commit's bump has run, they are looked up again.
    assert sites.site_for(rf.get("/")).site_name == "Committed"


def test_a_cache_without_the_version_serves_nothing_it_cannot_check(rf, site_tree):
    sites.site_for(rf.get("/"))
    sites.cache.delete(sites.cache_versions.version_key(*sites.SITES))  # evicted
    Site.objects.filter(root_page=site_tree).update(site_name="Changed meanwhile")
    assert sites.site_for(rf.get("/")).site_name == "Changed meanwhile"


def test_an_unknown_host_is_looked_up_as_wagtail_does(rf, site_tree):
    default = Site.objects.get(is_default_site=True)
    other = Site.objects.create(hostname="shop.example", port=80, root_page=site_tree)
    assert sites.site_for(rf.get("/", HTTP_HOST="shop.example")).pk == other.pk
    assert sites.site_for(rf.get("/", HTTP_HOST="testserver")).pk == default.pk
    assert sites.site_for(rf.get("/", HTTP_HOST="shop.example")).pk == other.pk  # from the cache


def test_views_that_are_not_wagtail_pages_never_look_the_site_up(client, site_tree):
    with CaptureQueriesContext(connection) as queries:
        client.get("/forum/")
    assert not any('"wagtailcore_site"' in q["sql"] for q in queries)
    assert sites.cache.get(sites.CACHE_KEY) is None


def _restriction_queries(client, path: str, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == status
    # Wagtail's check selects the restrictions of the page and its ancestors (listings that
    # keep to public pages mention the table too, in a subquery).
    return sum('FROM "wagtailcore_pageviewrestriction" WHERE "wagtailcore_pageviewrestriction"."page_id" IN'
               in q["sql"] for q in queries)


def test_a_page_with_no_restriction_on_its_way_is_served_without_looking_for_one(client, site_tree):
    make_product(title="Kettle", sku="K-1")
    client.get("/products/kettle-k-1/")
    assert _restriction_queries(client, "/products/kettle-k-1/") == 0
    assert _restriction_queries(client, "/") == 0


def _restrict(page, group):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    return restriction


@pytest.mark.parametrize("where", ["product", "catalogue"])
def test_a_restriction_on_the_page_or_above_it_is_checked_on_every_request(client, site_tree, where):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    product = make_product(title="Kettle", sku="K-1")
    early = Group.objects.create(name="Early access")
    insider, outsider = UserFactory(), UserFactory()
    insider.groups.add(early)
    client.force_login(outsider)
    assert client.get("/products/kettle-k-1/").status_code == 200  # the site is cached open
    _restrict(product if where == "product" else product.get_parent(), early)
    for _ in range(2):
        assert _restriction_queries(client, "/products/kettle-k-1/", status=403) == 1
    client.force_login(insider)
    assert client.get("/products/kettle-k-1/").status_code == 200
    client.logout()
    assert client.get("/products/kettle-k-1/").status_code == 302  # to the log-in page
    assert client.get("/products/").status_code == (302 if where == "catalogue" else 200)


def test_a_restriction_lifted_opens_the_page_again(client, site_tree):
    from django.contrib.auth.models import Group

    product = make_product(title="Kettle", sku="K-1")
    restriction = _restrict(product, Group.objects.create(name="Early access"))
    assert client.get("/products/kettle-k-1/").status_code == 302
    restriction.delete()
    assert _restriction_queries(client, "/products/kettle-k-1/") == 0


def test_a_restriction_added_is_enforced_once_its_commit_bumps_the_version(
        client, rf, site_tree, django_capture_on_commit_callbacks):
    product = make_product(title="Kettle", sku="K-1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        PageViewRestriction.objects.create(page=product, restriction_type=PageViewRestriction.LOGIN)
        # A request that read the rows before the commit stores them in between...
        PageViewRestriction.objects.filter(page=product).delete()  # as that request saw them
        sites.site_for(rf.get("/"))
        PageViewRestriction.objects.create(page=product, restriction_type=PageViewRestriction.LOGIN)
    for callback in callbacks:
        callback()
    assert client.get("/products/kettle-k-1/").status_code == 302  # to the log-in page


def test_an_alias_on_the_way_leaves_the_check_to_wagtail(client, site_tree):
    guidelines = StandardPage.objects.get(slug="guidelines")
    guidelines.create_alias(parent=site_tree, update_slug="rules")
    client.get("/rules/")
    assert _restriction_queries(client, "/rules/") == 1
    PageViewRestriction.objects.create(page=guidelines, restriction_type=PageViewRestriction.LOGIN)
    # Wagtail checks an alias against its source: the guidelines' restriction applies.
    assert client.get("/rules/").status_code == 302
