"""A member's own pages: achievements and points history, badges, active challenges, balances
and the points page, with entries labelled in the member's words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Prefetch, Q, Value, When
from django.utils import timezone

from badges import kinds
from badges.models import (
    Badge,
    BadgeGrant,
    Challenge,
    ChallengeProgress,
    Level,
    PointRule,
    PointsEntry,
    SuspectedRing,
    UserPoints,
)
from badges.selectors.standing import LevelStanding, level_standing
from community.models import User

TIER_ORDER = Case(*(When(tier=tier, then=Value(i)) for i, (tier, _) in enumerate(Badge.TIERS)),
                  default=Value(9))

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
