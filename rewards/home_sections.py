"""The home page's "your points" section (``community.home``), for members only: their
balance and level, what the next level takes and unlocks, and rewards within reach, each
with the reason it is suggested.

The ladder (levels, their basis and perks) and the catalogue are the same for every member:
they are read once a minute into the cache (``_shared``), so the section costs a member
one query for their balance, and one more for their spend level when levels follow spend.
A reward the section suggests is checked again, under locks, when it is redeemed."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse

from badges.models import Level
from badges.selectors import balances_of, level_standing, levels_by_spend
from community.home import HomeItem, HomeSection, register_section
from rewards.models import LevelPerk, Reward
from rewards.selectors import catalogue_rewards
from rewards.services._common import at_or_above

SHARED_KEY = "home:rewards:ladder-and-catalogue"
SHARED_TIMEOUT = 60
SUGGESTED = 2


@dataclass(frozen=True)
class _Offer:
    pk: int
    title: str
    cost: int
    min_level_id: int | None


@dataclass(frozen=True)
class _Shared:
    levels: list[Level]
    by_spend: bool
    perks: dict[int, str]
    offers: list[_Offer]


def _on_offer(reward: Reward) -> bool:
    """Whether anyone could redeem the reward now, levels and balances aside: it costs
    points, and stock and codes are left."""
    if reward.cost <= 0 or (reward.stock is not None and reward.stock <= 0):
        return False
    return not (reward.kind == Reward.Kind.DISCOUNT_CODE and reward.code_pool_id
                and not getattr(reward, "codes_left", 1))


def _shared() -> _Shared:
    shared = cache.get(SHARED_KEY)
    if shared is None:
        offers = [_Offer(pk=reward.pk, title=reward.title, cost=reward.cost,
                         min_level_id=reward.min_level_id)
                  for reward in catalogue_rewards() if _on_offer(reward)]
        shared = _Shared(levels=list(Level.objects.all()), by_spend=levels_by_spend(),
                         perks=dict(LevelPerk.objects.exclude(description="")
                                    .values_list("level_id", "description")),
                         offers=offers)
        cache.set(SHARED_KEY, shared, SHARED_TIMEOUT)
    return shared


def your_points(*, member) -> HomeSection | None:
    shared = _shared()
    balances = balances_of(member.pk)
    standing = level_standing(user_id=member.pk, points=balances.lifetime, levels=shared.levels,
                              by_spend=shared.by_spend)
    if balances.lifetime == 0 and standing.level is None:
        return None
    summary = f"You have {balances.spendable:,} points to spend"
    summary += f" and are a {standing.level.name} member." if standing.level else "."
    if standing.next_level is not None:
        summary += f" {standing.to_next[:1].upper()}{standing.to_next[1:]}."
        perk = shared.perks.get(standing.next_level.pk)
        if perk:
            summary += f" {standing.next_level.name} unlocks: {perk.rstrip('.')}."
    open_to_member = [offer for offer in shared.offers
                      if not offer.min_level_id
                      or at_or_above(standing.level, offer.min_level_id, shared.levels)]
    affordable = [offer for offer in open_to_member if offer.cost <= balances.spendable]
    beyond = [offer for offer in open_to_member if offer.cost > balances.spendable]
    # The dearest reward the member can already have, then the next ones to save for.
    suggested = [max(affordable, key=lambda offer: offer.cost)] if affordable else []
    suggested += beyond[:SUGGESTED - len(suggested)]
    items = [HomeItem(title=offer.title, url=reverse("rewards:detail", args=[offer.pk]),
                      detail=f"{offer.cost:,} points", why=_reason(offer, balances.spendable))
             for offer in suggested]
    return HomeSection(key="rewards.your_points", title="Your points",
                       why="Your balance and level, and the rewards closest to it.",
                       summary=summary, items=items,
                       more_url=reverse("rewards:index"), more_label="All rewards")


def _reason(offer: _Offer, spendable: int) -> str:
    if offer.cost <= spendable:
        return f"It is within your {spendable:,} points."
    return f"{offer.cost - spendable:,} more points and it is yours."


def register() -> None:
    register_section("rewards.your_points", your_points, order=30, members_only=True)
