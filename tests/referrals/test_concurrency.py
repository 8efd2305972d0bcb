
import pytest

from badges.models import PointsEntry
from badges.selectors import balances_of
from referrals import services
from referrals.models import Referral
from tests.badges.conftest import restore_badge_defaults
from tests.factories import CommunityManagerFactory
from tests.parallel import errors_of, run_at_once
from tests.referrals.factories import make_held_referral, make_referral


def _errors_at_once(fn, n):
    return errors_of(run_at_once(fn, n))


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_an_order_in_parallel_complete_the_referral_once_on_postgresql():
    restore_badge_defaults()
    referral = make_referral()
    errors = _errors_at_once(lambda i: services.settle_paid_order(
        order_id=4242, user_id=referral.friend_id, email="x@friends.example.net",
        customer_id="c-1", is_first_order=True), 2)
    assert errors == []
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.COMPLETED
    assert PointsEntry.objects.filter(user=referral.advocate).count() == 1
    assert PointsEntry.objects.filter(user=referral.friend).count() == 1
    assert balances_of(referral.advocate_id).lifetime == 500
    assert balances_of(referral.friend_id).lifetime == 250


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_two_different_first_orders_in_parallel_settle_the_referral_once_on_postgresql():
    restore_badge_defaults()
    referral = make_referral()
    _errors_at_once(lambda i: services.settle_paid_order(order_id=5000 + i,
                                                         user_id=referral.friend_id), 2)
    settled = Referral.objects.get(pk=referral.pk)
    assert settled.state == Referral.State.COMPLETED
    assert settled.order_id in {5000, 5001}
    assert balances_of(referral.advocate_id).lifetime == 500


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_staff_approving_one_referral_at_once_reward_once_on_postgresql():
    restore_badge_defaults()
    referral = make_held_referral()
    managers = [CommunityManagerFactory() for _ in range(2)]
    errors = _errors_at_once(lambda i: services.approve_referral(
        actor=managers[i], referral_id=referral.pk, note=f"Checked ({i})."), 2)
    assert len(errors) == 1 and "no longer waiting" in str(errors[0])
    assert balances_of(referral.advocate_id).lifetime == 500
