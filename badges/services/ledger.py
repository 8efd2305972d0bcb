"""The points engine: every event enters here, and every total moves with its ledger entry.

Per member, writes are serialised by locking their UserPoints row, so the daily cap, the
event counts and the badge checks that follow read a consistent state; the unique key of
PointsEntry makes a replayed event a no-op.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from badges import kinds
from badges.config import engine_config
from badges.models import PointRule, PointsEntry, PointsPeriod, UserPoints
from badges.suspension import is_suspended


@dataclass
class Applied:
    """What one entry changed, for the follow-ups (badges, levels, challenges)."""

    entry: PointsEntry
    old_total: int
    new_total: int
    event_count: int
    tally: int | None = None
    after_commit: list = field(default_factory=list)


def period_starts(moment: datetime.datetime) -> dict[str, datetime.date]:
    day = timezone.localdate(moment)
    return {
        PointsPeriod.DAY: day,
        PointsPeriod.WEEK: day - datetime.timedelta(days=day.weekday()),
        PointsPeriod.MONTH: day.replace(day=1),
    }


def daily_cap() -> int:
    return getattr(settings, "HEARTH_BADGES_DAILY_CAP", 200)


def _lock_points(user_id: int) -> UserPoints:
    """The member's UserPoints row, created if missing and locked until commit: one upsert
    (ON CONFLICT DO UPDATE takes the row lock on PostgreSQL; SQLite writes one at a time)."""
    table = UserPoints._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, total) VALUES (%s, 0) ON CONFLICT (user_id) "  # noqa: S608
            f"DO UPDATE SET total = {table}.total RETURNING total, suspended_until",
            [user_id],
        )
        total, suspended_until = cursor.fetchone()
    # SQLite hands raw SQL datetimes back as text or naive UTC values.
    if isinstance(suspended_until, str):
        suspended_until = parse_datetime(suspended_until)
    if suspended_until is not None and timezone.is_naive(suspended_until):
        suspended_until = timezone.make_aware(suspended_until, datetime.UTC)
    from community.models import User

    locked = UserPoints(user_id=user_id, total=total, suspended_until=suspended_until)
    locked.user = User.objects.get(pk=user_id)
    return locked


def _upsert_add(table: str, key_columns: list[str], key_values: list, column: str,
                delta: int, extra: dict | None = None) -> int:
    """INSERT ... ON CONFLICT DO UPDATE column = column + delta, returning the new value: one
    statement whatever the race (PostgreSQL and SQLite both speak it)."""
    extra = extra or {}
    columns = key_columns + [column] + list(extra)
    values = key_values + [delta] + list(extra.values())
    placeholders = ", ".join(["%s"] * len(values))
    # Identifiers come from model metadata in this module; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {column} = {table}.{column} + %s "
        f"RETURNING {column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values + [delta])
        return cursor.fetchone()[0]


def _add_to_periods(user_id: int, moment: datetime.datetime, points: int, capped: int) -> None:
    rows = []
    params: list = []
    for kind, start in period_starts(moment).items():
        rows.append("(%s, %s, %s, %s, %s)")
        params += [user_id, kind, start, points, capped if kind == PointsPeriod.DAY else 0]
    table = PointsPeriod._meta.db_table
    sql = (  # identifiers from model metadata, values are parameters
        f"INSERT INTO {table} (user_id, kind, start, points, capped_points) VALUES "  # noqa: S608
        f"{', '.join(rows)} ON CONFLICT (user_id, kind, start) DO UPDATE SET "
        f"points = {table}.points + excluded.points, "
        f"capped_points = {table}.capped_points + excluded.capped_points"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _apply(locked: UserPoints, entry: PointsEntry, *, count_delta: int) -> Applied:
    """Insert ``entry`` and move every cache derived from the ledger by it."""
    from badges.models import EventCount, SourceTally

    entry.save(force_insert=True)
    old_total = locked.total
    if entry.points:
        UserPoints.objects.filter(pk=locked.pk).update(total=F("total") + entry.points)
        locked.total = old_total + entry.points
    capped = entry.points if entry.counts_toward_cap and entry.points > 0 else 0
    _add_to_periods(entry.user_id, entry.created_at, entry.points, capped)
    kind = kinds.base_kind(entry.reason)
    count = _upsert_add(EventCount._meta.db_table, ["user_id", "kind"], [entry.user_id, kind],
                        "count", count_delta)
    tally = None
    if kind in kinds.TALLIED:
        tally = _upsert_add(
            SourceTally._meta.db_table, ["kind", "source_type_id", "source_id"],
            [kind, entry.source_type_id, entry.source_id], "count", count_delta,
            extra={"user_id": entry.user_id},
        )
    return Applied(entry=entry, old_total=old_total, new_total=locked.total,
                   event_count=count, tally=tally)


def _rule(kind: str) -> PointRule | None:
    return engine_config().rules.get(kind)


def record_event(
    *,
    kind: str,
    user_id: int,
    source_id: int,
    actor_id: int | None = None,
    variant: int | None = None,
    source_label: str | None = None,
    now: datetime.datetime | None = None,
) -> PointsEntry | None:
    """Record that ``user_id`` earned ``kind`` on the source object, and everything that
    follows (totals, periods, badges, level, challenges).

    Guarantees: at most one entry per (user, kind, source, variant) however often the event
    is delivered, concurrently or not; nothing for acting on one's own content (``actor_id``
    is the user) or for suspended members; points as the rule says at this moment, cut to
    what is left of the daily cap unless the rule is exempt; notifications after commit.
    Returns the new entry, or None when nothing was recorded.
    """
    if actor_id is not None and actor_id == user_id:
        return None
    from badges.services import awards

    now = now or timezone.now()
    label = source_label or kinds.SOURCES[kind]
    if variant is None:
        variant = actor_id or 0
    with transaction.atomic():
        locked = _lock_points(user_id)
        if is_suspended(locked.user, suspended_until=locked.suspended_until):
            return None
        source_type = kinds.content_type_for(label)
        if PointsEntry.objects.filter(user_id=user_id, reason=kind, source_type=source_type,
                                      source_id=source_id, variant=variant).exists():
            return None
        rule = _rule(kind)
        rule_points = rule.points if rule and rule.active else 0
        toward_cap = rule.counts_toward_cap if rule else True
        points = rule_points
        if toward_cap and rule_points > 0:
            used = (
                PointsPeriod.objects.filter(user_id=user_id, kind=PointsPeriod.DAY,
                                            start=timezone.localdate(now))
                .values_list("capped_points", flat=True).first() or 0
            )
            points = max(0, min(rule_points, daily_cap() - used))
        entry = PointsEntry(
            user_id=user_id, points=points, rule_points=rule_points, reason=kind,
            source_type=source_type, source_id=source_id, variant=variant, created_at=now,
            counts_toward_cap=toward_cap,
        )
        applied = _apply(locked, entry, count_delta=1)
        awards.follow_up(locked=locked, applied=applied, now=now)
    return entry


def award_reward(*, locked: UserPoints, reason: str, source_label: str, source_id: int,
                 points: int, now: datetime.datetime) -> Applied | None:
    """Inside a locked follow-up: a reward outside the daily cap (challenge completions).
    Unique like every entry, so it is granted once."""
    source_type = kinds.content_type_for(source_label)
    if PointsEntry.objects.filter(user_id=locked.pk, reason=reason, source_type=source_type,
                                  source_id=source_id, variant=0).exists():
        return None
    entry = PointsEntry(
        user_id=locked.pk, points=points, rule_points=points, reason=reason,
        source_type=source_type, source_id=source_id, variant=0, created_at=now,
        counts_toward_cap=False,
    )
    return _apply(locked, entry, count_delta=1)


def reverse_event(
    *,
    kind: str,
    source_id: int,
    user_id: int | None = None,
    variant: int | None = None,
    source_label: str | None = None,
    now: datetime.datetime | None = None,
) -> list[PointsEntry]:
    """Add a reversing entry for each entry of ``kind`` on the source (only ``user_id``'s and
    only ``variant`` when given) that is not reversed yet. Idempotent: a reversal is itself
    unique. Returns the reversals added."""
    now = now or timezone.now()
    source_type = kinds.content_type_for(source_label or kinds.SOURCES[kind])
    originals = PointsEntry.objects.filter(reason=kind, source_type=source_type,
                                           source_id=source_id, reversed_by__isnull=True)
    if user_id is not None:
        originals = originals.filter(user_id=user_id)
    if variant is not None:
        originals = originals.filter(variant=variant)
    return _reverse_entries(list(originals.values_list("pk", "user_id")), now=now)


def reverse_source(*, source_label: str, source_id: int,
                   now: datetime.datetime | None = None) -> list[PointsEntry]:
    """Content was deleted or hidden: reverse every entry anyone earned from it."""
    now = now or timezone.now()
    source_type = kinds.content_type_for(source_label)
    originals = PointsEntry.objects.filter(
        source_type=source_type, source_id=source_id, reversed_by__isnull=True,
    ).exclude(reason__endswith=kinds.REVERSED_SUFFIX)
    return _reverse_entries(list(originals.values_list("pk", "user_id")), now=now)


def _reverse_entries(pairs: list[tuple[int, int]], *, now) -> list[PointsEntry]:
    from badges.services import awards

    added = []
    # One member at a time, in id order, so two reversals never wait on each other's locks.
    for entry_pk, user_id in sorted(pairs, key=lambda pair: (pair[1], pair[0])):
        with transaction.atomic():
            locked = _lock_points(user_id)
            original = PointsEntry.objects.filter(pk=entry_pk, reversed_by__isnull=True).first()
            if original is None:
                continue
            reversal = PointsEntry(
                user_id=user_id, points=-original.points, rule_points=-original.rule_points,
                reason=kinds.reversal_of(original.reason), source_type_id=original.source_type_id,
                source_id=original.source_id, variant=original.variant, created_at=now,
                counts_toward_cap=False, reverses=original,
            )
            _apply(locked, reversal, count_delta=-1)
            awards.undo_progress(user_id=user_id, kind=original.reason,
                                 original_at=original.created_at, now=now)
            added.append(reversal)
    return added


def set_suspension(*, user_id: int, until: datetime.datetime | None) -> None:
    """Record moderation's suspension of a member (None lifts it)."""
    UserPoints.objects.get_or_create(user_id=user_id)
    UserPoints.objects.filter(pk=user_id).update(suspended_until=until)


def record_events(*, events: list[dict]) -> int:
    """Record many events (each the keyword arguments of ``record_event``, or of
    ``reverse_event`` with ``reverse=True``) in one transaction. Same guarantees as one at a
    time; members are locked in id order, so two batches never wait on each other in a
    cycle. Each member's events keep their order. Returns how many entries were added."""
    added = 0
    ordered = sorted(events, key=lambda event: event["user_id"] or 0)
    with transaction.atomic():
        for event in ordered:
            event = dict(event)
            if event.pop("reverse", False):
                added += len(reverse_event(**event))
            elif record_event(**event) is not None:
                added += 1
    return added
