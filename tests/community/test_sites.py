"""The site and root page Wagtail routes from come from the cache (community/sites.py), and
any change to a site or page is seen by the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from community import sites
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
