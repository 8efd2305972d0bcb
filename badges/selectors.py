"""Reads for badges pages. Each sets its own select_related/prefetch_related and runs a
fixed number of queries whatever the number of members or entries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from badges import kinds
from badges.models import (
    Badge,
    BadgeGrant,
    Challenge,
    ChallengeProgress,
    Level,
    LevelSettings,
    MemberLevel,
    PointRule,
    PointsEntry,
    PointsPeriod,
    SuspectedRing,
    UserPoints,
)
from badges.models import money as format_money
from badges.services.ledger import period_starts
from community import cache_versions
from community.models import User
from community.selectors import with_roles
from community.suspensions import not_suspended

BOARDS = {"all": "All time", "month": "This month", "week": "This week"}
TIER_ORDER = Case(*(When(tier=tier, then=Value(i)) for i, (tier, _) in enumerate(Badge.TIERS)),
                  default=Value(9))


@dataclass
class BoardRow:
    rank: int
    user: User
    points: int


@dataclass
class Board:
    key: str
    rows: list[BoardRow]
    page: int
    has_next: bool
    own: BoardRow | None


HISTORY_PREFIXES = {PointsEntry.HIDDEN: "Hidden by moderators", PointsEntry.DELETED: "Removed",
                    PointsEntry.MOVED: "Answer moved"}


# Reasons of the loyalty programme, in the member's words. Their entries show only on the
# member's own points page: what one buys, orders or is granted is nobody else's business.
PRIVATE_REASONS = {
    "order_paid": "Points for an order",
    "order_refunded": "Order refunded",
    "reward_redeemed": "Redeemed a reward",
    "points_adjusted": "Adjusted by the team",
    "points_expired": "Points expired",
    "referral_advocate": "A friend you referred placed their first order",
    "referral_friend": "Joined through a friend's referral",
    "level_reward": "Level reward",
}
PRIVATE_HISTORY = [*PRIVATE_REASONS, *(kinds.reversal_of(reason) for reason in PRIVATE_REASONS)]


def _history_label(entry: PointsEntry, label: str) -> str:
    """Why the entry is there, in the member's words: a reversal says what undid it, a
    re-award after hidden content came back says so."""
    if entry.is_reversal:
        prefix = HISTORY_PREFIXES.get(entry.cause, "Withdrawn")
    elif entry.generation:
        prefix = "Restored"
    else:
        return label
    return f"{prefix}: {label[0].lower()}{label[1:]}"


def _board_queryset(key: str, now: datetime.datetime) -> tuple[QuerySet, str]:
    if key == "all":
        return UserPoints.objects.filter(not_suspended("user__"), total__gt=0), "total"
    kind = PointsPeriod.MONTH if key == "month" else PointsPeriod.WEEK
    start = period_starts(now)[kind]
    return (PointsPeriod.objects.filter(not_suspended("user__"), kind=kind, start=start,
                                        points__gt=0), "points")


def leaderboard(*, key: str, page: int, viewer: User | None, per_page: int = 50,
                now: datetime.datetime | None = None) -> Board:
    """One page of a board with dense ranks, and the viewer's own row wherever it is.

    Reads walk the (-total) or (kind, start, -points) index from the top: the page, the
    viewer's row, and the rank of its first row (page 1: none) and of the viewer's points,
    from the cache when it holds them (``_rank``)."""
    now = now or timezone.now()
    key = key if key in BOARDS else "all"
    queryset, field = _board_queryset(key, now)
    offset = (page - 1) * per_page
    ordered = with_roles(queryset.select_related("user").order_by(f"-{field}", "user_id"), "user")
    items = list(ordered[offset:offset + per_page + 1])
    has_next = len(items) > per_page
    items = items[:per_page]
    rows = []
    if items:
        # Nothing outranks the top of the board: page 1 starts at rank 1 without a count.
        rank = 1 if offset == 0 else _rank(queryset, field, getattr(items[0], field), key=key, now=now)
        previous = getattr(items[0], field)
        for item in items:
            value = getattr(item, field)
            if value != previous:
                rank += 1
                previous = value
            rows.append(BoardRow(rank=rank, user=item.user, points=value))
    own = None
    if viewer is not None and viewer.is_authenticated:
        mine = next((row for row in rows if row.user.pk == viewer.pk), None)
        if mine is None:
            value = queryset.filter(user=viewer).values_list(field, flat=True).first()
            if value is not None:
                mine = BoardRow(rank=_rank(queryset, field, value, key=key, now=now), user=viewer,
                                points=value)
        own = mine
    return Board(key=key, rows=rows, page=page, has_next=has_next, own=own)


# The rank of a number of points on a board: a count over every member above it (~10 ms on
# a board of 20,000 members), so it is kept in the cache under the boards' version (bumped
# after each batch the points engine applies) and for at most this long, which bounds what
# no version follows (a suspension starting or lifted).
RANK_TIMEOUT = 30


def _rank(queryset: QuerySet, field: str, value: int, *, key: str, now: datetime.datetime) -> int:
    version = cache_versions.version_of("leaderboard", 0)
    if version is None:  # the cache is unreachable
        return _count_rank(queryset, field, value)
    period = "" if key == "all" else period_starts(now)[PointsPeriod.MONTH if key == "month" else
                                                        PointsPeriod.WEEK].isoformat()
    cache_key = f"board-rank:{key}:{period}:{version}:{value}"
    rank = cache.get(cache_key)
    if rank is None:
        rank = _count_rank(queryset, field, value)
        cache.set(cache_key, rank, RANK_TIMEOUT)
    return rank


def _count_rank(queryset: QuerySet, field: str, value: int) -> int:
    return queryset.filter(**{f"{field}__gt": value}).values(field).distinct().count() + 1


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


@dataclass
class Achievements:
    member: User
    total: int
    level: Level | None
    next_level: Level | None
    progress_percent: int
    standing: LevelStanding
    grants: list[BadgeGrant]
    history: object  # a Page of PointsEntry
    challenges: list[Challenge]

    @property
    def points_to_next(self) -> int:
        """Points still needed for the next level ("Silver at 250 points: 120 to go")."""
        return max(0, self.next_level.min_points - self.total) if self.next_level else 0


def member_achievements(*, member: User, history_page: int = 1, per_page: int = 20,
                        now: datetime.datetime | None = None) -> Achievements:
    from django.core.paginator import Paginator

    now = now or timezone.now()
    total = UserPoints.objects.filter(user=member).values_list("total", flat=True).first() or 0
    standing = level_standing(user_id=member.pk, points=total, levels=list(Level.objects.all()))
    grants = list(BadgeGrant.objects.current().filter(user=member).select_related("badge")
                  .order_by("-granted_at", "-id"))
    history = Paginator(PointsEntry.objects.filter(user=member)
                        .exclude(reason__in=PRIVATE_HISTORY).for_history(), per_page)
    history_page = history.get_page(history_page)
    labels = dict(PointRule.objects.values_list("key", "label"))
    labels.setdefault(kinds.CHALLENGE_COMPLETED, "Completed a challenge")
    labels.setdefault("order_paid", "Points for an order")
    labels.setdefault("order_refunded", "Order refunded")
    for entry in history_page:
        label = labels.get(kinds.base_kind(entry.reason), entry.reason)
        entry.label = _history_label(entry, label)
        entry.capped_note = ("daily cap reached" if not entry.is_reversal
                             and entry.points < entry.rule_points else "")
    return Achievements(
        member=member, total=total, level=standing.level, next_level=standing.next_level,
        progress_percent=standing.percent, standing=standing, grants=grants,
        history=history_page,
        challenges=active_challenges(user=member, now=now),
    )


def active_challenges(*, user: User | None, now: datetime.datetime | None = None) -> list[Challenge]:
    """Running challenges, each with ``mine`` (the user's progress row or None)."""
    now = now or timezone.now()
    challenges = Challenge.objects.filter(starts_at__lte=now, ends_at__gt=now).select_related("badge")
    if user is not None and user.is_authenticated:
        challenges = challenges.prefetch_related(Prefetch(
            "progress", queryset=ChallengeProgress.objects.filter(user=user), to_attr="own"))
    result = list(challenges)
    for challenge in result:
        own = getattr(challenge, "own", [])
        challenge.mine = own[0] if own else None
        count = challenge.mine.count if challenge.mine else 0
        challenge.percent = min(100, int(100 * count / challenge.goal))
        challenge.count = min(count, challenge.goal)
    return result


def badge_catalogue(*, viewer: User | None) -> tuple[list[Badge], set[int]]:
    """Every active badge with ``holders`` and ``rarity`` (percent of active members), and
    the ids of the badges the viewer holds."""
    members = User.objects.filter(is_active=True).count() or 1
    badges = list(Badge.objects.filter(active=True).annotate(
        holders=Count("grants__user", filter=Q(grants__revoked_at__isnull=True), distinct=True)
    ).order_by(TIER_ORDER, "name"))
    for badge in badges:
        badge.rarity = round(100 * badge.holders / members, 1)
    held: set[int] = set()
    if viewer is not None and viewer.is_authenticated:
        held = set(BadgeGrant.objects.current().filter(user=viewer)
                   .values_list("badge_id", flat=True))
    return badges, held


def suspected_rings() -> list[SuspectedRing]:
    """Every finding, with ``pairs`` naming the members of each liking pair."""
    rings = list(SuspectedRing.objects.prefetch_related(
        Prefetch("members", queryset=User.objects.only("id", "username", "display_name",
                                                         "profile_hidden_at"))))
    for ring in rings:
        names = {member.pk: member.name for member in ring.members.all()}
        ring.pairs = [{**pair, "a": names.get(pair["a"], pair["a"]), "b": names.get(pair["b"], pair["b"])}
                      for pair in ring.evidence.get("pairs", [])]
    return rings


@dataclass
class Balances:
    """A member's two balances: lifetime points (levels, leaderboards) and what they have
    left to spend on rewards."""

    lifetime: int
    spendable: int


def balances_of(user_id: int | None) -> Balances:
    """The member's balances (zeros for a visitor or a member who never earned). One query."""
    if not user_id:
        return Balances(0, 0)
    row = UserPoints.objects.filter(user_id=user_id).values_list("total", "spendable").first()
    return Balances(*(row or (0, 0)))


@dataclass
class PointsPage:
    """A member's own points page: both balances, their level, the full history with each
    entry's note, and what will expire."""

    balances: Balances
    level: Level | None
    next_level: Level | None
    standing: LevelStanding
    history: object  # a Page of PointsEntry, each with .label and .detail
    expiring: object  # badges.services.expiry.Expiring | None


def _own_label(entry: PointsEntry, labels: dict[str, str]) -> str:
    base = kinds.base_kind(entry.reason)
    if base == "reward_redeemed" and entry.is_reversal:
        return "Refunded: a reward was cancelled"
    if base in PRIVATE_REASONS:
        return _history_label(entry, PRIVATE_REASONS[base]) if entry.is_reversal \
            else PRIVATE_REASONS[base]
    return _history_label(entry, labels.get(base, entry.reason))


def entry_labels() -> dict[str, str]:
    """Each points rule's label by its key, for naming ledger entries to their member."""
    labels = dict(PointRule.objects.values_list("key", "label"))
    labels.setdefault(kinds.CHALLENGE_COMPLETED, "Completed a challenge")
    return labels


def own_entry_label(entry: PointsEntry, labels: dict[str, str]) -> str:
    """Why ``entry`` is in its member's ledger, in their words."""
    return _own_label(entry, labels)


def points_page(*, member: User, page: int = 1, per_page: int = 25) -> PointsPage:
    """Everything on the member's points page, in a fixed number of queries."""
    from django.core.paginator import Paginator

    from badges.services.expiry import expiring_for

    balances = balances_of(member.pk)
    standing = level_standing(user_id=member.pk, points=balances.lifetime,
                              levels=list(Level.objects.all()))
    history = Paginator(PointsEntry.objects.filter(user=member).for_history(), per_page)
    history_page = history.get_page(page)
    labels = dict(PointRule.objects.values_list("key", "label"))
    labels.setdefault(kinds.CHALLENGE_COMPLETED, "Completed a challenge")
    for entry in history_page:
        entry.label = _own_label(entry, labels)
    return PointsPage(balances=balances, level=standing.level, next_level=standing.next_level,
                      standing=standing, history=history_page,
                      expiring=expiring_for(user_id=member.pk, spendable=balances.spendable))


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
