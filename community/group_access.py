"""What a member's group opens, and what opens a group: a registry the apps fill in from
their ``AppConfig.ready()``, so that neither side imports the other.

A group can be the key to something (the forum registers its members-only categories: a
*door*) and something can put members into it (rewards registers its early-access rewards:
a *key*). The rewards catalogue says what an early-access reward opens through
``doors_of``; the forum's members-only category names the reward that opens it through
``keys_of``. Each registered function takes a list of group ids and returns
``{group_id: [Link, ...]}``, in one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: str = ""


Finder = Callable[[list[int]], dict[int, list[Link]]]
_doors: list[Finder] = []
_keys: list[Finder] = []


def register_door(finder: Finder) -> None:
    """``finder(group_ids)`` lists what membership of each group opens."""
    if finder not in _doors:
        _doors.append(finder)


def register_key(finder: Finder) -> None:
    """``finder(group_ids)`` lists what puts a member into each group (a reward, say)."""
    if finder not in _keys:
        _keys.append(finder)


def _collect(finders: list[Finder], group_ids: Iterable[int]) -> dict[int, list[Link]]:
    ids = sorted({int(pk) for pk in group_ids if pk is not None})
    found: dict[int, list[Link]] = {pk: [] for pk in ids}
    if not ids:
        return found
    for finder in finders:
        for pk, links in finder(ids).items():
            found.setdefault(pk, []).extend(links)
    return found


def doors_of(group_ids: Iterable[int]) -> dict[int, list[Link]]:
    """What each group opens (one query per registered app)."""
    return _collect(_doors, group_ids)


def keys_of(group_ids: Iterable[int]) -> dict[int, list[Link]]:
    """What puts a member into each group (one query per registered app)."""
    return _collect(_keys, group_ids)
