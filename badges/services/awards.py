"""What follows from the ledger: badges, levels and challenges.

Incremental checks run inside the engine's transaction, under the member's lock, so a badge
is granted at most once however events interleave; ``backfill_badges`` repairs whatever was
missed (and revokes auto-revoke badges whose criteria no longer hold).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
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
)
from community import suspensions
from community.events import send_on_commit
from community.models import User
from community.services.notifications import notify, notify_many

BADGE_KIND = "badges.badge_granted"
LEVEL_KIND = "badges.level_up"
CHALLENGE_KIND = "badges.challenge_completed"


# --- criteria ------------------------------------------------------------------------------

def _kinds_of(params: dict) -> list[str]:
    value = params.get("kinds") or params.get("kind") or []
    return [value] if isinstance(value, str) else list(value)


def _threshold(params: dict) -> int:
    return int(params.get("threshold", 1))


def _complete_profiles(params: dict):
    users = User.objects.filter(is_active=True).exclude(display_name="").exclude(bio="")
    if params.get("avatar", True):
        users = users.exclude(avatar="")
    return users


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
        users = _complete_profiles(params)
        return {(pk, 0) for pk in users.values_list("pk", flat=True)}
    if badge.criteria == "member_days":
        cutoff = now - datetime.timedelta(days=int(params.get("days", 365)))
        users = User.objects.filter(is_active=True, date_joined__lte=cutoff)
        return {(pk, 0) for pk in users.values_list("pk", flat=True)}
    return set()


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
        notify(**_grant_notice(grant, badge))
        send_on_commit(signals.badge_granted, user_id=user.pk, badge_id=badge.pk,
                       grant_id=grant.pk, source_id=source_id)
    return grant


def _level_for(total: int, levels: list[Level]) -> Level | None:
    current = None
    for level in levels:
        if total >= level.min_points:
            current = level
    return current


def announce_level(*, user: User, old: Level | None, new: Level | None, levels: list[Level],
                   reached_with: str) -> None:
    """A member's level changed (inside the transaction that changed it). A rise is
    announced as every level-up is: a notification (live, once per level) and
    ``level_changed`` with ``raised=True``, which issues the level's entry reward. A drop (a
    12-month spend ageing out) sends ``level_changed`` with ``raised=False`` and nothing
    else: no notification, no reward, no points taken. ``reached_with`` completes "You
    reached Gold level with ..." ("1200 points")."""
    if new == old:
        return
    rank = {level.pk: index for index, level in enumerate(levels)}
    raised = new is not None and (old is None or rank.get(new.pk, -1) > rank.get(old.pk, -1))
    if raised:
        notify(recipient=user, kind=LEVEL_KIND,
               message=f"You reached {new.name} level with {reached_with}.",
               url=user.get_absolute_url(), dedupe_key=f"badges.level.{new.pk}")
    send_on_commit(signals.level_changed, user_id=user.pk,
                   old_level_id=old.pk if old else None, new_level_id=new.pk if new else None,
                   raised=raised)


def _check_level(user: User, old_total: int, new_total: int, levels: list[Level]) -> None:
    if new_total <= old_total:
        return
    old, new = _level_for(old_total, levels), _level_for(new_total, levels)
    if new is None or new == old or (old and new.min_points <= old.min_points):
        return
    announce_level(user=user, old=old, new=new, levels=levels,
                   reached_with=f"{new_total} points")


# --- follow-ups inside the engine ----------------------------------------------------------

def follow_up(*, members: dict, moved, now: datetime.datetime, challenges: bool = True) -> None:
    """Badges, challenge progress and levels after a batch of new (non-reversing) entries,
    under the members' locks: each (member, badge) the batch touched is checked once."""
    if not moved.entries:
        return
    config = engine_config()
    _grant_earned_badges(members, moved, config.badges, now)
    if challenges:
        _advance_challenges(members, moved, config.challenges, now)
    for user_id in {entry.user_id for entry in moved.entries}:
        member = members[user_id]
        if not config.levels_by_spend:  # else levels follow spend (badges.services.levels)
            _check_level(member.user, member.start_total, member.total, config.levels)
        member.start_total = member.total


