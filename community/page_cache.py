"""A short-lived full-page cache for visitors who are not signed in, keyed by the versions of
what each page shows (``community.cache_versions``).

Who is served from it: GET requests that carry no session cookie, no messages cookie and no
htmx header. Such a visitor has no session, so no flash messages, no per-member state and the
visibility rules of an anonymous reader: every one of them sees the same page, and hidden or
moderated content (never shown to anonymous readers) cannot be in it. Signed-in members are
never served from it.

Which pages are stored: only those whose view says what they show (``depends_on``, called
before the view's queries, reads the objects' versions) and which query values they were
rendered for (``rendered_for_query``): a request whose query string is anything but those
exact values (``?page=abc``, ``?page=999999`` shown as the last page, ``?sort=x``, an unknown
parameter) is answered as usual and never stored, so junk URLs cannot fill the cache. A
stored page is served while every version it was rendered at is still current; ``MAX_AGE``
bounds what changes with the clock alone (days left on an idea, "5 minutes ago"). Every
stored page also depends on the members' version (``cache_versions.MEMBERS``): a member who
renames themselves or changes their avatar, or whose profile a manager hides, restores or
clears, is shown anew on every page at once.

Nothing is ever substituted into a stored page: it is served byte for byte as rendered. So a
page that used a CSRF token while rendering (a form an anonymous visitor can post) is never
stored. The pages that are stored carry no token at all: the site's scripts read the
``csrftoken`` cookie, which this middleware has Django set on every response (``get_token``).

The middleware sits after every middleware that adds security headers, so a page from the
cache gets the same headers as one just rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

from community import cache_versions
from community.cache_versions import ObjectRef

MAX_AGE = 60
STORED_HEADERS = ("Content-Type", "Content-Language")
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/accounts/", "/media/", "/static/", "/healthz")


def enabled() -> bool:
    return getattr(settings, "HEARTH_ANONYMOUS_PAGE_CACHE", False)


@dataclass
class Dependencies:
    """What a page being rendered for the cache showed: filled in by its view."""

    versions: dict[ObjectRef, int | None] = field(default_factory=dict)
    query: dict[str, str] | None = None
    declared: bool = False  # the view said what it shows: the page may be stored


@dataclass(frozen=True)
class StoredPage:
    versions: tuple[tuple[ObjectRef, int], ...]
    content: bytes
    headers: dict


def depends_on(request, *objects: ObjectRef) -> None:
    """Declare that the page being rendered shows ``objects``: call before the queries that
    read them. Does nothing unless the request may be stored."""
    dependencies = getattr(request, "page_cache_dependencies", None)
    if dependencies is not None and objects:
        dependencies.versions.update(cache_versions.versions_of(objects))
        dependencies.declared = True


def rendered_for_query(request, **values: str) -> None:
    """Declare the query values the page was rendered for, as its own links spell them. A
    request is stored only if each parameter it has is one of these, with exactly this value."""
    dependencies = getattr(request, "page_cache_dependencies", None)
    if dependencies is not None:
        dependencies.query = {name: str(value) for name, value in values.items()}


def _may_serve_from_cache(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
        and not request.path.startswith(EXCLUDED_PREFIXES)
    )


def _canonical_query(request, query: dict[str, str] | None) -> bool:
    query = query or {}
    return all(name in query and values == [query[name]] for name, values in request.GET.lists())


def _storable(request, response, dependencies: Dependencies) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not dependencies.declared or None in dependencies.versions.values():
        return False
    if not _canonical_query(request, dependencies.query):
        return False
    # The page holds a CSRF token (a form a visitor can post): it is theirs alone.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:  # the visitor is about to get a session
        return False
    cache_control = response.get("Cache-Control", "")
    return "no-store" not in cache_control and "private" not in cache_control


def _page_key(request) -> str:
    return f"page-cache:{request.get_host()}:{request.get_full_path()}"


def _still_current(stored: StoredPage) -> bool:
    current = cache_versions.current_versions(ref for ref, _ in stored.versions)
    return all(current[ref] == version for ref, version in stored.versions)


class AnonymousPageCacheMiddleware:
    """Place after the middleware that set security headers (they then apply to pages from
    the cache too) and after CsrfViewMiddleware (it sets the cookie ``get_token`` asks for)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._respond(request)
        get_token(request)  # every page's scripts find the CSRF token in the cookie
        return response

    def _respond(self, request):
        if not enabled() or not _may_serve_from_cache(request):
            return self.get_response(request)
        key = _page_key(request)
        stored = cache.get(key)
        if isinstance(stored, StoredPage) and _still_current(stored):
            response = HttpResponse(stored.content, headers=stored.headers)
            response["Vary"] = "Cookie"
            return response
        # Read before the view's queries, like every version: member names and avatars are
        # on nearly every page, so every stored page depends on them.
        request.page_cache_dependencies = dependencies = Dependencies(
            versions=cache_versions.versions_of([cache_versions.MEMBERS]))
        response = self.get_response(request)
        if _storable(request, response, dependencies):
            headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
            cache.set(key, StoredPage(tuple(dependencies.versions.items()), response.content, headers),
                      MAX_AGE)
        return response
