"""What follows from the ledger: badges, levels and challenges.

Incremental checks run inside the engine's transaction, under the member's lock, so a badge
is granted at most once however events interleave; ``backfill_badges`` repairs whatever was
missed (and revokes auto-revoke badges whose criteria no longer hold).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from badges import kinds, signals
from badges.config import engine_config
from badges.models import (
    Badge,
    BadgeGrant,
    Challenge,
    ChallengeProgress,
    EventCount,
    Level,
    SourceTally,
    UserPoints,
)
from community.models import User
from community.services.notifications import notify

BADGE_KIND = "badges.badge_granted"
LEVEL_KIND = "badges.level_up"
CHALLENGE_KIND = "badges.challenge_completed"


# --- criteria ------------------------------------------------------------------------------

def _kinds_of(params: dict) -> list[str]:
    value = params.get("kinds") or params.get("kind") or []
    return [value] if isinstance(value, str) else list(value)


def _threshold(params: dict) -> int:
    return int(params.get("threshold", 1))


def qualifying(badge: Badge, *, now: datetime.datetime) -> set[tuple[int, int]]:
    """Every (user_id, source_id) that meets ``badge``'s criteria now: the backfill's view."""
    params = badge.params or {}
    if badge.criteria == "event_count":
        rows = (EventCount.objects.filter(kind__in=_kinds_of(params))
                .values("user_id").annotate(n=Sum("count")).filter(n__gte=_threshold(params)))
        return {(row["user_id"], 0) for row in rows}
    if badge.criteria == "source_tally":
        rows = SourceTally.objects.filter(kind__in=_kinds_of(params),
                                          count__gte=_threshold(params))
        return {(user_id, source_id if badge.multiple else 0)
                for user_id, source_id in rows.values_list("user_id", "source_id")}
    if badge.criteria == "profile_complete":
        users = User.objects.filter(is_active=True).exclude(display_name="").exclude(bio="")
        if params.get("avatar", True):
            users = users.exclude(avatar="")
        return {(pk, 0) for pk in users.values_list("pk", flat=True)}
    if badge.criteria == "member_days":
        cutoff = now - datetime.timedelta(days=int(params.get("days", 365)))
        users = User.objects.filter(is_active=True, date_joined__lte=cutoff)
        return {(pk, 0) for pk in users.values_list("pk", flat=True)}
    return set()


def _earned_now(badge: Badge, applied, kind: str) -> int | None:
    """The source id ``badge`` is earned on by this one event, or None."""
    params = badge.params or {}
    if kind not in _kinds_of(params):
        return None
    if badge.criteria == "event_count":
        kinds_ = _kinds_of(params)
        count = applied.event_count if len(kinds_) == 1 else (
            EventCount.objects.filter(user_id=applied.entry.user_id, kind__in=kinds_)
            .aggregate(n=Sum("count"))["n"] or 0)
        return 0 if count >= _threshold(params) else None
    if (badge.criteria == "source_tally" and applied.tally is not None
            and applied.tally >= _threshold(params)):
        return applied.entry.source_id if badge.multiple else 0
    return None


# --- grants --------------------------------------------------------------------------------

def grant_badge(*, user: User, badge: Badge, source_id: int = 0,
                now: datetime.datetime | None = None) -> BadgeGrant | None:
    """Grant ``badge`` to ``user`` (per source for multiple badges). At most once: the
    unique key refuses a second grant; a revoked grant is reinstated. Notifies after commit."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                grant = BadgeGrant.objects.create(user=user, badge=badge, source_id=source_id,
                                                  granted_at=now)
        except IntegrityError:
            reinstated = BadgeGrant.objects.filter(
                user=user, badge=badge, source_id=source_id, revoked_at__isnull=False
            ).update(revoked_at=None, granted_at=now)
            if not reinstated:
                return None
            grant = BadgeGrant.objects.get(user=user, badge=badge, source_id=source_id)
        notify(
            recipient=user, kind=BADGE_KIND,
            message=f"You earned the {badge.name} badge: {badge.description}",
            url=reverse("badges:index") + f"#badge-{badge.slug}",
            # Per grant and moment: a task run twice notifies once, a reinstated badge again.
            dedupe_key=f"badges.grant.{grant.pk}.{int(grant.granted_at.timestamp())}",
        )
        signals.send_on_commit(signals.badge_granted, user_id=user.pk, badge_id=badge.pk,
                               grant_id=grant.pk, source_id=source_id)
    return grant


def _level_for(total: int, levels: list[Level]) -> Level | None:
    current = None
    for level in levels:
        if total >= level.min_points:
            current = level
    return current