def _event_counts(moved, badges: list[Badge]) -> dict[tuple[int, str], int]:
    """Counts after the batch for every (member, kind) the badges need: those the batch moved,
    plus one query for the other kinds of multi-kind badges."""
    counts = dict(moved.counts)
    users = {user_id for user_id, _ in moved.counts}
    extra_kinds = {kind for badge in badges if badge.criteria == "event_count"
                   for kind in _kinds_of(badge.params or {})}
    if any(len(_kinds_of(badge.params or {})) > 1 for badge in badges) and users:
        missing = {(user_id, kind) for user_id in users for kind in extra_kinds} - set(counts)
        if missing:
            rows = EventCount.objects.filter(user_id__in=users, kind__in=extra_kinds)
            for user_id, kind, count in rows.values_list("user_id", "kind", "count"):
                counts.setdefault((user_id, kind), count)
    return counts


def _earned(moved, badges: list[Badge]) -> set[tuple[int, Badge, int]]:
    """(member, badge, source) the batch's events earn: criteria met after the batch, checked
    only for the kinds the batch recorded."""
    recorded = {(entry.user_id, entry.reason) for entry in moved.entries}
    recorded_kinds = {kind for _, kind in recorded}
    counts = _event_counts(moved, badges)
    earned = set()
    for badge in badges:
        params = badge.params or {}
        badge_kinds = _kinds_of(params)
        if not recorded_kinds.intersection(badge_kinds):
            continue
        threshold = _threshold(params)
        if badge.criteria == "event_count":
            for user_id in {user_id for user_id, kind in recorded if kind in badge_kinds}:
                if sum(counts.get((user_id, kind), 0) for kind in badge_kinds) >= threshold:
                    earned.add((user_id, badge, 0))
        elif badge.criteria == "source_tally":
            for (kind, _, source_id), (owner, count) in moved.tallies.items():
                if kind in badge_kinds and count >= threshold:
                    earned.add((owner, badge, source_id if badge.multiple else 0))
    return earned


def _grant_earned_badges(members: dict, moved, badges: list[Badge], now) -> None:
    earned = _earned(moved, badges)
    if earned:
        grant_many(users={user_id: members[user_id].user for user_id, _, _ in earned},
                   wanted=earned, now=now)


def grant_many(*, users: dict[int, User], wanted: set[tuple[int, Badge, int]],
               now: datetime.datetime) -> list[BadgeGrant]:
    """``grant_badge`` for every (member id, badge, source) in ``wanted`` at once, with a
    constant number of statements: one read of the grants that exist, one insert for the new
    ones, one update reinstating revoked ones, and the notifications as one batch. Callers
    hold the members' locks (the engine), so nobody else grants them meanwhile; should a
    grant appear anyway (the nightly backfill does not lock), it falls back to one at a time.
    Returns the grants made or reinstated."""
    existing = {
        (user_id, badge_id, source_id): revoked_at
        for user_id, badge_id, source_id, revoked_at in BadgeGrant.objects.filter(
            user_id__in={user_id for user_id, _, _ in wanted},
            badge_id__in={badge.pk for _, badge, _ in wanted},
            source_id__in={source_id for _, _, source_id in wanted},
        ).values_list("user_id", "badge_id", "source_id", "revoked_at")
    }
    ordered = sorted(wanted, key=lambda item: (item[0], item[1].pk, item[2]))
    fresh = [BadgeGrant(user=users[user_id], badge=badge, source_id=source_id, granted_at=now)
             for user_id, badge, source_id in ordered
             if (user_id, badge.pk, source_id) not in existing]
    # A revoked grant keeps its row (revoked_at set): it is reinstated, not added again.
    revoked = [(user_id, badge, source_id) for user_id, badge, source_id in ordered
               if existing.get((user_id, badge.pk, source_id)) is not None]
    try:
        with transaction.atomic():
            grants = BadgeGrant.objects.bulk_create(fresh)
    except IntegrityError:
        return [grant for user_id, badge, source_id in ordered
                if (grant := grant_badge(user=users[user_id], badge=badge, source_id=source_id,
                                         now=now)) is not None]
    if revoked:
        grants += _reinstate(revoked, now=now)
    badges = {badge.pk: badge for _, badge, _ in wanted}
    notify_many([_grant_notice(grant, badges[grant.badge_id]) for grant in grants])
    for grant in grants:
        send_on_commit(signals.badge_granted, user_id=grant.user_id,
                       badge_id=grant.badge_id, grant_id=grant.pk,
                       source_id=grant.source_id)
    return grants


def _reinstate(revoked: list[tuple[int, Badge, int]], *, now) -> list[BadgeGrant]:
    matches = Q()
    for user_id, badge, source_id in revoked:
        matches |= Q(user_id=user_id, badge_id=badge.pk, source_id=source_id)
    BadgeGrant.objects.filter(matches, revoked_at__isnull=False).update(revoked_at=None, granted_at=now)
    return list(BadgeGrant.objects.filter(matches).select_related("user"))


