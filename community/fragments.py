"""Fragment cache for the parts of a page every reader sees alike (a post's header, quote
and body; a review's header and text; an idea comment).

Keys are content-addressed: a hash of everything the fragment shows (the text, the
author's name, avatar and role label, the quoted post, the language, the template
version). An edit, a new role label or a renamed author makes a new key, so a stale
fragment is never served and nothing has to be deleted (old keys expire).

What differs per reader stays out of the fragment and is rendered on every request from
the page's own queries: like, helpful and flag buttons, edit/accept/moderation controls,
the notices on hidden content. Hidden and deleted content is never cached at all (callers
decide with ``cacheable``): only what every reader of the page may see goes in.

Relative times ("3 minutes ago") would go stale inside a cached fragment, so a fragment with
a time is cached as two pieces, the HTML before the time and the HTML after it, rendered from
two templates; the time between them is rendered on every request (``time_ago``, the same
markup as ``includes/time_ago.html``). The pieces are joined, never searched or replaced in.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterable

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.cache import cache
from django.db.models import F
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# Bump when a cached template changes: old fragments are then never read again.
TEMPLATE_VERSION = 2
# Old keys are never deleted, only left to expire: an hour keeps the pages being read warm
# while bounding what the shared Redis holds to about an hour's worth of distinct posts,
# reviews and comments (a day's could be every post of a busy forum).
TIMEOUT = 3600


def fragment_key(kind: str, parts: Iterable) -> str:
    """The cache key of a fragment showing ``parts`` (everything it renders)."""
    raw = repr((TEMPLATE_VERSION, get_language(), kind, *parts)).encode()
    return f"frag:{kind}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}"


_ID = 987654321  # stands for the object id in the URLs reversed once per process


@functools.lru_cache(maxsize=64)
def _route(name: str, script_prefix: str) -> tuple[str, str]:
    # ``script_prefix`` is only part of the key: reverse reads it.
    before, after = reverse(name, args=[_ID]).rsplit(str(_ID), 1)
    return before, after


def url_for(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a route taking one id, reversed once per process:
    per-reader actions under every post or review of a page link to their own object."""
    before, after = _route(name, get_script_prefix())
    return f"{before}{int(pk)}{after}"


# What a fragment shows of a member that a light query can read with its rows (their role
# label follows no row of theirs: cached pages bound it by time).
MEMBER_FIELDS = ("username", "display_name", "avatar", "profile_hidden_at")


def member_state(path: str, name: str) -> dict:
    """Annotations reading the member at ``path`` (``"author"``, ``"reply_to__author"``) as
    ``<name>_<field>``, so a cached page can check the names and photos it shows against the
    rows of the request (a hidden or renamed member whose version bump has not run yet)."""
    return {f"{name}_{field}": F(f"{path}__{field}") for field in MEMBER_FIELDS}


def member_state_of(obj, name: str) -> tuple:
    """The values ``member_state(..., name)`` annotated on ``obj``."""
    return tuple(getattr(obj, f"{name}_{field}") for field in MEMBER_FIELDS)


def member_parts(member) -> tuple:
    """What a fragment shows of a member: name link, avatar and role label."""
    if member is None:
        return (None,)
    return (member.pk, member.username, member.name, str(member.public_avatar or ""), member.role_label)


def time_ago(when) -> SafeString:
    """``<time>`` with the relative wording of now, as ``includes/time_ago.html`` renders it.

    The wording is worked out once per time, language and second: ``naturaltime`` goes
    through the translation catalogue for every unit (~0.5 ms a call, two per row of a topic
    list, one per post of a topic page), and within one second it would say the same."""
    return _time_ago(when, get_language() or "", timezone.get_current_timezone_name(), int(time.time()))


@functools.lru_cache(maxsize=4096)
def _time_ago(when, language: str, zone: str, second: int) -> SafeString:
    # ``language``, ``zone`` and ``second`` are only part of the key: the filters read them.
    return format_html('<time datetime="{}">{}</time>', date_filter(when, "c"), naturaltime(when))


def _joined(pieces: tuple[str, ...], when) -> SafeString:
    # Pieces are HTML rendered by our templates (autoescaped); the time goes between them.
    if when is None:
        return mark_safe("".join(pieces))  # noqa: S308 - rendered by autoescaping templates
    before, after = pieces
    return format_html("{}{}{}", mark_safe(before), time_ago(when), mark_safe(after))  # noqa: S308


def pieces_of(objects: list, *, kind: str, parts: Callable, render: Callable[[object], tuple[str, ...]],
              cacheable: Callable[[object], bool]) -> dict[int, tuple[str, ...]]:
    """The cached pieces of each cacheable object of ``objects``, by ``id()`` of the object:
    one cache round trip for the whole list, a render and a store for each miss."""
    keyed = {fragment_key(kind, parts(obj)): obj for obj in objects if cacheable(obj)}
    if not keyed:
        return {}
    found = cache.get_many(list(keyed))
    missing, pieces_by_object = {}, {}
    for key, obj in keyed.items():
        pieces = found.get(key)
        if pieces is None:
            pieces = tuple(render(obj))
            missing[key] = pieces
        pieces_by_object[id(obj)] = pieces
    if missing:
        cache.set_many(missing, TIMEOUT)
    return pieces_by_object


def joined(pieces: tuple[str, ...], when=None) -> SafeString:
    """The pieces of a fragment joined, with ``when``'s relative time rendered now between
    the two pieces of a fragment that shows a time."""
    return _joined(pieces, when)


def attach(objects: list, *, kind: str, parts: Callable, render: Callable[[object], tuple[str, ...]],
           cacheable: Callable[[object], bool], when: Callable[[object], object] | None = None,
           attr: str = "cached_html") -> None:
    """Set ``attr`` on each cacheable object of ``objects`` to its fragment (with ``when``,
    the relative time rendered now between its two pieces): one cache round trip for the
    whole list, a render and a store for each miss. Objects that may not be cached get no
    attribute: their template renders them in full."""
    pieces = pieces_of(objects, kind=kind, parts=parts, render=render, cacheable=cacheable)
    for obj in objects:
        if id(obj) in pieces:
            setattr(obj, attr, _joined(pieces[id(obj)], when(obj) if when else None))
