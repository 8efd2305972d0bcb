"""Trust levels: activity reporting (the API content apps call) and promotion.

Levels follow Discourse: TL1 and TL2 are earned once and kept; TL3 is judged over a rolling
window and lost again when the member no longer meets it; TL4 is only given by staff (an
override, which wins over the computed level while it is set).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone

from community.events import send_on_commit
from community.roles import is_community_manager
from community.services.notifications import notify
from moderation.models import DailyActivity, Flag, MemberTrust, ModerationAction, Suspension, TrustLevel
from moderation.services.audit import record_action
from moderation.signals import trust_level_changed

# kind -> (MemberTrust field, DailyActivity field or None)
ACTIVITY_KINDS = {
    "topic_entered": ("topics_entered", "topics_entered"),
    "post_read": ("posts_read", "posts_read"),
    "seconds_reading": ("seconds_reading", None),
    "like_given": ("likes_given", "likes_given"),
    "like_received": ("likes_received", "likes_received"),
    "topic_replied": ("topics_replied", "topics_replied"),
}


def _trust_row(user_id: int) -> MemberTrust:
    return MemberTrust.objects.get_or_create(user_id=user_id)[0]


def record_activity(*, user, kind: str, amount: int = 1) -> None:
    """Count ``amount`` of ``kind`` for ``user`` (kinds: ACTIVITY_KINDS and "visit").

    Guarantees: counters move with F() (no lost updates under concurrency); a visit counts
    once per member per day however often it is reported. Promotion happens in the periodic
    ``refresh_trust_levels`` task, not here, so this stays cheap on hot paths.
    """
    if not user or not user.is_authenticated or amount <= 0:
        return
    today = timezone.localdate()
    with transaction.atomic():
        _trust_row(user.pk)
        daily, _created = DailyActivity.objects.get_or_create(user_id=user.pk, date=today)
        if kind == "visit":
            MemberTrust.objects.filter(user_id=user.pk).exclude(last_visit_date=today).update(
                days_visited=F("days_visited") + 1, last_visit_date=today
            )
            return
        if kind not in ACTIVITY_KINDS:
            raise ValueError(f"unknown activity kind {kind!r}")
        total_field, daily_field = ACTIVITY_KINDS[kind]
        MemberTrust.objects.filter(user_id=user.pk).update(**{total_field: F(total_field) + amount})
        if daily_field:
            DailyActivity.objects.filter(pk=daily.pk).update(**{daily_field: F(daily_field) + amount})


# --- Reporting activity from content apps ----------------------------------------------------
# Pages report what a member did (topics entered, posts read, reading time, the day's visit);
# nothing is written during the request: one task per report, after commit, counts it and
# refreshes the member's level. Reports that say nothing new enqueue nothing.

REPORT_DONE_SECONDS = 86400
READING_WORDS_PER_SECOND = 4  # about 240 words a minute
READING_MIN_SECONDS_PER_POST = 2
READING_MAX_SECONDS = 600
READING_FIRST_VIEW_SECONDS = 60


# The members whose visit of the day this process has already seen marked in the cache
# (member id -> day): their later pages that day skip the cache round trip. Bounded: past
# VISITS_REMEMBERED members it starts again empty, which costs only round trips.
_visits_marked: dict[int, str] = {}
VISITS_REMEMBERED = 50_000


def first_visit_today(user) -> bool:
    """True once per member per day (a cache ``add``, no query): the day's visit to count.
    A process asks the cache once per member and day; the marker is shared by every process."""
    day = f"{timezone.localdate():%Y%m%d}"
    if _visits_marked.get(user.pk) == day:
        return False
    first = cache.add(f"moderation:visited:{user.pk}:{day}", 1, timeout=REPORT_DONE_SECONDS + 3600)
    if len(_visits_marked) >= VISITS_REMEMBERED:
        _visits_marked.clear()
    _visits_marked[user.pk] = day
    return first


def forget_marked_visits() -> None:
    """Empty this process's memory of marked visits (when the cache it mirrors is emptied)."""
    _visits_marked.clear()


