"""A full-page cache for visitors who are not signed in, invalidated when content commits.

Who is served from it: GET requests (with list-style query parameters at most) that carry
no session cookie, no messages cookie and no htmx header. Such a visitor has no session, so
no flash messages, no per-member state and the visibility rules of an anonymous reader: every
one of them sees the same page, and hidden or moderated content (never shown to anonymous
readers) cannot be in it. Signed-in members are never served from it.

Invalidation: one content version number in the cache, part of every page's key. Every
connection gets an execute wrapper (``install``) that notices INSERT, UPDATE and DELETE
statements and bumps the version when their transaction commits (never before: a page read
before the commit must not be stored under the version readers use after it). Web requests,
Celery tasks and management commands all write through it, including ``QuerySet.update()``
and raw SQL, so a new reply, an edit, a like or a hidden post is visible at once after
commit. Tables that no anonymous page shows (sessions, members' read positions) are left
out. The version is global rather than per object: coarse, but it cannot miss a dependency.
``MAX_AGE`` bounds what changes with the clock alone (days left on an idea, "5 minutes ago").
Bulk loads by COPY bypass the watcher: bump the version after them (``bump_version``).
The shared member pages (``community.shared_pages``) are keyed by the same version.

CSRF: pages embed the visitor's CSRF token (meta tag, htmx headers). Before a page is stored,
every token in it is replaced by a placeholder; each visitor served from the cache gets their
own token put back, through Django's CSRF middleware as usual (which sets their cookie).
"""

from __future__ import annotations

import contextlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token

VERSION_KEY = "page-cache:content-version"
MAX_AGE = 60
PLACEHOLDER = b"__HEARTH_CSRF_TOKEN__"
IGNORED_TABLES = ('"django_session"', '"forum_topicreadstate"')
WRITES = ("INSERT", "UPDATE", "DELETE")
CACHEABLE_QUERY_KEYS = {"page", "sort", "status", "category", "period"}
MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
STORED_HEADERS = ("Content-Type", "Content-Language")


def enabled() -> bool:
    return getattr(settings, "HEARTH_ANONYMOUS_PAGE_CACHE", False)


def versioned() -> bool:
    """Whether committed writes bump the content version: it keys this cache and the shared
    member pages (``community.shared_pages``)."""
    return enabled() or getattr(settings, "HEARTH_SHARED_MEMBER_PAGES", False)


def bump_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates every page
        cache.add(VERSION_KEY, 1, timeout=None)
        # Still missing: the cache is unreachable (community.cache reports every key as
        # missing). No page is served from it meanwhile and what it held expires within
        # MAX_AGE; raising would log an error after every committed write of the outage.
        with contextlib.suppress(ValueError):
            cache.incr(VERSION_KEY)


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _writes_content(sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    if head not in WRITES:
        return False
    return not any(table in sql[:120] for table in IGNORED_TABLES)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if versioned() and _writes_content(sql):
        connection = context["connection"]
        # One bump per (sub)transaction is enough; outside a transaction on_commit runs at once.
        savepoints = set(connection.savepoint_ids)
        pending = connection.in_atomic_block and any(
            callback is bump_version and registered_in == savepoints
            for registered_in, callback, _ in connection.run_on_commit)
        if not pending:
            transaction.on_commit(bump_version, using=connection.alias, robust=True)
    return result


def install(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: watch every statement of the new connection."""
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def _cacheable_request(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
        and set(request.GET) <= CACHEABLE_QUERY_KEYS
        and not request.path.startswith(("/admin/", "/django-admin/", "/accounts/", "/media/",
                                         "/static/", "/healthz", "/bench/"))
    )


def _template_of(request, response) -> bytes | None:
    """The page with the visitor's CSRF tokens replaced by the placeholder, or None when the
    response must not be shared (not a plain 200 page, or it sets cookies other than CSRF's)."""
    if response.status_code != 200 or response.streaming:
        return None
    session = getattr(request, "session", None)
    if session is not None and session.modified:  # the visitor is about to get a session
        return None
    if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
        return None
    if "no-store" in response.get("Cache-Control", "") or "private" in response.get("Cache-Control", ""):
        return None
    return with_csrf_placeholder(request, response.content)


def with_csrf_placeholder(request, content: bytes) -> bytes:
    """``content`` with every CSRF token of this visitor replaced by the placeholder."""
    secret = request.META.get("CSRF_COOKIE")

    def replace(match):
        token = match.group(0).decode()
        return PLACEHOLDER if secret and _unmask_cipher_token(token) == secret else match.group(0)

    return MASKED_TOKEN.sub(replace, content)


class AnonymousPageCacheMiddleware:
    """Place after CsrfViewMiddleware (it sets the CSRF cookie of visitors served from here)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not _cacheable_request(request):
            return self.get_response(request)
        key = f"page-cache:{current_version()}:{request.get_host()}:{request.get_full_path()}"
        stored = cache.get(key)
        if stored is not None:
            return self._from_cache(request, stored)
        response = self.get_response(request)
        template = _template_of(request, response)
        if template is not None:
            headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
            cache.set(key, (template, headers), MAX_AGE)
        response["Vary"] = "Cookie"
        return response

    def _from_cache(self, request, stored) -> HttpResponse:
        template, headers = stored
        content = template.replace(PLACEHOLDER, get_token(request).encode()) if PLACEHOLDER in template \
            else template
        response = HttpResponse(content, headers=headers)
        response["Vary"] = "Cookie"
        return response
