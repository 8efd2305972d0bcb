"""Members hear about their referrals: a friend joining, a completed referral, a held one and
a staff decision; each notice once, and never the fraud reasons."""

import pytest

from community.models import Notification
from referrals import notices, services
from referrals.models import Referral
from tests.factories import CommunityManagerFactory, UserFactory
from tests.referrals.factories import make_held_referral, make_referral, next_order_id
from tests.referrals.shop_double import announce_order_paid

pytestmark = pytest.mark.django_db


def _notices_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user, kind=notices.KIND)
                .order_by("pk").values_list("message", flat=True))


def test_the_advocate_hears_that_a_friend_joined_through_their_link(
        django_capture_on_commit_callbacks):
    advocate = UserFactory(display_name="Rowan")
    friend = UserFactory(display_name="Juniper")
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(advocate=advocate, friend=friend)
    assert _notices_of(advocate) == [
        "Juniper joined through your link. You will get 500 points when they place their "
        "first order."]
    assert _notices_of(friend) == []


def test_a_completed_referral_tells_both_members_what_they_earned_once(
        django_capture_on_commit_callbacks):
    referral = make_referral()
    for _ in range(2):  # the shop announces the order twice
        with django_capture_on_commit_callbacks(execute=True):
            announce_order_paid(user_id=referral.friend_id, order_id=next_order_id(),
                                email=referral.friend.email, is_first_order=True)
    assert _notices_of(referral.advocate)[-1].endswith("you earned 500 points for the referral.")
    assert len(_notices_of(referral.advocate)) == 1
    assert _notices_of(referral.friend) == [
        f"Welcome bonus: 250 points for joining through {referral.advocate.name}'s link and "
        "placing your first order."]


def test_a_held_referral_tells_the_advocate_it_waits_without_the_reasons(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_held_referral()
    joined, message = _notices_of(referral.advocate)
    assert "joined through your link" in joined
    assert message.endswith("is waiting for a quick check by the team before its points are "
                            "given.")
    assert _notices_of(referral.friend) == []


def test_a_rejected_referral_tells_the_advocate(django_capture_on_commit_callbacks):
    referral = make_held_referral()
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_referral(actor=CommunityManagerFactory(), referral_id=referral.pk,
                                 note="Same household")
    assert "does not earn points" in _notices_of(referral.advocate)[-1]


def test_an_approved_referral_tells_both_members(django_capture_on_commit_callbacks):
    referral = make_held_referral()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_referral(actor=CommunityManagerFactory(), referral_id=referral.pk,
                                  note="Checked with the customer")
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.COMPLETED
    assert "you earned 500 points" in _notices_of(referral.advocate)[-1]
    assert "Welcome bonus" in _notices_of(referral.friend)[-1]


def test_referral_notices_are_a_kind_members_can_turn_off(client):
    member = UserFactory()
    client.force_login(member)
    page = client.get("/settings/notifications/")
    assert notices.KIND_LABEL in page.content.decode()
