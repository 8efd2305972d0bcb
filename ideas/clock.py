"""The one source of "now" for the idea lifecycle.

Deadlines, milestone windows and trending all read the time from here, so tests and the
``ideas_tick --at`` command can move the clock forward and watch the lifecycle happen.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.utils import timezone

_global: dict[str, datetime | timedelta | None] = {"frozen": None, "offset": None}


def now() -> datetime:
    frozen = _global["frozen"]
    if frozen is not None:
        return frozen
    offset = _global["offset"]
    current = timezone.now()
    return current + offset if offset is not None else current


def set_frozen(moment: datetime | None) -> None:
    """Stop the clock at ``moment`` (process-wide); ``None`` lets it run again."""
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    _global["frozen"] = moment


def move_to(moment: datetime) -> None:
    set_frozen(moment)


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock forward by ``delta`` (freezing it at the current time first)."""
    set_frozen(now() + delta)
    return now()


@contextmanager
def frozen_at(moment: datetime):
    previous = _global["frozen"]
    set_frozen(moment)
    try:
        yield
    finally:
        _global["frozen"] = previous


def reset() -> None:
    _global["frozen"] = None
    _global["offset"] = None


__all__ = ["advance", "frozen_at", "move_to", "now", "reset", "set_frozen"]
