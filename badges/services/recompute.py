"""Rebuild every cache of the ledger (lifetime and spendable balances, period rollups, event
counts, per-source tallies) from PointsEntry rows, and report what had drifted."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncDate

from badges import kinds
from badges.models import EventCount, PointsEntry, PointsPeriod, SourceTally, UserPoints
from badges.services.ledger import period_starts


def _expected():
    totals: dict[int, int] = defaultdict(int)
    spendables = {row["user_id"]: row["spendable"] for row in
                  PointsEntry.objects.values("user_id").annotate(spendable=Sum("spendable"))
                  .order_by()}
    periods: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    capped = Case(When(Q(counts_toward_cap=True, points__gt=0), then="points"),
                  default=Value(0), output_field=IntegerField())
    daily = (PointsEntry.objects.annotate(day=TruncDate("created_at"))
             .values("user_id", "day").annotate(day_points=Sum("points"), day_capped=Sum(capped))
             .order_by())
    import datetime

    for row in daily:
        totals[row["user_id"]] += row["day_points"]
        moment = datetime.datetime.combine(row["day"], datetime.time(12),
                                           tzinfo=datetime.UTC)
        for kind, start in period_starts(moment).items():
            bucket = periods[(row["user_id"], kind, start)]
            bucket[0] += row["day_points"]
            if kind == PointsPeriod.DAY:
                bucket[1] += row["day_capped"]
    counts: dict[tuple, int] = defaultdict(int)
    tallies: dict[tuple, list[int]] = {}
    grouped = (PointsEntry.objects.values("user_id", "reason", "source_type_id", "source_id")
               .annotate(n=Count("id")).order_by())
    for row in grouped:
        sign = -1 if row["reason"].endswith(kinds.REVERSED_SUFFIX) else 1
        kind = kinds.base_kind(row["reason"])
        counts[(row["user_id"], kind)] += sign * row["n"]
        if kind in kinds.TALLIED:
            key = (kind, row["source_type_id"], row["source_id"])
            tallies.setdefault(key, [row["user_id"], 0])[1] += sign * row["n"]
    return totals, spendables, periods, counts, tallies


def recompute_points() -> int:
    """Compare every cache with the ledger, fix what differs and return how many rows had
    drifted (0 when the incremental updates were exact)."""
    drift = 0
    with transaction.atomic():
        totals, spendables, periods, counts, tallies = _expected()
        current = {user_id: (total, spendable) for user_id, total, spendable in
                   UserPoints.objects.values_list("user_id", "total", "spendable")}
        for user_id in set(current) | set(totals) | set(spendables):
            want = (totals.get(user_id, 0), spendables.get(user_id, 0))
            if current.get(user_id, (0, 0)) != want:
                drift += 1
                UserPoints.objects.update_or_create(
                    user_id=user_id, defaults={"total": want[0], "spendable": want[1]})
        stored = {(p.user_id, p.kind, p.start): p for p in PointsPeriod.objects.all()}
        for key in set(stored) | set(periods):
            want = periods.get(key, [0, 0])
            have = stored.get(key)
            if have is None:
                if want != [0, 0]:
                    drift += 1
                    PointsPeriod.objects.create(user_id=key[0], kind=key[1], start=key[2],
                                                points=want[0], capped_points=want[1])
            elif [have.points, have.capped_points] != want:
                drift += 1
                PointsPeriod.objects.filter(pk=have.pk).update(points=want[0], capped_points=want[1])
        stored_counts = {(c.user_id, c.kind): c for c in EventCount.objects.all()}
        for key in set(stored_counts) | set(counts):
            want = counts.get(key, 0)
            have = stored_counts.get(key)
            if (have.count if have else 0) != want:
                drift += 1
                EventCount.objects.update_or_create(user_id=key[0], kind=key[1],
                                                    defaults={"count": want})
        stored_tallies = {(t.kind, t.source_type_id, t.source_id): t
                          for t in SourceTally.objects.all()}
        for key in set(stored_tallies) | set(tallies):
            user_id, want = tallies.get(key, [None, 0])
            have = stored_tallies.get(key)
            if (have.count if have else 0) != want:
                drift += 1
                SourceTally.objects.update_or_create(
                    kind=key[0], source_type_id=key[1], source_id=key[2],
                    defaults={"count": want, "user_id": user_id or have.user_id})
    return drift
