
import pytest
from django.db import IntegrityError, transaction

from badges.models import PointsAdjustment, PointsEntry, UserPoints
from badges.selectors import Balances, balances_of
from badges.services import wallet
from badges.services.ledger import record_event, reverse_source
from badges.services.recompute import recompute_points
from community.refusals import Invalid
from tests.badges.factories import next_source
from tests.factories import UserFactory
from tests.parallel import run_at_once

# Sources of installed models: a content type created inside a test's rolled-back
# transaction would stay in ContentType's cache for the next test.
SPEND_SOURCE = "badges.challenge"
EARN_SOURCE = "badges.badge"


def _balances(member):
    return balances_of(member.pk).lifetime, balances_of(member.pk).spendable


def _earn(member, points):
    return wallet.award_points(user_id=member.pk, points=points, reason="order_paid",
                               source_label=EARN_SOURCE, source_id=next_source())


@pytest.mark.django_db
def test_earning_adds_to_both_balances_and_spending_only_to_spendable():
    member = UserFactory()
    _earn(member, 300)
    spend = wallet.spend_points(user_id=member.pk, points=120, reason="reward_redeemed",
                                source_label=SPEND_SOURCE, source_id=1, note="Mug")
    assert spend.points == 0 and spend.spendable == -120 and spend.note == "Mug"
    assert _balances(member) == (300, 180)
    assert recompute_points() == 0


@pytest.mark.django_db
def test_spending_more_than_the_balance_is_refused_and_changes_nothing():
    member = UserFactory()
    _earn(member, 50)
    with pytest.raises(wallet.NotEnoughPoints, match="needs 80 points and you have 50"):
        wallet.spend_points(user_id=member.pk, points=80, reason="reward_redeemed",
                            source_label=SPEND_SOURCE, source_id=1)
    assert _balances(member) == (50, 50)
    assert not PointsEntry.objects.filter(reason="reward_redeemed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("points", [0, -5])
def test_spending_a_non_positive_amount_is_refused(points):
    member = UserFactory()
    with pytest.raises(Invalid):
        wallet.spend_points(user_id=member.pk, points=points, reason="reward_redeemed",
                            source_label=SPEND_SOURCE, source_id=1)


@pytest.mark.django_db
def test_a_retried_spend_for_the_same_redemption_spends_once():
    member = UserFactory()
    _earn(member, 100)
    first = wallet.spend_points(user_id=member.pk, points=60, reason="reward_redeemed",
                                source_label=SPEND_SOURCE, source_id=7)
    again = wallet.spend_points(user_id=member.pk, points=60, reason="reward_redeemed",
                                source_label=SPEND_SOURCE, source_id=7)
    assert again.pk == first.pk
    assert _balances(member) == (100, 40)


@pytest.mark.django_db
def test_a_refund_gives_the_points_back_once_and_leaves_lifetime_alone():
    member = UserFactory()
    _earn(member, 100)
    spend = wallet.spend_points(user_id=member.pk, points=60, reason="reward_redeemed",
                                source_label=SPEND_SOURCE, source_id=3)
    refund = wallet.refund_spent_points(spend_entry_id=spend.pk, note="Gift cancelled")
    assert refund.spendable == 60 and refund.reverses_id == spend.pk
    assert wallet.refund_spent_points(spend_entry_id=spend.pk) is None
    assert _balances(member) == (100, 100)
    assert recompute_points() == 0


@pytest.mark.django_db
def test_only_a_spend_can_be_refunded():
    member = UserFactory()
    earned = _earn(member, 100)
    with pytest.raises(Invalid):
        wallet.refund_spent_points(spend_entry_id=earned.pk)


@pytest.mark.django_db
def test_content_removed_after_its_points_were_spent_takes_back_only_what_is_left(badge_defaults):
    member = UserFactory()
    topic = next_source()
    record_event(kind="topic_created", user_id=member.pk, source_id=topic)
    earned = UserPoints.objects.get(user=member).total
    wallet.spend_points(user_id=member.pk, points=earned - 1, reason="reward_redeemed",
                        source_label=SPEND_SOURCE, source_id=1)
    reverse_source(source_label="forum.topic", source_id=topic)
    assert _balances(member) == (0, 0)
    assert recompute_points() == 0


@pytest.mark.django_db
def test_take_back_lowers_lifetime_fully_and_spendable_to_zero_at_most():
    member = UserFactory()
    _earn(member, 100)
    wallet.spend_points(user_id=member.pk, points=70, reason="reward_redeemed",
                        source_label=SPEND_SOURCE, source_id=1)
    wallet.take_back_points(user_id=member.pk, points=50, reason="order_refunded",
                            source_label=EARN_SOURCE, source_id=1)
    assert _balances(member) == (50, 0)
    assert recompute_points() == 0


@pytest.mark.django_db
def test_the_database_refuses_a_negative_spendable_balance():
    member = UserFactory()
    UserPoints.objects.create(user=member, total=10, spendable=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserPoints.objects.filter(user=member).update(spendable=-1)


@pytest.mark.django_db
def test_expiry_takes_only_spendable_points_once_per_period():
    member = UserFactory()
    _earn(member, 100)
    entry = wallet.expire_points(user_id=member.pk, points=500, period_key=20261204,
                                 note="Points unused for 12 months")
    assert entry.spendable == -100
    assert wallet.expire_points(user_id=member.pk, points=500, period_key=20261204,
                                note="again") is None
    assert _balances(member) == (100, 0)


@pytest.mark.django_db
def test_a_staff_grant_and_deduction_move_both_balances_with_the_reason():
    member, staff = UserFactory(), UserFactory()
    wallet.adjust_points(actor=staff, user_id=member.pk, points=200, reason="Welcome gift")
    wallet.adjust_points(actor=staff, user_id=member.pk, points=-50, reason="Duplicate order")
    assert _balances(member) == (150, 150)
    notes = list(PointsEntry.objects.filter(user=member).order_by("pk").values_list("note", flat=True))
    assert notes == ["Welcome gift", "Duplicate order"]
    assert PointsAdjustment.objects.filter(user=member, actor=staff).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("points", "reason", "message"), [
    (0, "Why", "other than zero"),
    (10, "   ", "Say why"),
    (-11, "Too many", "deduct at most 10"),
])
def test_a_staff_adjustment_with_bad_input_is_refused_and_changes_nothing(points, reason, message):
    member, staff = UserFactory(), UserFactory()
    _earn(member, 10)
    with pytest.raises(Invalid, match=message):
        wallet.adjust_points(actor=staff, user_id=member.pk, points=points, reason=reason)
    assert _balances(member) == (10, 10)
    assert not PointsAdjustment.objects.exists()


def test_balances_of_a_visitor_are_zero():
    assert balances_of(None) == Balances(0, 0)


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_parallel_spends_by_one_member_never_overdraw_on_postgresql(badge_defaults):
    member = UserFactory()
    _earn(member, 300)
    outcomes = run_at_once(lambda i: wallet.spend_points(
        user_id=member.pk, points=100, reason="reward_redeemed",
        source_label=SPEND_SOURCE, source_id=1000 + i), 10)
    spent = [o for o in outcomes if isinstance(o, PointsEntry)]
    refused = [o for o in outcomes if isinstance(o, wallet.NotEnoughPoints)]
    assert (len(spent), len(refused)) == (3, 7)
    assert _balances(member) == (300, 0)
    assert recompute_points() == 0
