"""Per-object versions: what the anonymous page cache (``community.page_cache``) is keyed by.

Each object a cached page shows has a version number in the cache: a topic (its title,
flags and every post on it), an idea (its text, status, supporters, comments), a product
(its page, rating block and reviews), an editorial Wagtail page (home, guidelines), the
listings that summarise them (the forum's index and categories, the idea list), the
members (``MEMBERS``), and Wagtail's sites with their root pages (``community.sites``).
The service that changes the object calls ``bump`` for it; the bump runs after the
transaction commits, so a page rendered from data read before the commit is never stored
under the version readers use after it.

A page remembers the versions it was rendered at (read before its queries run) and is served
only while every one of them is still current. Nothing is ever deleted or substituted: a
change makes the stored pages that showed the object unreachable, and they expire.

A version that is missing (never read, evicted, or the cache unreachable) is ``None``: a page
that depends on it is neither served nor stored. A new version starts from the clock in
nanoseconds, so a version evicted and read again never repeats a value a stored page holds.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

# The kinds of object that have versions; ``bump`` refuses others, so a typo in a service
# cannot silently invalidate nothing.
KINDS = frozenset({"topic", "forum", "idea", "ideas", "product", "page", "members", "leaderboard",
                   "sites"})
# One version for what every page may show of any member (display name, avatar, whether the
# profile is hidden): names appear on nearly every page, next to posts, ideas and reviews,
# so every anonymous page depends on it (community.page_cache) and a hidden or renamed
# member is gone from all of them at once. Profile changes are rare next to reads.
MEMBERS: tuple[str, int] = ("members", 0)
# Versions outlive the pages keyed by them (community.page_cache.MAX_AGE) many times over.
TIMEOUT = 24 * 3600

ObjectRef = tuple[str, int]


def version_key(kind: str, pk: int) -> str:
    if kind not in KINDS:
        raise ValueError(f"no versions are kept for {kind!r}")
    return f"v:{kind}:{int(pk)}"


def versions_of(objects: Iterable[ObjectRef]) -> dict[ObjectRef, int | None]:
    """The current version of each object (one cache round trip, plus one for those never
    read before). Missing when the cache cannot be reached: ``None``."""
    keys = {version_key(kind, pk): (kind, pk) for kind, pk in objects}
    found = cache.get_many(list(keys))
    for key in keys.keys() - found.keys():
        cache.add(key, time.time_ns(), TIMEOUT)
        found[key] = cache.get(key)
    return {ref: found.get(key) for key, ref in keys.items()}


def current_versions(objects: Iterable[ObjectRef]) -> dict[ObjectRef, int | None]:
    """The versions of ``objects`` as they are now, without starting missing ones (a page
    checked against a missing version is stale)."""
    keys = {version_key(kind, pk): (kind, pk) for kind, pk in objects}
    found = cache.get_many(list(keys))
    return {ref: found.get(key) for key, ref in keys.items()}


def version_of(kind: str, pk: int) -> int | None:
    return versions_of([(kind, pk)])[(kind, pk)]


def _increment(key: str) -> None:
    # A missing key has no page keyed by it to invalidate; an unreachable cache serves none.
    with contextlib.suppress(ValueError):
        cache.incr(key)


def bump(kind: str, pk: int) -> None:
    """Make every page that showed this object stale, once the current transaction commits
    (at once outside a transaction)."""
    key = version_key(kind, pk)
    transaction.on_commit(lambda: _increment(key), robust=True)


def bump_members() -> None:
    """Make every page that shows a member stale (a name, an avatar or a profile's hidden
    state changed), once the current transaction commits."""
    bump(*MEMBERS)
