"""Races on PostgreSQL: parallel redemptions take exactly the stock, and one member's
parallel redemptions never spend more than they have."""

import pytest

from badges.models import UserPoints
from badges.services.recompute import recompute_points
from community.refusals import Refusal
from rewards.models import DiscountCode, Redemption, Reward
from rewards.services.redemption import Choice, redeem
from tests.factories import UserFactory
from tests.parallel import errors_of, run_at_once
from tests.rewards.factories import ADDRESS, give_points, key, make_pool, make_reward

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


def _redeem_or_refused(refused: list, **kwargs):
    try:
        redeem(**kwargs)
    except Refusal as refusal:
        refused.append(type(refusal).__name__)


def test_fifty_parallel_redemptions_of_a_reward_with_stock_ten_give_exactly_ten(badge_defaults):
    reward = make_reward(kind=Reward.Kind.GIFT, cost=100, stock=10)
    members = [UserFactory() for _ in range(50)]
    for member in members:
        give_points(member, 150)
    refused: list[str] = []
    outcomes = run_at_once(lambda i: _redeem_or_refused(
        refused, member=members[i], reward_id=reward.pk, idempotency_key=key(),
        choice=Choice(address=ADDRESS)), 50)
    assert errors_of(outcomes) == []
    reward.refresh_from_db()
    assert Redemption.objects.filter(reward=reward).count() == 10
    assert reward.stock == 0
    assert refused == ["OutOfStock"] * 40
    spent = UserPoints.objects.filter(user__in=members, spendable=50).count()
    assert spent == 10
    assert UserPoints.objects.filter(user__in=members, spendable=150).count() == 40
    assert recompute_points() == 0


def test_fifty_parallel_redemptions_from_a_pool_give_each_code_once(badge_defaults):
    reward = make_reward(cost=10, code_pool=make_pool(codes=20))
    members = [UserFactory() for _ in range(50)]
    for member in members:
        give_points(member, 10)
    refused: list[str] = []
    outcomes = run_at_once(lambda i: _redeem_or_refused(
        refused, member=members[i], reward_id=reward.pk, idempotency_key=key()), 50)
    assert errors_of(outcomes) == []
    codes = list(Redemption.objects.filter(reward=reward).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 20
    assert DiscountCode.objects.filter(redemption__isnull=True).count() == 0
    assert refused == ["PoolEmpty"] * 30
    assert UserPoints.objects.filter(user__in=members, spendable=10).count() == 30


def test_ten_parallel_redemptions_by_a_member_who_can_afford_three_give_three(badge_defaults):
    member = UserFactory()
    give_points(member, 350)
    reward = make_reward(cost=100, code_pool=make_pool(codes=20))
    refused: list[str] = []
    outcomes = run_at_once(lambda i: _redeem_or_refused(
        refused, member=member, reward_id=reward.pk, idempotency_key=key()), 10)
    assert errors_of(outcomes) == []
    assert Redemption.objects.filter(member=member).count() == 3
    assert refused == ["NotEnoughPoints"] * 7
    assert UserPoints.objects.get(user=member).spendable == 50
    assert recompute_points() == 0


def test_ten_parallel_posts_of_one_form_are_one_redemption(badge_defaults):
    member = UserFactory()
    give_points(member, 1000)
    reward = make_reward(cost=100, code_pool=make_pool(codes=20))
    same = key()
    refused: list[str] = []
    outcomes = run_at_once(lambda i: _redeem_or_refused(
        refused, member=member, reward_id=reward.pk, idempotency_key=same), 10)
    assert errors_of(outcomes) == []
    assert refused == []
    assert Redemption.objects.filter(member=member).count() == 1
    assert UserPoints.objects.get(user=member).spendable == 900
