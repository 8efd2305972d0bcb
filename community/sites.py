"""The Wagtail site a page is served for, with its root page, from the cache.

Wagtail finds the site of every page it serves with a query (``Site.find_for_request``:
every site annotated by how well it matches the host and port), then loads the root page's
specific row to start routing from: two queries and about 2 ms of a product page's 13
(bench/README.md). Sites and their root pages change only in the admin, so
``CachedSiteMiddleware`` keeps what Wagtail found for each host and port, the root page
already specific, in one cache entry, and hands it to Wagtail where Wagtail keeps the site
of a request itself (``request._wagtail_site``, which ``find_for_request`` reads first).

The entry also knows which pages Wagtail's view-restriction check must look at
(``guarded_paths``: pages with a restriction, and aliases, whose source's restrictions
apply). A Hearth page with none of them on its way from the root skips the check's two
queries (``community.models.pages.SiteRestrictionsMixin``); any other page is checked as
Wagtail checks it.

Each request unpickles its own copy, so nothing a request sets on the site or its root page
reaches another. The entry holds the version of ``SITES`` it was built at
(``community.cache_versions``) and is served only while that version is current: saving or
deleting any site, page or view restriction, or publishing, unpublishing or moving a page,
bumps the version after the transaction commits, so rows read before a commit are never
served after it. The entry is also dropped at once, for the next request of a transaction
that has not committed yet (and tests, whose transactions never do).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from community import cache_versions

CACHE_KEY = "wagtail-sites"
SITES: cache_versions.ObjectRef = ("sites", 0)
# Bounds what an entry whose version was evicted from the cache keeps in Redis.
TIMEOUT = 3600
# Each host a request names is a key of the entry: a site answering to many names keeps the
# first few only (the others are looked up as Wagtail does), so the entry stays small.
MAX_HOSTS = 16


class CachedSiteMiddleware:
    """Give the pages Wagtail serves their site from the cache (``site_for``). Views other
    than Wagtail's ``serve`` do not look at the site, so they do not pay for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_views.serve and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = site_for(request)


def site_for(request) -> Site | None:
    """The site Wagtail would find for ``request``, with its root page specific: from the
    cache while its version is current (one round trip), or found as Wagtail finds it."""
    # As Wagtail reads them (``Site._find_for_request``): the raw host, as a site may be
    # found for a host that ALLOWED_HOSTS would refuse a link to.
    host = (split_domain_port(request._get_raw_host())[0], request.get_port())
    version_key = cache_versions.version_key(*SITES)
    found = cache.get_many([version_key, CACHE_KEY])
    version, entry = found.get(version_key), found.get(CACHE_KEY)
    known = entry["sites"] if entry and version is not None and entry["version"] == version else {}
    if host in known:
        return known[host]
    if version is None:
        version = cache_versions.version_of(*SITES)  # read before the rows, as pages do
    site = Site._find_for_request(request)
    if site is not None:
        # Specific, not localized: Wagtail's routing asks for the root page's translation
        # itself (``root_page.localized.specific``), which costs nothing without i18n.
        site.root_page = site.root_page.specific
        site.guarded_paths = guarded_paths()
    if version is not None and len(known) < MAX_HOSTS:
        cache.set(CACHE_KEY, {"version": version, "sites": {**known, host: site}}, TIMEOUT)
    return site


def guarded_paths() -> frozenset[str]:
    """The paths of the pages whose view restrictions Wagtail would look up: those with a
    restriction of their own, and aliases (Wagtail checks their source's). One query."""
    # Unordered: SQLite refuses ORDER BY (pages are ordered by path) inside a UNION.
    restricted = PageViewRestriction.objects.order_by().values_list("page__path", flat=True)
    aliases = Page.objects.filter(alias_of__isnull=False).order_by().values_list("path", flat=True)
    return frozenset(restricted.union(aliases))


def on_a_guarded_path(page: Page, guarded: frozenset[str]) -> bool:
    """Whether ``page`` or a page above it is in ``guarded`` (treebeard's paths: each level
    adds ``steplen`` characters to its parent's path)."""
    return any(page.path[:end] in guarded for end in range(page.steplen, len(page.path) + 1, page.steplen))


def forget_sites(**kwargs) -> None:
    """Drop the cached sites now, and make any entry built before the commit stale after it."""
    cache.delete(CACHE_KEY)
    cache_versions.bump(*SITES)


def _on_saved_or_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Site | Page | PageViewRestriction):
        forget_sites()


def connect() -> None:
    # Page subclasses send these signals with their own class as the sender: listen to all.
    post_save.connect(_on_saved_or_deleted, dispatch_uid="community.sites.saved")
    post_delete.connect(_on_saved_or_deleted, dispatch_uid="community.sites.deleted")
    page_published.connect(forget_sites, dispatch_uid="community.sites.published")
    page_unpublished.connect(forget_sites, dispatch_uid="community.sites.unpublished")
    post_page_move.connect(forget_sites, dispatch_uid="community.sites.moved")