def _check_level(user: User, old_total: int, new_total: int) -> None:
    if new_total <= old_total:
        return
    levels = engine_config().levels
    old, new = _level_for(old_total, levels), _level_for(new_total, levels)
    if new is None or new == old or (old and new.min_points <= old.min_points):
        return
    notify(recipient=user, kind=LEVEL_KIND,
           message=f"You reached {new.name} level with {new_total} points.",
           url=user.get_absolute_url(), dedupe_key=f"badges.level.{new.pk}")
    signals.send_on_commit(signals.level_changed, user_id=user.pk,
                           old_level_id=old.pk if old else None, new_level_id=new.pk)


# --- follow-ups inside the engine ----------------------------------------------------------

def follow_up(*, locked: UserPoints, applied, now: datetime.datetime) -> None:
    """Badges, challenge progress and level after a new (non-reversing) entry."""
    from badges.services.ledger import award_reward

    user = locked.user
    kind = applied.entry.reason
    config = engine_config()
    for badge in config.badges:
        source_id = _earned_now(badge, applied, kind)
        if source_id is not None:
            grant_badge(user=user, badge=badge, source_id=source_id, now=now)
    old_total = applied.old_total
    if kind != kinds.CHALLENGE_COMPLETED:
        running = [c for c in config.challenges
                   if c.kind == kind and c.starts_at <= now < c.ends_at]
        for challenge in running:
            count = _progress(challenge.pk, user.pk, 1)
            if count < challenge.goal:
                continue
            claimed = ChallengeProgress.objects.filter(
                challenge=challenge, user=user, completed_at__isnull=True
            ).update(completed_at=now)
            if not claimed:
                continue
            award_reward(locked=locked, reason=kinds.CHALLENGE_COMPLETED,
                         source_label=kinds.SOURCES[kinds.CHALLENGE_COMPLETED],
                         source_id=challenge.pk, points=challenge.reward_points, now=now)
            if challenge.badge_id:
                grant_badge(user=user, badge=challenge.badge, source_id=0, now=now)
            notify(recipient=user, kind=CHALLENGE_KIND,
                   message=f"Challenge complete: {challenge.title} (+{challenge.reward_points} points)",
                   url=reverse("badges:challenges"), dedupe_key=f"badges.challenge.{challenge.pk}")
            signals.send_on_commit(signals.challenge_completed, user_id=user.pk,
                                   challenge_id=challenge.pk)
    _check_level(user, old_total, locked.total)


def undo_progress(*, user_id: int, kind: str, original_at: datetime.datetime,
                  now: datetime.datetime) -> None:
    """A reversed event stops counting toward running challenges it counted for (unless
    already completed: rewards are never taken back by the engine)."""
    running = Challenge.objects.filter(kind=kind, starts_at__lte=original_at,
                                       ends_at__gt=original_at).filter(ends_at__gt=now)
    for challenge_id in running.values_list("pk", flat=True):
        ChallengeProgress.objects.filter(challenge_id=challenge_id, user_id=user_id,
                                         completed_at__isnull=True, count__gt=0).update(
            count=F("count") - 1)


def _progress(challenge_id: int, user_id: int, delta: int) -> int:
    table = ChallengeProgress._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(  # the table name is model metadata; values are parameters
            f"INSERT INTO {table} (challenge_id, user_id, count) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (challenge_id, user_id) DO UPDATE SET count = {table}.count + %s "
            f"RETURNING count",
            [challenge_id, user_id, delta, delta],
        )
        return cursor.fetchone()[0]


# --- nightly backfill ----------------------------------------------------------------------

def backfill_badges(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Grant every badge whose criteria hold but was missed; revoke auto-revoke badges whose
    criteria no longer hold. Suspended members are not granted anything. Returns counts."""
    now = now or timezone.now()
    granted = revoked = 0
    suspended = set(
        UserPoints.objects.filter(Q(user__is_active=False) | Q(suspended_until__gt=now))
        .values_list("user_id", flat=True)
    )
    for badge in Badge.objects.filter(active=True):
        should = {pair for pair in qualifying(badge, now=now) if pair[0] not in suspended}
        current = set(BadgeGrant.objects.current().filter(badge=badge)
                      .values_list("user_id", "source_id"))
        missing = should - current
        users = User.objects.in_bulk({user_id for user_id, _ in missing})
        for user_id, source_id in sorted(missing):
            if grant_badge(user=users[user_id], badge=badge, source_id=source_id, now=now):
                granted += 1
        if badge.auto_revoke:
            for user_id, source_id in current - should:
                revoked += BadgeGrant.objects.filter(
                    user_id=user_id, badge=badge, source_id=source_id, revoked_at__isnull=True
                ).update(revoked_at=now)
    return {"granted": granted, "revoked": revoked}
