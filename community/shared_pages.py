"""Signed-in pages rendered once for every member who would see them alike.

A member's topic, idea or product page differs from another member's in two kinds of place:

- **personal parts** that name the reader: the header's user area (name, avatar, unread
  count, menu), the ``data-user-id`` of the body, CSRF tokens and one-time form tokens.
  These are cut out of a stored page and put back for each reader (``respond``);
- **what the reader did on the page**: liked a post, wrote one, supports the idea, reviewed
  the product, watches the topic. A view names these facts for its page (one small query,
  see e.g. ``forum.selectors.topic_reader_facts``) and only readers for whom none applies,
  or whose few variants are part of the key (watching or not), share a rendering. Everyone
  else, and every community manager and suspended member, gets the page rendered for them
  alone, as before.

What members may see is the same for all of them except through those facts (a hidden post
is seen by its author and by managers only; the facts exclude both), so a shared page never
shows a reader something they may not see. As a guard, a rendering that still names its
reader after the personal parts are cut out (their profile link) is not stored.

Invalidation is the anonymous page cache's (``community.page_cache``): the content version,
bumped after every committed content write, is part of every key, and ``MAX_AGE`` bounds
what changes with the clock alone. A stored page is the page as first rendered for a member
of the key's class; later readers of that class get it with their own personal parts.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from community import page_cache
from community.roles import is_community_manager

VIEWER_AREA = re.compile(rb"<!--hearth:viewer-->.*?<!--/hearth:viewer-->", re.DOTALL)
VIEWER_AREA_MARK = b"__HEARTH_VIEWER_AREA__"
VIEWER_ID_MARK = b"__HEARTH_VIEWER_ID__"
FORM_TOKEN = re.compile(rb'(<input type="hidden" name="token" value=")[0-9a-f-]{36}(")')
FORM_TOKEN_MARK = b"__HEARTH_FORM_TOKEN__"
USER_AREA_TEMPLATE = "includes/user_area.html"
STORED_HEADERS = ("Content-Type", "Content-Language")


@dataclass
class SharedPage:
    content: bytes
    headers: dict
    data: dict = field(default_factory=dict)  # what the view needs per reader (e.g. word counts)


def enabled() -> bool:
    return getattr(settings, "HEARTH_SHARED_MEMBER_PAGES", False)


def usable(request, *, query_keys: frozenset[str] = frozenset({"page"})) -> bool:
    """Whether ``request`` may be answered with a shared page: a plain GET (no htmx, no
    other query parameters) by a signed-in member who is neither a community manager nor
    suspended, with no flash message waiting to be shown."""
    if not enabled() or request.method != "GET" or "HTTP_HX_REQUEST" in request.META:
        return False
    if not set(request.GET) <= query_keys or "messages" in request.COOKIES:
        return False
    user = request.user
    if not user.is_authenticated or not user.is_active or is_community_manager(user):
        return False
    until = getattr(user, "suspended_until", None)
    if until is not None and until > timezone.now():
        return False
    return "_messages" not in request.session


@dataclass
class Lookup:
    key: str
    version: int  # the content version read before rendering: what a stored page is valid for
    page: SharedPage | None


def lookup(request, key: str) -> Lookup:
    """The stored page of ``key``'s class if it is of the current content version: the
    version and the page in one cache round trip."""
    full_key = f"member-page:{request.get_host()}:{key}"
    found = cache.get_many([page_cache.VERSION_KEY, full_key])
    version = found.get(page_cache.VERSION_KEY)
    if version is None:
        return Lookup(full_key, page_cache.current_version(), None)
    stored = found.get(full_key)
    page = stored[1] if stored is not None and stored[0] == version else None
    return Lookup(full_key, version, page)


def store(request, found: Lookup, response, data: dict | None = None) -> None:
    """Keep ``response`` (just rendered for this reader) as the page of the looked-up class,
    with its personal parts replaced by placeholders."""
    if response.status_code != 200 or response.streaming:
        return
    if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
        return
    content = page_cache.with_csrf_placeholder(request, response.content)
    content, areas = VIEWER_AREA.subn(VIEWER_AREA_MARK, content)
    if areas != 1:
        return
    user = request.user
    own_id = f' data-user-id="{user.pk}"'.encode()
    content = content.replace(own_id, b' data-user-id="' + VIEWER_ID_MARK + b'"')
    content = FORM_TOKEN.sub(rb"\1" + FORM_TOKEN_MARK + rb"\2", content)
    if f'href="{user.get_absolute_url()}"'.encode() in content:
        return  # the page still names its reader: not theirs to share
    headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
    page = SharedPage(content, headers, data or {})
    cache.set(found.key, (found.version, page), page_cache.MAX_AGE)


def respond(request, page: SharedPage) -> HttpResponse:
    """The shared page with this reader's personal parts put in."""
    content = page.content
    if page_cache.PLACEHOLDER in content:
        content = content.replace(page_cache.PLACEHOLDER, get_token(request).encode())
    area = render_to_string(USER_AREA_TEMPLATE, request=request)
    content = content.replace(VIEWER_AREA_MARK, area.encode(), 1)
    content = content.replace(VIEWER_ID_MARK, str(request.user.pk).encode())
    while FORM_TOKEN_MARK in content:  # each form on the page gets its own one-time token
        content = content.replace(FORM_TOKEN_MARK, str(uuid.uuid4()).encode(), 1)
    return HttpResponse(content, headers=page.headers)