def reading_seconds(*, user, words: int, posts: int) -> int:
    """A server-side estimate of the time spent reading ``posts`` new posts of ``words`` words:
    reading speed, but never more than the time since the member's previous page view (so
    flicking through pages earns nothing) and at most READING_MAX_SECONDS per page."""
    now = timezone.now().timestamp()
    key = f"moderation:last-page-view:{user.pk}"
    if posts <= 0:  # nothing new to read: only the time of this view matters (one round trip)
        cache.set(key, now, timeout=3600)
        return 0
    previous = cache.get(key)
    cache.set(key, now, timeout=3600)
    estimate = max(words / READING_WORDS_PER_SECOND, posts * READING_MIN_SECONDS_PER_POST)
    elapsed = now - previous if previous is not None else READING_FIRST_VIEW_SECONDS
    return int(max(0, min(estimate, elapsed, READING_MAX_SECONDS)))


def report_activity(*, user, amounts: dict[str, int]) -> None:
    """Count ``amounts`` ({kind: n}, kinds of ACTIVITY_KINDS and "visit") for ``user`` in a
    task after commit, then refresh their trust level (promotion follows within seconds, not
    at the next hourly run). Costs the request no query: activity counts are best effort
    (no outbox row), since a count lost while the broker is down only delays a promotion."""
    if not user or not user.is_authenticated:
        return
    amounts = {kind: int(n) for kind, n in amounts.items() if n and int(n) > 0}
    unknown = set(amounts) - set(ACTIVITY_KINDS) - {"visit"}
    if unknown:
        raise ValueError(f"unknown activity kinds {sorted(unknown)}")
    if not amounts:
        return
    from community.deferred import enqueue_best_effort_on_commit
    from moderation import tasks

    enqueue_best_effort_on_commit(tasks.record_member_activity, user.pk, amounts, uuid.uuid4().hex)


def apply_reported_activity(*, user_id: int, amounts: dict, token: str) -> bool:
    """What ``report_activity``'s task does. A token already applied is skipped, so a task
    delivered twice counts once. Returns whether it counted."""
    from community.models import User

    if not cache.add(f"moderation:activity-report:{token}", 1, timeout=REPORT_DONE_SECONDS):
        return False
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    for kind, amount in amounts.items():
        record_activity(user=user, kind=kind, amount=amount)
    refresh_trust_level(user_id=user_id)
    return True


def _meets(stats: dict, requirements: dict) -> bool:
    return all(stats.get(name, 0) >= minimum for name, minimum in requirements.items())


