"""The one check content services call before a member writes: ``check_can_act``.

Counters live in the cache (Redis on the real stack, shared by every process) in fixed
windows. ``cache.incr`` is atomic, and a slot is taken by incrementing first and giving it
back if the limit was passed, so concurrent requests can never exceed a limit.
"""

from __future__ import annotations

import contextlib
import math
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.timesince import timeuntil

from community.refusals import NotPermitted, RateLimited, Suspended
from community.roles import is_community_manager
from moderation.selectors import active_suspension, trust_level_of

# "*_edit" actions are a member editing their own text: no rate limit of their own, but a
# suspension and the new members' link rule apply to them as to new posts.
ACTIONS = {"topic", "reply", "support", "review", "flag", "like", "idea", "comment",
           "review_edit", "post_edit", "idea_edit", "helpful", "brand_reply"}
LINK_OR_IMAGE = re.compile(r"https?://|www\.[a-z0-9-]+\.|!\[|<img", re.IGNORECASE)


class ActionRefused(NotPermitted):
    """The member may not do this now. ``message`` says why and, where it applies, when
    they may act again (``retry_at``). A refusal of community.refusals' vocabulary: a view
    that does not catch it answers 403 through community.refusals.RefusalMiddleware."""


class SuspendedFromActing(Suspended, ActionRefused):
    """The member's account is suspended (until ``retry_at``, or for good)."""


class ActionRateLimited(RateLimited, ActionRefused):
    """A rate limit or a new member's first-day cap is reached: 429, until ``retry_at``."""


def suspension_message(suspension) -> str:
    if suspension.ends_at is None:
        return f"Your account is suspended permanently: {suspension.reason}"
    return (
        f"Your account is suspended until {suspension.ends_at:%d %B %Y, %H:%M} UTC "
        f"({timeuntil(suspension.ends_at)} from now): {suspension.reason}"
    )


def _when(retry_at: datetime) -> str:
    return f"in {timeuntil(retry_at)} (at {retry_at:%H:%M} UTC)"


def _take_slot(key: str, *, limit: int, window_end: datetime) -> bool:
    """Take one slot of ``limit`` in the window ending at ``window_end``."""
    timeout = max(1, math.ceil((window_end - timezone.now()).total_seconds()) + 5)
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a fresh window
        cache.add(key, 1, timeout=timeout)
        count = 1
    if count > limit:
        cache.decr(key)
        return False
    return True


def _release(key: str) -> None:
    with contextlib.suppress(ValueError):  # the window expired meanwhile
        cache.decr(key)


def check_can_act(*, user, action: str, text: str = "") -> None:
    """Raise ActionRefused unless ``user`` may do ``action`` now; otherwise take one slot of
    their rate limits for it.

    Guarantees: suspended members are refused with the reason and end of the suspension;
    members below HEARTH_TRUST_LINKS_MIN_LEVEL may not post links or images; new members
    (TL0) on their first day get at most HEARTH_TRUST_FIRST_DAY_CAPS; every level gets at most
    HEARTH_TRUST_RATE_LIMITS[level][action] per window, even under concurrent requests.
    Community managers are never limited.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not user or not user.is_authenticated:
        raise ActionRefused("Log in first.")
    if is_community_manager(user):
        return
    suspension = active_suspension(user)
    if suspension is not None:
        raise SuspendedFromActing(suspension_message(suspension), retry_at=suspension.ends_at)
    level = trust_level_of(user)
    if text and level < settings.HEARTH_TRUST_LINKS_MIN_LEVEL and LINK_OR_IMAGE.search(text):
        raise ActionRefused(
            "New members cannot post links or images yet. Take part for a little while (read a "
            "few topics) and this opens up automatically; or remove the link and post again."
        )

    now = timezone.now()
    taken: list[str] = []
    first_day_end = user.date_joined + timedelta(days=1)
    cap = settings.HEARTH_TRUST_FIRST_DAY_CAPS.get(action)
    if level == 0 and cap is not None and now < first_day_end:
        key = f"moderation:firstday:{user.pk}:{action}"
        if not _take_slot(key, limit=cap, window_end=first_day_end):
            raise ActionRateLimited(
                f"New members can do this {cap} times on their first day. You can again "
                f"{_when(first_day_end)}.",
                retry_at=first_day_end,
            )
        taken.append(key)

    limits = settings.HEARTH_TRUST_RATE_LIMITS.get(level, {})
    if action in limits:
        limit, seconds = limits[action]
        bucket = int(now.timestamp() // seconds)
        window_end = datetime.fromtimestamp((bucket + 1) * seconds, tz=now.tzinfo)
        key = f"moderation:rate:{user.pk}:{action}:{seconds}:{bucket}"
        if not _take_slot(key, limit=limit, window_end=window_end):
            for other in taken:
                _release(other)
            raise ActionRateLimited(
                f"You have reached the limit for now ({limit} per {_period(seconds)} at your "
                f"trust level). You can again {_when(window_end)}.",
                retry_at=window_end,
            )


def _period(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        return "day" if days == 1 else f"{days} days"
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "hour" if hours == 1 else f"{hours} hours"
    return f"{seconds // 60} minutes"
