"""Levels by spend: a brand may have members' levels follow what they spent in the shop in
the last 12 months instead of their lifetime points (``LevelSettings.basis``).

badges never reads the shop: the spend comes from a source registered from outside
(``register_spend_source``; rewards registers ``shop.selectors.spend_by_member``), asked for
a batch of members while their points rows are locked. That lock (the one the points engine
and redemptions take, in id order) serialises every re-levelling of a member, and the spend is
read after it is taken: of two orders paid at once, the second re-levelling waits for the
first and then reads both, so the stored figure never goes back to an older sum.

A change of level is announced through ``awards.announce_level``, the path of every level-up
(notification, live notice, ``level_changed`` and so the entry reward); a drop lowers the level
and owes nothing. Lifetime points are never touched here.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from badges.models import Level, LevelSettings, MemberLevel, UserPoints, money
from badges.services.awards import announce_level
from badges.services.engine import lock_members

logger = logging.getLogger(__name__)

SpendSource = Callable[..., dict[int, Decimal]]
_SPEND_SOURCE: list[SpendSource] = []

BATCH = 500


def register_spend_source(source: SpendSource) -> None:
    """``source(member_ids=ids or None, now=moment) -> {member_id: spend}``: each member's
    spend in the 12 months up to ``now`` (members with none may be left out; None: every
    member with some)."""
    _SPEND_SOURCE[:] = [source]


def spend_of(member_ids: Iterable[int] | None, *, now: datetime.datetime) -> dict[int, Decimal]:
    if not _SPEND_SOURCE:
        return {}
    return _SPEND_SOURCE[0](member_ids=member_ids, now=now)


format_money = money  # "120.00 EUR": as the shop writes money


def by_spend() -> bool:
    return LevelSettings.by_spend()


def level_by_points(total: int, levels: list[Level]) -> Level | None:
    current = None
    for level in levels:
        if total >= level.min_points:
            current = level
    return current


def level_by_spend(spend: Decimal, levels: list[Level]) -> Level | None:
    current = None
    for level in sorted(levels, key=lambda level: level.min_spend):
        if spend >= level.min_spend:
            current = level
    return current


@dataclass(frozen=True)
class Change:
    user_id: int
    old: Level | None
    new: Level | None


def relevel(*, user_ids: Iterable[int], now: datetime.datetime | None = None,
            switching: bool = False) -> list[Change]:
    """Bring each member's level in line with the basis that applies now, in one transaction
    with their points rows locked. Under the spend basis: read their 12-month spend, store it
    with the level it reaches (``MemberLevel``) and announce a change from the level they had:
    their stored spend level or, without one, the level of no spend (as the pages show it) or,
    when the basis was just ``switching`` to spend, their points level. Under the points
    basis: a member who still has a spend level is moved back to their points level
    (announced likewise) and their row goes. Idempotent. Returns the changes of level."""
    now = now or timezone.now()
    ids = sorted(set(user_ids))
    if not ids:
        return []
    spend_basis = by_spend()
    changes = []
    with transaction.atomic():
        stored = {row.user_id: row for row in MemberLevel.objects.filter(user_id__in=ids)}
        if not spend_basis:
            ids = sorted(stored)  # members without a spend level are at their points level
            if not ids:
                return []
        members = lock_members(ids)
        if not members:
            return []
        # Read again under the locks: another run may have changed them meanwhile.
        stored = {row.user_id: row for row in MemberLevel.objects.filter(user_id__in=list(members))}
        levels = list(Level.objects.all())
        by_id = {level.pk: level for level in levels}
        spends = spend_of(list(members), now=now) if spend_basis else {}
        rows = []
        for user_id, member in sorted(members.items()):
            row = stored.get(user_id)
            if row is not None:
                old = by_id.get(row.level_id)
            elif spend_basis and not switching:
                old = level_by_spend(Decimal(0), levels)
            else:
                old = level_by_points(member.total, levels)
            if spend_basis:
                spend = spends.get(user_id, Decimal(0))
                new = level_by_spend(spend, levels)
                if row is None or row.spend != spend or row.level_id != (new.pk if new else None):
                    rows.append(MemberLevel(user_id=user_id, level=new, spend=spend,
                                            updated_at=now))
                reached_with = f"{format_money(spend)} spent in the last 12 months"
            else:
                new = level_by_points(member.total, levels)
                reached_with = f"{member.total} points"
            if new != old:
                announce_level(user=member.user, old=old, new=new, levels=levels,
                               reached_with=reached_with)
                changes.append(Change(user_id, old, new))
        if rows:
            MemberLevel.objects.bulk_create(rows, update_conflicts=True, unique_fields=["user"],
                                            update_fields=["level", "spend", "updated_at"])
        if not spend_basis:
            MemberLevel.objects.filter(user_id__in=list(members)).delete()
    return changes


def _batches(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def relevel_everyone(*, now: datetime.datetime | None = None, batch_size: int = BATCH) -> int:
    """Re-level every member who may have a level other than the one the basis gives (after
    the basis or a level's thresholds changed), a batch of members per transaction. Under the
    spend basis: members with points, with a spend level or with spend; under the points
    basis: members who still have a spend level. Returns how many changed level."""
    now = now or timezone.now()
    ids = set(MemberLevel.objects.values_list("user_id", flat=True))
    if by_spend():
        ids |= set(UserPoints.objects.values_list("user_id", flat=True))
        ids |= set(spend_of(None, now=now))
    changed = 0
    for batch in _batches(sorted(ids), batch_size):
        changed += len(relevel(user_ids=batch, now=now, switching=True))
    return changed


def relevel_lapsed(*, now: datetime.datetime | None = None, batch_size: int = BATCH) -> int:
    """The daily run under the spend basis: spend ages out of its 12 months with the clock
    alone, so every member with spend on record is re-levelled (orders paid since were
    re-levelled when they came). Nothing under the points basis. Returns how many changed
    level."""
    if not by_spend():
        return 0
    now = now or timezone.now()
    ids = sorted(MemberLevel.objects.filter(spend__gt=0).values_list("user_id", flat=True))
    changed = 0
    for batch in _batches(ids, batch_size):
        changed += len(relevel(user_ids=batch, now=now))
    return changed


def recompute_levels(*, now: datetime.datetime | None = None) -> int:
    """Compare every stored spend level with the shop's orders and the basis, fix what
    differs (as ``relevel`` does, announcing a level reached) and return how many members had
    drifted. For ``manage.py recompute_counts`` and the nightly repair."""
    now = now or timezone.now()
    stored = {row.user_id: (row.spend, row.level_id) for row in MemberLevel.objects.all()}
    if not by_spend():
        drifted = set(stored)
    else:
        levels = list(Level.objects.all())
        spends = spend_of(None, now=now)
        drifted = set()
        for user_id in set(stored) | set(spends):
            spend = spends.get(user_id, Decimal(0))
            level = level_by_spend(spend, levels)
            want = (spend, level.pk if level else None)
            have = stored.get(user_id)
            if have is None and not spend:
                continue
            if have != want:
                drifted.add(user_id)
    for batch in _batches(sorted(drifted), BATCH):
        relevel(user_ids=batch, now=now)
    if drifted:
        logger.info("levels by spend: %s members had drifted", len(drifted))
    return len(drifted)