def _grant_notice(grant: BadgeGrant, badge: Badge) -> dict:
    return {
        "recipient": grant.user, "kind": BADGE_KIND,
        "message": f"You earned the {badge.name} badge: {badge.description}",
        "url": reverse("badges:index") + f"#badge-{badge.slug}",
        # Per grant and moment: a task run twice notifies once, a reinstated badge again.
        "dedupe_key": f"badges.grant.{grant.pk}.{int(grant.granted_at.timestamp() * 1_000_000)}",
    }


def _advance_challenges(members: dict, moved, challenges: list[Challenge], now) -> None:
    from badges.services.engine import upsert_add

    steps: dict[tuple[int, int], int] = {}
    for entry in moved.entries:
        if entry.reason == kinds.CHALLENGE_COMPLETED:
            continue
        for challenge in challenges:
            if challenge.kind == entry.reason and challenge.starts_at <= now < challenge.ends_at:
                key = (challenge.pk, entry.user_id)
                steps[key] = steps.get(key, 0) + 1
    if not steps:
        return
    by_id = {challenge.pk: challenge for challenge in challenges}
    progress = upsert_add(ChallengeProgress._meta.db_table, ["challenge_id", "user_id"],
                           ["count"], [(*key, step) for key, step in steps.items()],
                           returning=True)
    for challenge_id, user_id, count in sorted(progress):
        if count >= by_id[challenge_id].goal:
            _complete_challenge(members, members[user_id], by_id[challenge_id], now)


def _complete_challenge(members: dict, member, challenge: Challenge, now) -> None:
    from badges.services.ledger import award_reward

    user = member.user
    claimed = ChallengeProgress.objects.filter(
        challenge=challenge, user=user, completed_at__isnull=True
    ).update(completed_at=now)
    if not claimed:
        return
    award_reward(member=member, members=members, reason=kinds.CHALLENGE_COMPLETED,
                 source_label=kinds.SOURCES[kinds.CHALLENGE_COMPLETED],
                 source_id=challenge.pk, points=challenge.reward_points, now=now)
    if challenge.badge_id:
        grant_badge(user=user, badge=challenge.badge, source_id=0, now=now)
    notify(recipient=user, kind=CHALLENGE_KIND,
           message=f"Challenge complete: {challenge.title} (+{challenge.reward_points} points)",
           url=reverse("badges:challenges"), dedupe_key=f"badges.challenge.{challenge.pk}")
    send_on_commit(signals.challenge_completed, user_id=user.pk,
                   challenge_id=challenge.pk)


def undo_progress(*, user_id: int, kind: str, original_at: datetime.datetime,
                  now: datetime.datetime, challenges: list[Challenge] | None = None) -> None:
    """A reversed event stops counting toward running challenges it counted for (unless
    already completed: rewards are never taken back by the engine). ``challenges``: the
    engine's configuration, when the caller has read it already."""
    if challenges is None:
        challenges = engine_config().challenges
    if not any(challenge.kind == kind for challenge in challenges):
        return  # nothing running counts this kind: no query
    running = Challenge.objects.filter(kind=kind, starts_at__lte=original_at,
                                       ends_at__gt=original_at).filter(ends_at__gt=now)
    for challenge_id in running.values_list("pk", flat=True):
        ChallengeProgress.objects.filter(challenge_id=challenge_id, user_id=user_id,
                                         completed_at__isnull=True, count__gt=0).update(
            count=F("count") - 1)


def check_profile_badges(*, user_id: int, now: datetime.datetime | None = None) -> int:
    """Grant the profile badges (Welcome) a member now qualifies for, on profile save rather
    than at the nightly backfill. Suspended members get nothing. Returns how many granted."""
    badges = list(Badge.objects.filter(active=True, criteria="profile_complete"))
    user = User.objects.filter(pk=user_id).first()
    if not badges or user is None:
        return 0
    if suspensions.is_suspended(user):
        return 0
    granted = 0
    for badge in badges:
        if _complete_profiles(badge.params or {}).filter(pk=user_id).exists():
            granted += grant_badge(user=user, badge=badge, now=now) is not None
    return granted


# --- nightly backfill ----------------------------------------------------------------------

def backfill_badges(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Grant every badge whose criteria hold but was missed; revoke auto-revoke badges whose
    criteria no longer hold. Suspended members are not granted anything. Returns counts."""
    now = now or timezone.now()
    granted = revoked = 0
    suspended = set(User.objects.exclude(suspensions.not_suspended()).values_list("pk", flat=True))
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