def window_stats(*, user_id: int, now=None) -> dict:
    """What TL3 is judged on: activity in the last HEARTH_TRUST_TL3["window_days"] days."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.HEARTH_TRUST_TL3["window_days"])
    rows = DailyActivity.objects.filter(user_id=user_id, date__gt=since.date())
    totals = rows.aggregate(
        posts_read=Sum("posts_read"), topics_entered=Sum("topics_entered"),
        topics_replied=Sum("topics_replied"), likes_given=Sum("likes_given"),
        likes_received=Sum("likes_received"),
    )
    stats = {name: value or 0 for name, value in totals.items()}
    stats["days_visited"] = rows.count()
    stats["upheld_flags_against"] = Flag.objects.filter(
        item__author_id=user_id, status=Flag.Status.UPHELD, resolved_at__gt=since
    ).count()
    stats["suspended"] = Suspension.objects.filter(user_id=user_id, starts_at__gt=since).exists()
    return stats


def computed_level(trust: MemberTrust, *, now=None) -> int:
    """The level the activity earns, before overrides; TL1/TL2 once earned are kept."""
    totals = {
        field: getattr(trust, field)
        for field in ("topics_entered", "posts_read", "seconds_reading", "days_visited",
                      "likes_given", "likes_received", "topics_replied")
    }
    level = TrustLevel.NEW
    if _meets(totals, settings.HEARTH_TRUST_TL1):
        level = TrustLevel.BASIC
    if level >= TrustLevel.BASIC and _meets(totals, settings.HEARTH_TRUST_TL2):
        level = TrustLevel.MEMBER
    # Earned levels below TL3 are never taken away by inactivity.
    level = max(level, min(trust.earned_level, TrustLevel.MEMBER))
    if level >= TrustLevel.MEMBER:
        tl3 = dict(settings.HEARTH_TRUST_TL3)
        tl3.pop("window_days")
        max_upheld = tl3.pop("max_upheld_flags_against")
        stats = window_stats(user_id=trust.user_id, now=now)
        if _meets(stats, tl3) and stats["upheld_flags_against"] <= max_upheld and not stats["suspended"]:
            level = TrustLevel.REGULAR
    return level


def refresh_trust_level(*, user_id: int, actor=None, announce: bool = True) -> int:
    """Recompute and store the member's effective level (override, else computed).

    Guarantees: the row is locked while it is recomputed, so concurrent refreshes change it
    once; ``trust_level_changed`` is sent after commit only when the level really changed;
    the member is told about promotions.
    """
    with transaction.atomic():
        _trust_row(user_id)
        trust = MemberTrust.objects.select_for_update().get(user_id=user_id)
        old = trust.level
        computed = computed_level(trust)
        new = trust.override_level if trust.override_level is not None else computed
        earned = max(trust.earned_level, min(computed, TrustLevel.MEMBER))
        if earned != trust.earned_level:
            trust.earned_level = earned
            trust.save(update_fields=["earned_level"])
        if new == old:
            return old
        trust.level = new
        trust.level_changed_at = timezone.now()
        trust.save(update_fields=["level", "level_changed_at"])
        send_on_commit(trust_level_changed, user_id=user_id, old_level=old, new_level=new,
                       actor_id=actor.pk if actor else None)
        if new > old and announce:
            notify(
                recipient=trust.user,
                kind="moderation.trust_level",
                message=f"You are now trust level {new} ({TrustLevel(new).label}). Thank you for "
                "taking part: more of the community opens up to you.",
                url=trust.user.get_absolute_url(),
                dedupe_key=f"moderation.trust.{new}.{trust.level_changed_at:%Y%m%d%H%M%S%f}",
            )
    return new


def refresh_all_trust_levels() -> int:
    """Refresh every member with activity; returns how many levels changed."""
    changed = 0
    for user_id, level in MemberTrust.objects.values_list("user_id", "level").iterator():
        if refresh_trust_level(user_id=user_id) != level:
            changed += 1
    return changed


def set_trust_override(*, actor, user, level: int | None, reason: str) -> int:
    """Staff set (or clear, with None) a member's trust level. Recorded in the audit log."""
    if not is_community_manager(actor):
        raise PermissionDenied("Only community managers can change trust levels.")
    if level is not None and level not in TrustLevel.values:
        raise ValueError("Trust levels go from 0 to 4.")
    with transaction.atomic():
        _trust_row(user.pk)
        trust = MemberTrust.objects.select_for_update().get(user_id=user.pk)
        old_override = trust.override_level
        trust.override_level = level
        trust.save(update_fields=["override_level"])
        record_action(
            actor=actor, action=ModerationAction.Kind.TRUST, obj=user, target_user=user,
            snapshot=f"trust level of @{user.username}", reason=reason,
            extra={"old_override": old_override, "new_override": level,
                   "label": "Set trust level" if level is not None else "Cleared trust level override"},
        )
        new = refresh_trust_level(user_id=user.pk, actor=actor, announce=False)
        notify(
            recipient=user, kind="moderation.trust_level",
            message=f"A community manager set your trust level to {new} ({TrustLevel(new).label}).",
            url=reverse("community:profile", kwargs={"username": user.username}),
            actor=actor,
        )
    return new
