import io

import pytest
from django.core.management import call_command

from badges.models import PointsAdjustment, PointsEntry, UserPoints
from forum.models import Category, Topic
from rewards import selectors
from rewards.models import DiscountCode, LevelPerk, Redemption, Reward
from shop.models import Order

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {"rewards": Reward.objects.count(), "codes": DiscountCode.objects.count(),
            "redemptions": Redemption.objects.count(), "entries": PointsEntry.objects.count(),
            "adjustments": PointsAdjustment.objects.count(), "perks": LevelPerk.objects.count()}


def test_seed_demo_fills_the_catalogue_gives_points_and_redeems_once(site_tree):
    call_command("seed_demo", stdout=io.StringIO())
    kinds = set(Reward.objects.values_list("kind", flat=True))
    assert kinds == set(Reward.Kind.values)
    gold = Reward.objects.get(min_level__name="Gold")
    assert gold.kind == Reward.Kind.GIFT and gold.stock == 5
    pool = Reward.objects.get(kind=Reward.Kind.DISCOUNT_CODE).code_pool
    assert pool.codes.count() == 25
    assert all(code.startswith("HEARTH10-") for code in pool.codes.values_list("code", flat=True))
    # The demo orders' points are given under the engine's own key, once each.
    for order in Order.objects.filter(external_id__startswith="DEMO-"):
        assert PointsEntry.objects.filter(user_id=order.member_id, reason="order_paid",
                                          source_id=order.pk, points=order.points).count() == 1
    redeemed = {(r.member.username, r.reward.kind, r.state)
                for r in Redemption.objects.select_related("member", "reward")}
    assert redeemed == {("alice", "discount_code", "issued"), ("alice", "gift", "pending"),
                        ("bob", "gift", "pending"), ("carol", "donation", "issued"),
                        ("dan", "incremental", "issued")}
    code = Redemption.objects.get(member__username="alice", reward__kind="discount_code")
    assert code.code and pool.codes.get(redemption=code).code == code.code
    assert PointsAdjustment.objects.filter(user__username="erin").count() == 1
    assert not UserPoints.objects.filter(spendable__lt=0).exists()
    # The early-access reward opens the forum's members-only Insiders lounge.
    early = Reward.objects.get(kind=Reward.Kind.EARLY_ACCESS)
    lounge = Category.objects.get(slug="insiders-lounge")
    assert lounge.members_group_id == early.group_id and lounge.topics.count() == 2
    selectors.attach_opens([early])
    assert early.opens == ["the members-only forum category “Insiders lounge”"]
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    assert Topic.objects.filter(category=lounge).count() == 2
