"""Reads for the rewards pages. Each runs a fixed number of queries whatever the number of
rewards, redemptions or codes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from wagtail.images import get_image_model

from badges.models import Level
from badges.selectors import LevelStanding, balances_of, level_standing, levels_by_spend
from community.models import User
from community.suspensions import is_suspended
from rewards.models import Cause, CodePool, LevelPerk, Redemption, Reward
from rewards.services._common import at_or_above

THUMBNAIL = "fill-480x270"


@dataclass
class Standing:
    """Where a member stands for one reward: whether they may redeem it and, if not, why."""

    can_redeem: bool
    reason: str = ""


@dataclass
class Viewer:
    """The signed-in member's side of the catalogue (empty for a visitor)."""

    user: User | None
    spendable: int = 0
    total: int = 0
    level: Level | None = None
    used: dict[int, int] = field(default_factory=dict)
    suspended: bool = False
    standing: LevelStanding | None = None
    levels: list[Level] = field(default_factory=list)


def _with_images(queryset: QuerySet) -> QuerySet:
    images = get_image_model().objects.prefetch_renditions(THUMBNAIL)
    return queryset.prefetch_related(Prefetch("image", queryset=images))


def catalogue_rewards(*, now: datetime.datetime | None = None) -> list[Reward]:
    """Rewards in the catalogue now (live, inside their window), cheapest first, with their
    level, pool's free codes and image. Three queries (rewards, images, renditions)."""
    now = now or timezone.now()
    queryset = (Reward.objects.filter(live=True)
                .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
                .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
                .select_related("min_level", "cause")
                .annotate(codes_left=Count("code_pool__codes",
                                           filter=Q(code_pool__codes__redemption__isnull=True))))
    return list(_with_images(queryset))


def early_access_rewards(group_ids: list[int]) -> dict[int, list]:
    """The live early-access rewards that put members into each group, as links for the
    ``community.group_access`` registry (one query)."""
    from community.group_access import Link

    keys: dict[int, list] = {}
    for reward in (Reward.objects.filter(kind=Reward.Kind.EARLY_ACCESS, live=True, group_id__in=group_ids)
                   .order_by("cost", "title")):
        keys.setdefault(reward.group_id, []).append(Link(label=reward.title, url=reward.get_absolute_url()))
    return keys


def attach_opens(rewards: list[Reward]) -> None:
    """Give each early-access reward ``opens``: what membership of its group opens, in words
    (``community.group_access``). One query when the list has an early-access reward, none
    otherwise."""
    from community.group_access import doors_of

    groups = [r.group_id for r in rewards if r.kind == Reward.Kind.EARLY_ACCESS and r.group_id]
    doors = doors_of(groups) if groups else {}
    for reward in rewards:
        reward.opens = [door.label for door in doors.get(reward.group_id, [])] if reward.group_id else []


def viewer_for(user, *, levels: list[Level]) -> Viewer:
    """The member's balances, level (under the basis levels come from) and how often they
    redeemed each reward (three queries, four when levels come from spend; none for a
    visitor)."""
    if not (user and user.is_authenticated):
        return Viewer(user=None)
    balances = balances_of(user.pk)
    standing = level_standing(user_id=user.pk, points=balances.lifetime, levels=levels)
    used = dict(Redemption.objects.filter(member=user).exclude(state=Redemption.State.CANCELLED)
                .values("reward_id").annotate(n=Count("pk")).values_list("reward_id", "n"))
    return Viewer(user=user, spendable=balances.spendable, total=balances.lifetime,
                  level=standing.level, used=used, suspended=is_suspended(user),
                  standing=standing, levels=levels)


def standing(reward: Reward, viewer: Viewer) -> Standing:
    """Whether ``viewer`` may redeem ``reward`` now, with the reason in words when not (the
    redemption service checks the same again under its locks)."""
    if viewer.user is None:
        return Standing(False, "Log in to redeem rewards.")
    if viewer.suspended:
        return Standing(False, "Your account is suspended.")
    if reward.min_level_id and not at_or_above(viewer.level, reward.min_level_id, viewer.levels):
        yours = f"you are {viewer.level.name}" if viewer.level else "you have no level yet"
        return Standing(False, f"For {reward.min_level.name} members and above; {yours}.")
    if reward.stock is not None and reward.stock <= 0:
        return Standing(False, "Out of stock.")
    if reward.code_pool_id and reward.kind == Reward.Kind.DISCOUNT_CODE and not getattr(
            reward, "codes_left", 1):
        return Standing(False, "No codes left for now.")
    used = viewer.used.get(reward.pk, 0)
    if reward.per_member_limit is not None and used >= reward.per_member_limit:
        return Standing(False, "You have reached this reward's limit.")
    cheapest = reward.cost * (reward.min_steps if reward.is_incremental else 1)
    if viewer.spendable < cheapest:
        return Standing(False, f"You need {cheapest - viewer.spendable:,} more points.")
    return Standing(True)


