"""Redeeming a reward: one transaction that either does everything (stock, limit, level,
points, code, access) or changes nothing."""

from __future__ import annotations

import datetime
import logging
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from badges.models import Level
from badges.selectors import balances_of, level_standing
from badges.services.wallet import spend_points
from community.deferred import enqueue_on_commit
from community.events import send_on_commit
from community.models import User
from community.refusals import Invalid, Suspended
from community.suspensions import is_suspended
from rewards import signals
from rewards.models import DiscountCode, Redemption, Reward
from rewards.services._common import (
    REDEEMED_REASON,
    SOURCE_LABEL,
    LevelTooLow,
    LimitReached,
    NotAvailable,
    OutOfStock,
    PoolEmpty,
    at_or_above,
    lock_member,
)

logger = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
ADDRESS_FIELDS = ("ship_name", "ship_address", "ship_postcode", "ship_city", "ship_country")


@dataclass(frozen=True)
class Choice:
    """What the member chose for a reward: the points of an incremental discount, the
    shipping address of a gift."""

    points: int | None = None
    address: dict | None = None


def price_of(reward: Reward, choice: Choice) -> tuple[int, Decimal | None]:
    """The points a redemption costs and the money it is worth (None when not money), or
    Invalid with the reason the member's choice does not fit the reward."""
    if reward.kind != Reward.Kind.INCREMENTAL:
        money = reward.kind == Reward.Kind.DONATION or reward.discount == Reward.Discount.AMOUNT
        return reward.cost, reward.value if money else None
    step = reward.cost or 1
    points = choice.points
    lowest = reward.min_steps * step
    if points is None:
        raise Invalid("Choose how many points to spend.")
    if points % step:
        raise Invalid(f"Choose a number of points in steps of {step:,}.")
    if points < lowest:
        raise Invalid(f"Spend at least {lowest:,} points on this discount.")
    if reward.max_steps is not None and points > reward.max_steps * step:
        raise Invalid(f"Spend at most {reward.max_steps * step:,} points on this discount.")
    return points, (reward.value or Decimal("0")) * (points // step)


def check_level(*, reward: Reward, level: Level | None, levels: list[Level]) -> None:
    """LevelTooLow when the member's level (from lifetime points or 12-month spend, as levels
    come) is below the reward's level."""
    if reward.min_level_id is None:
        return
    required = next((level for level in levels if level.pk == reward.min_level_id), None)
    if required is None or at_or_above(level, required.pk, levels):
        return
    current = level
    yours = f"you are {current.name}" if current else "you have not reached a level yet"
    raise LevelTooLow(f"This reward is for {required.name} members and above; {yours}.")


def _clean_address(address: dict | None) -> dict:
    address = {field: (address or {}).get(field, "").strip() for field in ADDRESS_FIELDS}
    missing = [field for field in ("ship_name", "ship_address", "ship_city", "ship_country")
               if not address[field]]
    if missing:
        raise Invalid("Enter the name and full address to ship the gift to.")
    return address


def _generated_code(reward: Reward) -> str:
    prefix = (reward.code_pool.prefix if reward.code_pool_id else "") or "HEARTH"
    return f"{prefix}-{secrets.token_hex(5).upper()}"


def redeem(*, member: User, reward_id: int, idempotency_key: str, choice: Choice = Choice(),
           free: bool = False, now: datetime.datetime | None = None) -> Redemption:
    """Redeem ``reward_id`` for ``member``, or refuse and change nothing.

    Guarantees, in one transaction:
    - idempotent per (member, idempotency key): a repeated call returns the first redemption
      (a key reused for another reward is refused);
    - one member's redemptions run one at a time (their points row is locked first), so the
      per-member limit holds and the spendable balance never goes below zero;
    - stock is taken by a conditional UPDATE (``stock > 0``), so parallel redemptions never
      take more than there is;
    - a code is taken from the pool with ``SKIP LOCKED``, each code given once;
    - out of stock, an empty pool, too few points, the wrong level or the limit reached raise
      a refusal saying so, with nothing spent or taken; so is a suspended member.
    ``free`` (a level's entry reward) costs nothing and skips the window, level and limit.
    The member is notified after commit (``rewards.tasks.notify_redemption``)."""
    now = now or timezone.now()
    if not free and is_suspended(member):
        raise Suspended("Your account is suspended: you can redeem rewards again when the "
                        "suspension ends.")
    if not KEY_PATTERN.match(idempotency_key or ""):
        raise Invalid("This form has expired. Reload the page and try again.")
    try:
        with transaction.atomic():
            return _redeem(member=member, reward_id=reward_id, key=idempotency_key,
                           choice=choice, free=free, now=now)
    except IntegrityError:
        # Only a free redemption (no points row to lock) can race on its own key.
        existing = Redemption.objects.filter(member=member, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing


def _redeem(*, member: User, reward_id: int, key: str, choice: Choice, free: bool,
            now: datetime.datetime) -> Redemption:
    lock_member(member.pk)
    existing = Redemption.objects.filter(member=member, idempotency_key=key).first()
    if existing is not None:
        if existing.reward_id != reward_id:
            raise Invalid("This form has expired. Reload the page and try again.")
        return existing
    reward = Reward.objects.select_related("code_pool", "cause").filter(pk=reward_id).first()
    if reward is None:
        raise NotAvailable("That reward does not exist.")
    if free:
        _, amount = price_of(reward, Choice(points=reward.min_steps * reward.cost))
        points = 0
    else:
        points, amount = price_of(reward, choice)
    if not free:
        if not reward.available_at(now):
            raise NotAvailable()
        if reward.min_level_id:
            levels = list(Level.objects.all())
            level = level_standing(user_id=member.pk, points=balances_of(member.pk).lifetime,
                                   levels=levels).level
            check_level(reward=reward, level=level, levels=levels)
        if reward.per_member_limit is not None:
            used = Redemption.objects.filter(member=member, reward=reward).exclude(
                state=Redemption.State.CANCELLED).count()
            if used >= reward.per_member_limit:
                times = "once" if reward.per_member_limit == 1 else f"{reward.per_member_limit} times"
                raise LimitReached(f"You have already redeemed this reward {times}, its limit.")
    address = _clean_address(choice.address) if reward.kind == Reward.Kind.GIFT and not free else {}
    if reward.stock is not None and not Reward.objects.filter(
            pk=reward.pk, stock__gt=0).update(stock=F("stock") - 1):
        raise OutOfStock()
    redemption = Redemption.objects.create(
        member=member, reward=reward, idempotency_key=key, points=points, amount=amount,
        currency=reward.currency if amount is not None else "",
        state=Redemption.State.PENDING if reward.kind == Reward.Kind.GIFT else Redemption.State.ISSUED,
        created_at=now, updated_at=now, **address)
    if points:
        entry = spend_points(user_id=member.pk, points=points, reason=REDEEMED_REASON,
                             source_label=SOURCE_LABEL, source_id=redemption.pk,
                             note=reward.title, now=now)
        redemption.spend_entry_id = entry.pk
    _deliver(redemption, reward, now=now)
    redemption.save()
    from rewards import tasks

    enqueue_on_commit(tasks.notify_redemption, redemption.pk)
    send_on_commit(signals.redemption_created, sender=Redemption, redemption_id=redemption.pk,
                   member_id=member.pk, reward_id=reward.pk, points=points)
    return redemption


def _deliver(redemption: Redemption, reward: Reward, *, now: datetime.datetime) -> None:
    """Give what the reward gives, on the unsaved-changes ``redemption``."""
    if reward.kind == Reward.Kind.DISCOUNT_CODE and reward.code_pool_id:
        code = (DiscountCode.objects.select_for_update(skip_locked=True)
                .filter(pool_id=reward.code_pool_id, redemption__isnull=True).order_by("pk").first())
        if code is None:
            raise PoolEmpty()
        DiscountCode.objects.filter(pk=code.pk).update(redemption=redemption)
        redemption.code = code.code
    elif reward.kind in (Reward.Kind.DISCOUNT_CODE, Reward.Kind.INCREMENTAL):
        redemption.code = _generated_code(reward)
    elif reward.kind == Reward.Kind.EARLY_ACCESS:
        from rewards.services.access import grant_access

        grant_access(redemption, reward, now=now)
