import itertools
import secrets
from decimal import Decimal

from badges.models import Level
from badges.services.wallet import award_points
from rewards.models import Cause, CodePool, DiscountCode, Reward

_grants = itertools.count(1)


def give_points(member, points: int):
    """``points`` to both of the member's balances, as a grant from outside the community."""
    award_points(user_id=member.pk, points=points, reason="test_grant",
                 source_label="community.user", source_id=next(_grants))


def key() -> str:
    return secrets.token_urlsafe(16)


def make_pool(*, codes: int = 5, name: str | None = None, prefix: str | None = None,
              **fields) -> CodePool:
    prefix = prefix or f"TEST{secrets.token_hex(2).upper()}"
    pool = CodePool.objects.create(name=name or f"Pool {secrets.token_hex(3)}", prefix=prefix, **fields)
    DiscountCode.objects.bulk_create(DiscountCode(pool=pool, code=f"{prefix}-{i:04d}")
                                     for i in range(codes))
    return pool


def make_reward(*, kind: str = Reward.Kind.DISCOUNT_CODE, cost: int = 100, **fields) -> Reward:
    defaults = {"title": f"Reward {secrets.token_hex(3)}", "description": "A thank-you."}
    if kind == Reward.Kind.DISCOUNT_CODE:
        defaults |= {"discount": Reward.Discount.AMOUNT, "value": Decimal("5.00")}
        if "code_pool" not in fields:
            defaults["code_pool"] = make_pool()
    elif kind == Reward.Kind.INCREMENTAL:
        defaults |= {"discount": Reward.Discount.AMOUNT, "value": Decimal("1.00"), "min_steps": 1,
                     "max_steps": 10}
    elif kind == Reward.Kind.DONATION:
        defaults |= {"value": Decimal("2.50"), "cause": fields.pop("cause", None) or
                     Cause.objects.create(name="Trees", slug=f"trees-{secrets.token_hex(3)}")}
    elif kind == Reward.Kind.EARLY_ACCESS:
        from django.contrib.auth.models import Group

        defaults |= {"group": Group.objects.create(name=f"Early {secrets.token_hex(3)}"),
                     "access_days": 30}
    reward = Reward(kind=kind, cost=cost, **(defaults | fields))
    reward.full_clean()
    reward.save()
    return reward


def level(name: str) -> Level:
    return Level.objects.get(name=name)


ADDRESS = {"ship_name": "Ada Member", "ship_address": "1 Kettle Lane", "ship_postcode": "12345",
           "ship_city": "Springfield", "ship_country": "France"}
