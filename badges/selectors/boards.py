"""Leaderboards: a page of a board (all time, this month, this week) and where the reader
stands on it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from badges.models import (
    PointsPeriod,
    UserPoints,
)
from badges.services.ledger import period_starts
from community import cache_versions
from community.models import User
from community.selectors import with_roles
from community.suspensions import not_suspended

BOARDS = {"all": "All time", "month": "This month", "week": "This week"}

@dataclass
class BoardRow:
    rank: int
    user: User
    points: int


@dataclass
class Board:
    key: str
    rows: list[BoardRow]
    page: int
    has_next: bool
    own: BoardRow | None




def _board_queryset(key: str, now: datetime.datetime) -> tuple[QuerySet, str]:
    if key == "all":
        return UserPoints.objects.filter(not_suspended("user__"), total__gt=0), "total"
    kind = PointsPeriod.MONTH if key == "month" else PointsPeriod.WEEK
    start = period_starts(now)[kind]
    return (PointsPeriod.objects.filter(not_suspended("user__"), kind=kind, start=start,
                                        points__gt=0), "points")


def leaderboard(*, key: str, page: int, viewer: User | None, per_page: int = 50,
                now: datetime.datetime | None = None) -> Board:
    """One page of a board with dense ranks, and the viewer's own row wherever it is.

    Reads walk the (-total) or (kind, start, -points) index from the top: the page, the
    viewer's row, and the rank of its first row (page 1: none) and of the viewer's points,
    from the cache when it holds them (``_rank``)."""
    now = now or timezone.now()
    key = key if key in BOARDS else "all"
    queryset, field = _board_queryset(key, now)
    offset = (page - 1) * per_page
    ordered = with_roles(queryset.select_related("user").order_by(f"-{field}", "user_id"), "user")
    items = list(ordered[offset:offset + per_page + 1])
    has_next = len(items) > per_page
    items = items[:per_page]
    rows = []
    if items:
        # Nothing outranks the top of the board: page 1 starts at rank 1 without a count.
        rank = 1 if offset == 0 else _rank(queryset, field, getattr(items[0], field), key=key, now=now)
        previous = getattr(items[0], field)
        for item in items:
            value = getattr(item, field)
            if value != previous:
                rank += 1
                previous = value
            rows.append(BoardRow(rank=rank, user=item.user, points=value))
    own = None
    if viewer is not None and viewer.is_authenticated:
        mine = next((row for row in rows if row.user.pk == viewer.pk), None)
        if mine is None:
            value = queryset.filter(user=viewer).values_list(field, flat=True).first()
            if value is not None:
                mine = BoardRow(rank=_rank(queryset, field, value, key=key, now=now), user=viewer,
                                points=value)
        own = mine
    return Board(key=key, rows=rows, page=page, has_next=has_next, own=own)


# The rank of a number of points on a board: a count over every member above it (~10 ms on
# a board of 20,000 members), so it is kept in the cache under the boards' version (bumped
# after each batch the points engine applies) and for at most this long, which bounds what
# no version follows (a suspension starting or lifted).
RANK_TIMEOUT = 30


def _rank(queryset: QuerySet, field: str, value: int, *, key: str, now: datetime.datetime) -> int:
    version = cache_versions.version_of("leaderboard", 0)
    if version is None:  # the cache is unreachable
        return _count_rank(queryset, field, value)
    period = "" if key == "all" else period_starts(now)[PointsPeriod.MONTH if key == "month" else
                                                        PointsPeriod.WEEK].isoformat()
    cache_key = f"board-rank:{key}:{period}:{version}:{value}"
    rank = cache.get(cache_key)
    if rank is None:
        rank = _count_rank(queryset, field, value)
        cache.set(cache_key, rank, RANK_TIMEOUT)
    return rank


def _count_rank(queryset: QuerySet, field: str, value: int) -> int:
    return queryset.filter(**{f"{field}__gt": value}).values(field).distinct().count() + 1
