"""The ledger's service API for the loyalty apps: earning points from outside the community
(orders, referrals, staff grants), spending them, refunding what was spent, and expiry.

Every change is a PointsEntry like any other, written while the member's UserPoints row is
locked, so the two balances move with their entries in one transaction:

- lifetime points (``UserPoints.total``, the sum of ``PointsEntry.points``) count toward
  levels and leaderboards; spending and expiry never lower them;
- spendable points (``UserPoints.spendable``, the sum of ``PointsEntry.spendable``) are
  earned - spent - expired + refunded; the database refuses a balance below zero.

Each entry is unique by (member, reason, source, variant), so a retried call adds nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from badges import kinds
from badges.models import PointsAdjustment, PointsEntry
from badges.services import awards
from badges.services.engine import apply_entries, lock_members, without_duplicates
from community.refusals import Invalid

__all__ = ["NotEnoughPoints", "adjust_points", "award_points", "expire_points",
           "refund_spent_points", "spend_points", "take_back_points"]

POINTS_ADJUSTED = "points_adjusted"
POINTS_EXPIRED = "points_expired"
# The notification a member gets when the team grants or deducts points.
ADJUSTMENT_KIND = "points_adjusted"


class NotEnoughPoints(Invalid):
    """The member's spendable balance does not cover the cost."""

    title = "Not enough points"
    default_message = "You do not have enough points for that."


def _entry(*, user_id: int, reason: str, source_label: str, source_id: int, variant: int,
           points: int, spendable: int, note: str, now: datetime.datetime) -> PointsEntry:
    return PointsEntry(
        user_id=user_id, points=points, rule_points=points, spendable=spendable, reason=reason,
        source_type=kinds.content_type_for(source_label), source_id=source_id,
        variant=variant, created_at=now, counts_toward_cap=False, note=note[:200],
    )


def _existing(entry: PointsEntry) -> PointsEntry | None:
    return PointsEntry.objects.filter(
        user_id=entry.user_id, reason=entry.reason, source_type=entry.source_type,
        source_id=entry.source_id, variant=entry.variant, occurrence=0, generation=0,
    ).first()


def _add_once(*, user_id: int, points: int, reason: str, source_label: str, source_id: int,
              note: str, variant: int, now: datetime.datetime | None) -> PointsEntry | None:
    """One entry moving lifetime points by ``points`` (spendable follows, clamped at zero),
    unless the member has it already; levels and badges follow an award."""
    now = now or timezone.now()
    with transaction.atomic():
        members = lock_members([user_id])
        if user_id not in members:
            return None
        fresh = without_duplicates([_entry(
            user_id=user_id, reason=reason, source_label=source_label, source_id=source_id,
            variant=variant, points=points, spendable=0, note=note, now=now)])
        moved = apply_entries(members, fresh, count_delta=1)
        if points > 0:
            awards.follow_up(members=members, moved=moved, now=now, challenges=False)
    return fresh[0] if fresh else None


def award_points(*, user_id: int, points: int, reason: str, source_label: str, source_id: int,
                 note: str = "", variant: int = 0,
                 now: datetime.datetime | None = None) -> PointsEntry | None:
    """Give ``points`` (> 0) to both balances, outside the daily cap, once per (member,
    reason, source, variant); levels and badges follow as for any award. Returns the new
    entry, or None when it was given already or the member no longer exists."""
    if points <= 0:
        raise Invalid("Points to award must be a positive number.")
    return _add_once(user_id=user_id, points=points, reason=reason, source_label=source_label,
                     source_id=source_id, note=note, variant=variant, now=now)


def take_back_points(*, user_id: int, points: int, reason: str, source_label: str,
                     source_id: int, note: str = "", variant: int = 0,
                     now: datetime.datetime | None = None) -> PointsEntry | None:
    """Take ``points`` (> 0) back from lifetime points and from what is left to spend (never
    below zero: points already spent stay spent), once per (member, reason, source, variant).
    For a refunded order. Returns the new entry, or None when taken back already."""
    if points <= 0:
        raise Invalid("Points to take back must be a positive number.")
    return _add_once(user_id=user_id, points=-points, reason=reason, source_label=source_label,
                     source_id=source_id, note=note, variant=variant, now=now)


