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

Relative times ("3 minutes ago") would go stale inside a cached fragment: the fragment
holds ``TIME_MARK`` where the time goes and ``fill_time`` puts the current wording in.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# Bump when a cached template changes: old fragments are then never read again.
TEMPLATE_VERSION = 1
TIME_MARK = "<!--hearth:time-->"
# Old keys are never deleted, only left to expire: an hour keeps the pages being read warm
# while bounding what the shared Redis holds to about an hour's worth of distinct posts,
# reviews and comments (a day's could be every post of a busy forum).
TIMEOUT = 3600


def fragment_key(kind: str, parts: Iterable) -> str:
    """The cache key of a fragment showing ``parts`` (everything it renders)."""
    raw = repr((TEMPLATE_VERSION, get_language(), kind, *parts)).encode()
    return f"frag:{kind}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}"


def member_parts(member) -> tuple:
    """What a fragment shows of a member: name link, avatar and role label."""
    if member is None:
        return (None,)
    return (member.pk, member.username, member.name, str(member.public_avatar or ""), member.role_label)


def fill_time(html: str, when) -> SafeString:
    return mark_safe(html.replace(TIME_MARK, str(escape(str(naturaltime(when)))), 1))  # noqa: S308 - escaped


def attach(objects: list, *, kind: str, parts: Callable, render: Callable[[object], str],
           cacheable: Callable[[object], bool], when: Callable[[object], object],
           attr: str = "cached_html") -> None:
    """Set ``attr`` on each cacheable object of ``objects`` to its fragment (relative time
    filled in): one cache round trip for the whole list, a render and a store for each miss.
    Objects that may not be cached get no attribute: their template renders them in full."""
    keyed = {fragment_key(kind, parts(obj)): obj for obj in objects if cacheable(obj)}
    if not keyed:
        return
    found = cache.get_many(list(keyed))
    missing = {}
    for key, obj in keyed.items():
        html = found.get(key)
        if html is None:
            html = render(obj)
            missing[key] = html
        setattr(obj, attr, fill_time(html, when(obj)))
    if missing:
        cache.set_many(missing, TIMEOUT)
