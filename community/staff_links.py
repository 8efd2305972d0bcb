"""The staff menu in the header: one entry per staff page, with live counts.

Community imports no feature app, so each app registers its staff pages here from its
``AppConfig.ready()`` (as it registers notification kinds): a label, a URL name, who may see
it (a predicate on the user, the same check the page's view makes) and, optionally, what to
count (a function of no arguments returning ``[(key, label, number), ...]`` in one query).

Pages never pay for the counts: the header shows the last counts kept in the cache (no
query) and ``hearth.js`` asks ``/staff/counts/`` (``community.views.staff_counts``) as soon
as the page has loaded and every 30 seconds after, which counts afresh (one query per
entry that counts) and keeps the result for the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

CACHE_KEY = "hearth:staff-counts:{key}"
CACHE_SECONDS = 60


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    number: int
    # "alert" counts (overdue) are shown in red when non-zero.
    alert: bool = False


@dataclass(frozen=True)
class StaffLink:
    key: str
    label: str
    url_name: str
    allowed: Callable[[object], bool]
    count: Callable[[], list[Count]] | None = None
    order: int = 100

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


_LINKS: dict[str, StaffLink] = {}


def register_staff_link(key: str, label: str, url_name: str, *, allowed: Callable[[object], bool],
                        count: Callable[[], list[Count]] | None = None, order: int = 100) -> None:
    _LINKS[key] = StaffLink(key=key, label=label, url_name=url_name, allowed=allowed, count=count,
                            order=order)


def all_links() -> list[StaffLink]:
    return sorted(_LINKS.values(), key=lambda link: (link.order, link.label))


def links_for(user) -> list[StaffLink]:
    """The staff pages ``user`` may open (none for members and visitors). Permission checks
    read the caches ``community.roles.viewer_roles`` filled: no query."""
    if not (user and user.is_authenticated):
        return []
    # The permission first: reversing each link's route for every member's page cost more
    # than the checks.
    return [link for link in all_links() if link.allowed(user) and link.url]


def cached_counts(links: list[StaffLink]) -> dict[str, list[Count]]:
    """The counts last kept for ``links`` (from the cache: no database query)."""
    keys = {CACHE_KEY.format(key=link.key): link.key for link in links if link.count}
    if not keys:
        return {}
    found = cache.get_many(list(keys))
    return {keys[cache_key]: value for cache_key, value in found.items()}


def fresh_counts(links: list[StaffLink]) -> dict[str, list[Count]]:
    """Count afresh (one query per counting entry) and keep the result for the next page."""
    counts = {link.key: link.count() for link in links if link.count}
    cache.set_many({CACHE_KEY.format(key=key): value for key, value in counts.items()}, CACHE_SECONDS)
    return counts


def menu(links: list[StaffLink], counts: dict[str, list[Count]]) -> list[dict]:
    """What the header's staff menu shows, one dict per entry."""
    return [{"key": link.key, "label": link.label, "url": link.url, "counts": counts.get(link.key),
             "counting": link.count is not None} for link in links]