def spend_points(*, user_id: int, points: int, reason: str, source_label: str, source_id: int,
                 note: str = "", now: datetime.datetime | None = None) -> PointsEntry:
    """Take ``points`` (> 0) from the member's spendable balance, leaving lifetime points as
    they are. Raises NotEnoughPoints (changing nothing) when the balance does not cover it.

    Idempotent per (member, reason, source): a second call returns the first entry. The
    member's row stays locked until the caller's transaction commits, so parallel spends by
    one member are served one at a time and the balance never goes below zero."""
    if points <= 0:
        raise Invalid("Points to spend must be a positive number.")
    now = now or timezone.now()
    with transaction.atomic():
        members = lock_members([user_id])
        if user_id not in members:
            raise Invalid("That member no longer exists.")
        entry = _entry(user_id=user_id, reason=reason, source_label=source_label,
                       source_id=source_id, variant=0, points=0, spendable=-points, note=note,
                       now=now)
        already = _existing(entry)
        if already is not None:
            return already
        balance = members[user_id].spendable
        if balance < points:
            raise NotEnoughPoints(
                f"This needs {points:,} points and you have {balance:,} to spend.")
        apply_entries(members, [entry], count_delta=1, spendable_priced=True)
    return entry


def refund_spent_points(*, spend_entry_id: int, note: str = "",
                        now: datetime.datetime | None = None) -> PointsEntry | None:
    """Give back the points a spend entry took (a cancelled redemption), as a reversing
    entry. Idempotent: a spend is refunded at most once; returns None when it was already."""
    now = now or timezone.now()
    with transaction.atomic():
        spend = PointsEntry.objects.select_related("source_type").get(pk=spend_entry_id)
        if spend.spendable >= 0 or spend.is_reversal:
            raise Invalid("Only spent points can be refunded.")
        members = lock_members([spend.user_id])
        if spend.user_id not in members or PointsEntry.objects.filter(reverses=spend).exists():
            return None
        refund = PointsEntry(
            user_id=spend.user_id, points=0, rule_points=0, spendable=-spend.spendable,
            reason=kinds.reversal_of(spend.reason), source_type=spend.source_type,
            source_id=spend.source_id, variant=spend.variant, created_at=now,
            counts_toward_cap=False, reverses=spend, note=(note or spend.note)[:200],
        )
        apply_entries(members, [refund], count_delta=-1, spendable_priced=True)
    return refund


def expire_points(*, user_id: int, points: int, period_key: int, note: str,
                  now: datetime.datetime | None = None) -> PointsEntry | None:
    """Expire up to ``points`` of what the member has left to spend (lifetime points stay),
    once per ``period_key`` (e.g. the day of the inactivity that caused it). Returns the
    entry, or None when nothing was left or it was expired already."""
    now = now or timezone.now()
    with transaction.atomic():
        members = lock_members([user_id])
        if user_id not in members:
            return None
        amount = min(points, members[user_id].spendable)
        if amount <= 0:
            return None
        fresh = without_duplicates([_entry(
            user_id=user_id, reason=POINTS_EXPIRED, source_label="badges.userpoints",
            source_id=user_id, variant=period_key, points=0, spendable=-amount, note=note,
            now=now)])
        apply_entries(members, fresh, count_delta=1, spendable_priced=True)
    return fresh[0] if fresh else None


def adjust_points(*, actor, user_id: int, points: int, reason: str,
                  now: datetime.datetime | None = None) -> PointsAdjustment:
    """A staff grant (points > 0) or deduction (points < 0) of both balances, with a reason
    the member reads in their history. A deduction larger than what the member has left to
    spend is refused (it would take points they already spent). The caller checks the
    actor's role and writes the audit log in the same transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Say why: the member reads the reason in their points history.")
    if not points:
        raise Invalid("Enter a number of points other than zero.")
    now = now or timezone.now()
    with transaction.atomic():
        members = lock_members([user_id])
        if user_id not in members:
            raise Invalid("That member no longer exists.")
        balance = members[user_id].spendable
        if points < 0 and -points > balance:
            raise Invalid(f"The member has {balance:,} points left to spend: deduct at most "
                          f"{balance:,}.")
        adjustment = PointsAdjustment.objects.create(user_id=user_id, actor=actor,
                                                     points=points, reason=reason,
                                                     created_at=now)
        entry = _entry(user_id=user_id, reason=POINTS_ADJUSTED,
                       source_label="badges.pointsadjustment", source_id=adjustment.pk,
                       variant=0, points=points, spendable=points, note=reason, now=now)
        moved = apply_entries(members, [entry], count_delta=1, spendable_priced=True)
        if points > 0:
            awards.follow_up(members=members, moved=moved, now=now, challenges=False)
    return adjustment

