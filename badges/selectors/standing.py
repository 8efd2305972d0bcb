"""Where members stand in the levels (one member, or a batch for the activity digest) and the
challenges ending soon for a batch of members."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from badges.models import (
    Challenge,
    ChallengeProgress,
    Level,
    LevelSettings,
    MemberLevel,
    UserPoints,
)
from badges.models import money as format_money


@dataclass
class LevelStanding:
    """Where a member stands on the ladder of levels under the basis that applies: their
    level, the next one and how far it is, in points or in money spent in the last 12
    months (in the shop's currency, as the shop writes it)."""

    by_spend: bool
    level: Level | None
    next_level: Level | None
    points: int
    spend: Decimal
    percent: int

    @property
    def basis_label(self) -> str:
        return ("what you spent in our shop in the last 12 months" if self.by_spend
                else "your lifetime points")

    @property
    def figure_label(self) -> str:
        """The member's figure in words: "1,200 lifetime points", "150.00 EUR spent in the
        last 12 months"."""
        if self.by_spend:
            return f"{format_money(self.spend)} spent in the last 12 months"
        return f"{self.points:,} lifetime points"

    def threshold_of(self, level: Level) -> str:
        return level.spend_label if self.by_spend else f"{level.min_points:,} points"

    @property
    def threshold_of_next(self) -> str:
        return self.threshold_of(self.next_level) if self.next_level else ""

    @property
    def to_next(self) -> str:
        """What is left to reach the next level, in words ("" at the top)."""
        if self.next_level is None:
            return ""
        if self.by_spend:
            left = max(Decimal(0), self.next_level.min_spend - self.spend)
            return f"{format_money(left)} more spent in 12 months to reach {self.next_level.name}"
        left = max(0, self.next_level.min_points - self.points)
        return f"{left:,} more points to reach {self.next_level.name}"


def _percent(value, floor, ceiling) -> int:
    span = ceiling - floor
    if span <= 0:
        return 100
    return max(0, min(100, int(100 * (value - floor) / span)))


def level_standing(*, user_id: int | None, points: int, levels: list[Level],
                   by_spend: bool | None = None) -> LevelStanding:
    """The member's level under the basis that applies (``by_spend`` when the caller read it;
    else one query for the setting), from their lifetime ``points`` or their spend level as
    last computed (one query; no row: no spend). ``levels`` in ladder order."""
    from badges.services.levels import level_by_points, level_by_spend

    if by_spend is None:
        by_spend = LevelSettings.by_spend()
    spend = Decimal(0)
    if by_spend:
        row = (MemberLevel.objects.filter(user_id=user_id).values_list("spend", "level_id").first()
               if user_id else None)
        by_id = {level.pk: level for level in levels}
        if row is not None:
            spend = row[0]
            level = by_id.get(row[1]) if row[1] in by_id else level_by_spend(spend, levels)
        else:
            level = level_by_spend(spend, levels)
    else:
        level = level_by_points(points, levels)
    return _standing_at(level, levels=levels, by_spend=by_spend, points=points, spend=spend)


def _standing_at(level: Level | None, *, levels: list[Level], by_spend: bool, points: int,
                 spend: Decimal) -> LevelStanding:
    """The standing of a member at ``level``: the next level and how far along they are."""
    index = levels.index(level) if level in levels else -1
    next_level = levels[index + 1] if index + 1 < len(levels) else None
    if next_level is None:
        percent = 100
    elif by_spend:
        percent = _percent(spend, level.min_spend if level else Decimal(0), next_level.min_spend)
    else:
        percent = _percent(points, level.min_points if level else 0, next_level.min_points)
    return LevelStanding(by_spend=by_spend, level=level, next_level=next_level, points=points,
                         spend=spend, percent=percent)


def levels_by_spend() -> bool:
    """Whether levels come from spend in the last 12 months (else lifetime points). One query."""
    return LevelSettings.by_spend()



# --- What members missed (the activity digest, outreach) -------------------------------------

def standings_of(*, member_ids, levels: list[Level] | None = None) -> dict[int, LevelStanding]:
    """Each member's points and level standing (``level_standing``) for a batch at once:
    three queries (points, levels, the basis) and one more under the spend basis."""
    from badges.services.levels import level_by_points, level_by_spend

    ids = list(member_ids)
    levels = list(Level.objects.all()) if levels is None else levels
    by_spend = LevelSettings.by_spend()
    points = dict(UserPoints.objects.filter(user_id__in=ids).values_list("user_id", "total"))
    spend_rows = ({user_id: (spend, level_id) for user_id, spend, level_id in
                   MemberLevel.objects.filter(user_id__in=ids).values_list("user_id", "spend", "level_id")}
                  if by_spend else {})
    by_id = {level.pk: level for level in levels}
    found = {}
    for member_id in ids:
        total = points.get(member_id, 0)
        spend = Decimal(0)
        if by_spend:
            spend, level_id = spend_rows.get(member_id, (Decimal(0), None))
            level = by_id.get(level_id) or level_by_spend(spend, levels)
        else:
            level = level_by_points(total, levels)
        found[member_id] = _standing_at(level, levels=levels, by_spend=by_spend, points=total,
                                        spend=spend)
    return found


def challenges_ending(*, member_ids, now: datetime.datetime, within: datetime.timedelta,
                      ) -> tuple[list[Challenge], dict[tuple[int, int], int]]:
    """Running challenges that end within ``within`` of ``now`` (soonest first), and each
    member's count towards them as {(member id, challenge id): count} (completed ones left
    out: nothing left to do). Two queries."""
    challenges = list(Challenge.objects.filter(starts_at__lte=now, ends_at__gt=now,
                                               ends_at__lte=now + within).order_by("ends_at", "pk"))
    if not challenges:
        return [], {}
    progress = ChallengeProgress.objects.filter(
        challenge__in=challenges, user_id__in=list(member_ids)).values_list(
        "user_id", "challenge_id", "count", "completed_at")
    counts = {}
    for user_id, challenge_id, count, completed_at in progress:
        counts[(user_id, challenge_id)] = -1 if completed_at else count
    return challenges, counts