def by_spend() -> bool:
    """Whether levels come from 12-month spend rather than lifetime points. One query."""
    return levels_by_spend()


def levels() -> list[Level]:
    return list(Level.objects.all())


def reward_for_page(reward_id: int) -> Reward | None:
    """One reward with what its page shows (level, cause, pool's free codes, image)."""
    queryset = (Reward.objects.filter(pk=reward_id).select_related("min_level", "cause")
                .annotate(codes_left=Count("code_pool__codes",
                                           filter=Q(code_pool__codes__redemption__isnull=True))))
    return next(iter(_with_images(queryset)), None)


def donated_to(cause_ids) -> dict[int, Decimal]:
    """The running total donated to each cause (redemptions not cancelled). One query."""
    rows = (Redemption.objects.filter(reward__cause_id__in=list(cause_ids),
                                      reward__kind=Reward.Kind.DONATION)
            .exclude(state=Redemption.State.CANCELLED)
            .values("reward__cause_id").annotate(total=Sum("amount")))
    return {row["reward__cause_id"]: row["total"] or Decimal("0") for row in rows}


def cause_page(slug: str) -> tuple[Cause, list[Reward], Decimal, int] | None:
    cause = Cause.objects.select_related("image").filter(slug=slug).first()
    if cause is None:
        return None
    rewards = list(cause.rewards.filter(live=True, kind=Reward.Kind.DONATION))
    totals = (Redemption.objects.filter(reward__cause=cause, reward__kind=Reward.Kind.DONATION)
              .exclude(state=Redemption.State.CANCELLED)
              .aggregate(total=Sum("amount"), donors=Count("member", distinct=True)))
    return cause, rewards, totals["total"] or Decimal("0"), totals["donors"]


def my_redemptions(user: User) -> list[Redemption]:
    """Every redemption of the member, newest first, with its reward. One query."""
    return list(Redemption.objects.filter(member=user).select_related("reward", "reward__cause"))


def levels_with_perks(all_levels: list[Level]) -> list[tuple[Level, LevelPerk | None, list[Reward]]]:
    """Each level, its perk (words and entry reward) and the rewards reserved for it (the
    lowest level that may redeem them). Two queries."""
    perks = {perk.level_id: perk for perk in LevelPerk.objects.select_related("entry_reward")}
    reserved: dict[int, list[Reward]] = {}
    for reward in Reward.objects.filter(live=True, min_level__isnull=False):
        reserved.setdefault(reward.min_level_id, []).append(reward)
    return [(level, perks.get(level.pk), reserved.get(level.pk, [])) for level in all_levels]


def pending_gifts() -> list[Redemption]:
    """Gifts waiting to be shipped, oldest first, with member and reward. One query."""
    return list(Redemption.objects.filter(state=Redemption.State.PENDING)
                .select_related("reward", "member").order_by("created_at", "pk")[:200])


def pools_with_counts() -> list[CodePool]:
    """Every code pool with its codes left and in all, lowest first. One query."""
    pools = CodePool.objects.annotate(
        left=Count("codes", filter=Q(codes__redemption__isnull=True)), total=Count("codes"))
    return sorted(pools, key=lambda pool: (pool.left >= pool.threshold, pool.left, pool.name))


def low_pools() -> list[CodePool]:
    return [pool for pool in pools_with_counts() if pool.left < pool.threshold]


def low_stock(*, limit: int = 5) -> list[Reward]:
    """Live rewards with stock at or below ``limit``. One query."""
    return list(Reward.objects.filter(live=True, stock__isnull=False, stock__lte=limit)
                .order_by("stock", "title"))


def perks_by_level() -> dict[int, str]:
    """Each level's perk in words (its description, else its entry reward's title), by level
    id: what the digest says the next level brings. One query."""
    return {perk.level_id: perk.description or (perk.entry_reward.title if perk.entry_reward else "")
            for perk in LevelPerk.objects.select_related("entry_reward")}
