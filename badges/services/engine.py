"""The set-based core of the points engine: a batch of entries goes in with a constant number
of statements, whatever its size.

Every write for a member happens while their UserPoints row is locked (one upsert locks every
member of the batch, in id order, so two batches never wait on each other in a cycle). Under
those locks the duplicate check, the daily cap and the badge checks read a state nobody else
can change, the entries go in with one bulk insert, and each cache of the ledger (totals,
day/week/month rollups, event counts, per-source tallies) moves with one upsert that adds the
batch's net change per row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from badges import kinds, live
from badges.models import EventCount, PointsEntry, PointsPeriod, SourceTally, UserPoints
from community.suspensions import is_suspended


@dataclass
class Member:
    """A locked member: their lifetime total before the batch and as it moves, and their
    spendable balance as it moves."""

    user: object
    total: int
    start_total: int
    spendable: int = 0

    @property
    def suspended(self) -> bool:
        return is_suspended(self.user)


@dataclass
class Moved:
    """What a batch of entries changed, for the follow-ups (badges, challenges, levels)."""

    entries: list
    counts: dict = field(default_factory=dict)  # (user_id, kind) -> count after the batch
    tallies: dict = field(default_factory=dict)  # (kind, source_type_id, source_id) -> (owner, count)


def period_starts(moment: datetime.datetime) -> dict[str, datetime.date]:
    day = timezone.localdate(moment)
    return {
        PointsPeriod.DAY: day,
        PointsPeriod.WEEK: day - datetime.timedelta(days=day.weekday()),
        PointsPeriod.MONTH: day.replace(day=1),
    }


def lock_members(user_ids) -> dict[int, Member]:
    """Create missing UserPoints rows and lock every one until commit, in id order: one upsert
    (ON CONFLICT DO UPDATE takes the row locks on PostgreSQL; SQLite writes one at a time),
    after one query for the users."""
    from community.models import User

    users = User.objects.in_bulk(set(user_ids))
    ids = sorted(users)  # members that no longer exist earn nothing
    if not ids:
        return {}
    table = UserPoints._meta.db_table
    values = ", ".join(["(%s, 0, 0)"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, total, spendable) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (user_id) DO UPDATE SET total = {table}.total "
            "RETURNING user_id, total, spendable",
            ids,
        )
        rows = cursor.fetchall()
    return {user_id: Member(user=users[user_id], total=total, start_total=total,
                            spendable=spendable)
            for user_id, total, spendable in rows}


def entry_key(entry: PointsEntry) -> tuple:
    return (entry.user_id, entry.reason, entry.source_type_id, entry.source_id, entry.variant,
            entry.occurrence, entry.generation)


def without_duplicates(entries: list[PointsEntry]) -> list[PointsEntry]:
    """The entries whose unique key is neither in the ledger nor earlier in the list. Exact
    because every member in ``entries`` is locked: nobody else can insert their rows."""
    if not entries:
        return []
    stored = set(
        PointsEntry.objects.filter(
            user_id__in={entry.user_id for entry in entries},
            reason__in={entry.reason for entry in entries},
            source_id__in={entry.source_id for entry in entries},
        ).values_list("user_id", "reason", "source_type_id", "source_id", "variant", "occurrence",
                      "generation")
    )
    fresh = []
    for entry in entries:
        key = entry_key(entry)
        if key not in stored:
            stored.add(key)
            fresh.append(entry)
    return fresh


def cap_used(entries: list[PointsEntry]) -> dict[tuple[int, datetime.date], int]:
    """Points already counted toward the daily cap, per (member, day) the entries fall on."""
    if not entries:
        return {}
    days = {timezone.localdate(entry.created_at) for entry in entries}
    rows = PointsPeriod.objects.filter(
        user_id__in={entry.user_id for entry in entries}, kind=PointsPeriod.DAY, start__in=days,
    ).values_list("user_id", "start", "capped_points")
    return {(user_id, start): capped for user_id, start, capped in rows}


def upsert_add(table: str, keys: list[str], adds: list[str], rows: list[tuple],
                extras: list[str] = (), returning: bool = False) -> list[tuple]:
    """INSERT ... VALUES (one row per key) ON CONFLICT DO UPDATE adding ``adds``: one statement
    per batch (PostgreSQL and SQLite both speak it). ``rows`` hold keys, then adds, then
    extras, one row per key; sorted so concurrent batches lock rows in one order."""
    if not rows:
        return []
    columns = list(keys) + list(adds) + list(extras)
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Identifiers come from model metadata in this module; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
        f"{', '.join([row_sql] * len(rows))} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{column} = {table}.{column} + excluded.{column}" for column in adds)
    )
    if returning:
        sql += f" RETURNING {', '.join(list(keys) + list(adds))}"
    params = [value for row in sorted(rows) for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else []


def price_spendable(members: dict[int, Member], entries: list[PointsEntry]) -> None:
    """Set each entry's change to the spendable balance, in order: what it earns, or for a
    reversal what it takes back, at most what the member has left to spend (points already
    spent on a reward stay spent)."""
    for entry in entries:
        member = members[entry.user_id]
        entry.spendable = max(entry.points, -member.spendable)
        member.spendable += entry.spendable


def _move_balances(totals: dict[int, int], spendables: dict[int, int]) -> None:
    """Add each member's net change to both balances in one UPDATE (their rows exist and are
    locked). Not an upsert: PostgreSQL checks the spendable >= 0 constraint on the row an
    upsert proposes, which holds the change, not the new balance."""
    moving = [user_id for user_id in totals if totals[user_id] or spendables[user_id]]
    if not moving:
        return

    def per_member(deltas: dict[int, int]):
        return Case(*[When(user_id=user_id, then=Value(deltas[user_id])) for user_id in moving],
                    default=Value(0), output_field=IntegerField())

    UserPoints.objects.filter(user_id__in=moving).update(
        total=F("total") + per_member(totals), spendable=F("spendable") + per_member(spendables))


def apply_entries(members: dict[int, Member], entries: list[PointsEntry], *,
                  count_delta: int, spendable_priced: bool = False) -> Moved:
    """Insert ``entries`` (already free of duplicates, their members locked) and move every
    cache derived from the ledger by their net change: one statement per table. The entries'
    spendable changes follow their points unless ``spendable_priced`` says the caller set
    them (spending, expiry)."""
    moved = Moved(entries=entries)
    if not entries:
        return moved
    if spendable_priced:
        for entry in entries:
            members[entry.user_id].spendable += entry.spendable
    else:
        price_spendable(members, entries)
    PointsEntry.objects.bulk_create(entries)
    live.entries_applied(entries)
    totals: dict[int, int] = defaultdict(int)
    spendables: dict[int, int] = defaultdict(int)
    periods: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    counts: dict[tuple, int] = defaultdict(int)
    tallies: dict[tuple, list[int]] = {}
    for entry in entries:
        totals[entry.user_id] += entry.points
        spendables[entry.user_id] += entry.spendable
        capped = entry.points if entry.counts_toward_cap and entry.points > 0 else 0
        for kind, start in period_starts(entry.created_at).items():
            bucket = periods[(entry.user_id, kind, start)]
            bucket[0] += entry.points
            bucket[1] += capped if kind == PointsPeriod.DAY else 0
        kind = kinds.base_kind(entry.reason)
        counts[(entry.user_id, kind)] += count_delta
        if kind in kinds.TALLIED:
            key = (kind, entry.source_type_id, entry.source_id)
            tallies.setdefault(key, [0, entry.user_id])[0] += count_delta
    for user_id, delta in totals.items():
        members[user_id].total += delta
    _move_balances(totals, spendables)
    upsert_add(PointsPeriod._meta.db_table, ["user_id", "kind", "start"],
                ["points", "capped_points"],
                [(*key, points, capped) for key, (points, capped) in periods.items()])
    for user_id, kind, count in upsert_add(
            EventCount._meta.db_table, ["user_id", "kind"], ["count"],
            [(*key, delta) for key, delta in counts.items()], returning=True):
        moved.counts[(user_id, kind)] = count
    owners = {key: owner for key, (_, owner) in tallies.items()}
    for kind, source_type_id, source_id, count in upsert_add(
            SourceTally._meta.db_table, ["kind", "source_type_id", "source_id"], ["count"],
            [(*key, delta, owner) for key, (delta, owner) in tallies.items()],
            extras=["user_id"], returning=True):
        key = (kind, source_type_id, source_id)
        moved.tallies[key] = (owners[key], count)
    return moved
