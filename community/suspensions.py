"""Whether a member is suspended, for the apps that may not import moderation (badges).

Moderation owns suspensions and registers its answer here from its ``AppConfig.ready()``;
nobody keeps a copy. Without it installed, only inactive accounts count as suspended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class SuspensionSource:
    # fn(user) -> bool: suspended now (the user row must be freshly loaded).
    is_suspended: Callable[[object], bool]
    # fn(user_path) -> Q: rows whose member (reached through user_path, "" for User itself)
    # is not suspended now.
    not_suspended: Callable[[str], Q]


_source: SuspensionSource | None = None


def register(source: SuspensionSource) -> None:
    global _source
    _source = source


def is_suspended(user) -> bool:
    """Suspended members and inactive accounts earn nothing and stay off the boards."""
    if not user.is_active:
        return True
    return _source is not None and _source.is_suspended(user)


def not_suspended(user_path: str = "") -> Q:
    """Rows whose member may appear on the leaderboards: active and not suspended."""
    active = Q(**{f"{user_path}is_active": True})
    return active if _source is None else active & _source.not_suspended(user_path)
