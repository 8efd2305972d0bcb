import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from badges.models import PointsEntry
from badges.selectors import balances_of
from community.models import User
from community.refusals import Conflict, Invalid, NotPermitted
from moderation.models import ModerationAction
from referrals import services
from referrals.models import PaidOrder, Referral, ReferralCode
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.referrals.factories import make_held_referral, make_referral, next_order_id
from tests.referrals.shop_double import announce_order_paid

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
Reason = Referral.Reason


def _signup(client, username="juniper", email="juniper@example.net"):
    return client.post(SIGNUP, {"username": username, "email": email,
                                "password1": "a-long-unusual-passphrase",
                                "password2": "a-long-unusual-passphrase"})


def _pay(django_capture_on_commit_callbacks, referral_or_user_id, **facts):
    user_id = getattr(referral_or_user_id, "friend_id", referral_or_user_id)
    facts.setdefault("order_id", next_order_id())
    with django_capture_on_commit_callbacks(execute=True):
        announce_order_paid(user_id=user_id, **facts)


def test_a_members_code_is_made_once_and_is_long_and_random():
    member = UserFactory()
    code = services.code_for(user=member)
    assert services.code_for(user=member) == code
    assert len(code.code) >= 16
    assert code.code != services.code_for(user=UserFactory()).code


def test_signing_up_through_a_link_records_a_pending_referral_with_the_address(client):
    advocate = UserFactory()
    code = services.code_for(user=advocate).code
    response = client.get(f"/r/{code}/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302 and response["Location"] == SIGNUP
    _signup(client)
    referral = Referral.objects.get()
    assert referral.advocate == advocate
    assert referral.friend == User.objects.get(username="juniper")
    assert referral.state == Referral.State.PENDING
    assert referral.signup_ip == "127.0.0.1"  # the test client's own address signs up


def test_a_link_with_an_unknown_code_goes_to_sign_up_and_refers_nobody(client):
    response = client.get("/r/not-a-real-code/")
    assert response.status_code == 302 and response["Location"] == SIGNUP
    assert "hearth_referral" not in response.cookies
    _signup(client)
    assert not Referral.objects.exists()


def test_a_tampered_referral_cookie_refers_nobody(client):
    advocate = UserFactory()
    client.cookies["hearth_referral"] = services.code_for(user=advocate).code
    _signup(client)
    assert not Referral.objects.exists()


def test_a_member_following_a_link_goes_to_their_own_referrals_page(client):
    member = UserFactory()
    client.force_login(member)
    response = client.get(f"/r/{services.code_for(user=UserFactory()).code}/")
    assert response["Location"] == "/referrals/"
    assert "hearth_referral" not in response.cookies


def test_a_member_cannot_refer_themselves():
    member = UserFactory()
    assert services.record_signup(friend=member, code=services.code_for(user=member).code,
                                  signup_ip="203.0.113.1") is None
    assert not Referral.objects.exists()


def test_a_member_is_referred_once_the_first_link_counting():
    friend = UserFactory()
    first = make_referral(friend=friend)
    assert make_referral(friend=friend) is None
    assert Referral.objects.get() == first


def test_the_first_paid_order_completes_the_referral_and_rewards_both(
        django_capture_on_commit_callbacks):
    referral = make_referral()
    _pay(django_capture_on_commit_callbacks, referral, email=referral.friend.email,
         customer_id="c-1", is_first_order=True)
    referral.refresh_from_db()
    assert referral.state == Referral.State.COMPLETED
    assert (referral.advocate_points, referral.friend_points) == (500, 250)
    assert balances_of(referral.advocate_id).spendable == 500
    assert balances_of(referral.friend_id).spendable == 250
    entry = PointsEntry.objects.get(user=referral.advocate)
    assert (entry.reason, entry.source_id) == ("referral_advocate", referral.pk)
    assert entry.source_type.app_label == "referrals"


def test_rewards_follow_the_settings(settings, django_capture_on_commit_callbacks):
    settings.HEARTH_REFERRAL_ADVOCATE_POINTS = 100
    settings.HEARTH_REFERRAL_FRIEND_POINTS = 40
    referral = make_referral()
    _pay(django_capture_on_commit_callbacks, referral)
    assert balances_of(referral.advocate_id).lifetime == 100
    assert balances_of(referral.friend_id).lifetime == 40


def test_an_order_announced_twice_completes_the_referral_once(django_capture_on_commit_callbacks):
    referral = make_referral()
    for _ in range(2):
        _pay(django_capture_on_commit_callbacks, referral, order_id=555)
    assert PointsEntry.objects.filter(user=referral.advocate).count() == 1
    assert balances_of(referral.advocate_id).lifetime == 500
    assert PaidOrder.objects.filter(order_id=555).count() == 1


def test_a_second_order_after_completion_changes_nothing(django_capture_on_commit_callbacks):
    referral = make_referral()
    _pay(django_capture_on_commit_callbacks, referral)
    _pay(django_capture_on_commit_callbacks, referral)
    referral.refresh_from_db()
    assert referral.state == Referral.State.COMPLETED
    assert balances_of(referral.friend_id).lifetime == 250


def test_an_order_payload_without_the_optional_facts_still_completes(
        django_capture_on_commit_callbacks):
    referral = make_referral()
    _pay(django_capture_on_commit_callbacks, referral)  # order_id, user_id, points only
    referral.refresh_from_db()
    assert referral.state == Referral.State.COMPLETED
    assert referral.order_email == "" and referral.order_customer_id == ""


def test_an_order_of_a_member_nobody_referred_is_only_noted(django_capture_on_commit_callbacks):
    member = UserFactory()
    _pay(django_capture_on_commit_callbacks, member.pk, customer_id="c-9")
    assert PaidOrder.objects.get().user == member
    assert not Referral.objects.exists()


def _held(referral) -> Referral:
    referral.refresh_from_db()
    assert referral.state == Referral.State.HELD
    assert balances_of(referral.advocate_id).lifetime == 0
    assert balances_of(referral.friend_id).lifetime == 0
    return referral


def test_a_friend_whose_email_is_nearly_the_advocates_is_held(django_capture_on_commit_callbacks):
    advocate = UserFactory(email="jordan.smith@gmail.com")
    friend = UserFactory(email="jordansmith+2@gmail.com")
    referral = make_referral(advocate=advocate, friend=friend)
    _pay(django_capture_on_commit_callbacks, referral)
    referral = _held(referral)
    assert referral.hold_reasons == [Reason.SIMILAR_EMAIL]
    assert "jordansmith+2@gmail.com" in referral.hold_details


def test_a_friend_whose_email_is_two_edits_from_the_advocates_is_held(
        django_capture_on_commit_callbacks):
    referral = make_referral(advocate=UserFactory(email="harriet@example.com"),
                             friend=UserFactory(email="harriet99@example.com"))
    _pay(django_capture_on_commit_callbacks, referral)
    assert _held(referral).hold_reasons == [Reason.SIMILAR_EMAIL]


def test_an_order_placed_with_the_advocates_verified_email_is_held(
        django_capture_on_commit_callbacks):
    advocate = UserFactory(email="quinn@example.com")
    EmailAddress.objects.create(user=advocate, email="q.work@example.org", verified=True)
    referral = make_referral(advocate=advocate, friend=UserFactory(email="zed@example.net"))
    _pay(django_capture_on_commit_callbacks, referral, email="Q.Work@example.org")
    assert _held(referral).hold_reasons == [Reason.SAME_EMAIL]


def test_friend_orders_as_the_advocates_shop_customer_are_held(django_capture_on_commit_callbacks):
    referral = make_referral()
    services.settle_paid_order(order_id=next_order_id(), user_id=referral.advocate_id,
                               customer_id="cust-42")
    # An earlier order of the friend's, as the advocate's customer, arrives with this one.
    PaidOrder.objects.create(order_id=next_order_id(), user=referral.friend, customer_id="cust-42",
                             paid_at=timezone.now())
    _pay(django_capture_on_commit_callbacks, referral, customer_id="cust-77", is_first_order=True)
    referral = _held(referral)
    assert Reason.SAME_CUSTOMER in referral.hold_reasons


def test_an_order_placed_by_the_advocate_is_held(django_capture_on_commit_callbacks):
    referral = make_referral()
    services.settle_paid_order(order_id=next_order_id(), user_id=referral.advocate_id,
                               customer_id="cust-42")
    _pay(django_capture_on_commit_callbacks, referral, customer_id="cust-42", is_first_order=True)
    assert _held(referral).hold_reasons == [Reason.ADVOCATE_ORDER]


def test_an_order_that_is_not_the_friends_first_is_held(django_capture_on_commit_callbacks):
    referral = make_referral()
    _pay(django_capture_on_commit_callbacks, referral, is_first_order=False)
    assert _held(referral).hold_reasons == [Reason.NOT_FIRST_ORDER]


def test_an_earlier_order_heard_of_counts_when_the_payload_does_not_say(
        django_capture_on_commit_callbacks):
    referral = make_referral()
    PaidOrder.objects.create(order_id=next_order_id(), user=referral.friend, paid_at=timezone.now())
    _pay(django_capture_on_commit_callbacks, referral)
    assert _held(referral).hold_reasons == [Reason.NOT_FIRST_ORDER]


def test_more_than_n_referrals_from_one_address_in_a_week_are_held(
        settings, django_capture_on_commit_callbacks):
    settings.HEARTH_REFERRAL_MAX_PER_ADDRESS_WEEK = 2
    now = timezone.now()
    long_ago = make_referral(signup_ip="203.0.113.9", created_at=now - timezone.timedelta(days=20))
    within = [make_referral(signup_ip="203.0.113.9",
                            created_at=now - timezone.timedelta(days=3 - i)) for i in range(3)]
    for referral in [long_ago, *within]:
        _pay(django_capture_on_commit_callbacks, referral)
    states = {r.pk: r.state for r in Referral.objects.all()}
    # The week up to each sign-up: the 20-day-old one is outside; the third within is the 3rd.
    assert [states[r.pk] for r in [long_ago, *within]] == ["completed", "completed",
                                                          "completed", "held"]
    assert Referral.objects.get(pk=within[2].pk).hold_reasons == [Reason.ADDRESS_VOLUME]


def test_staff_approve_a_held_referral_rewarding_both_and_logging_it():
    referral = make_held_referral()
    manager = CommunityManagerFactory()
    services.approve_referral(actor=manager, referral_id=referral.pk, note="Sisters, checked.")
    referral.refresh_from_db()
    assert referral.state == Referral.State.COMPLETED
    assert (referral.decided_by, referral.decision_note) == (manager, "Sisters, checked.")
    assert balances_of(referral.advocate_id).lifetime == 500
    assert balances_of(referral.friend_id).lifetime == 250
    action = ModerationAction.objects.get()
    assert (action.action, action.actor, action.target_user, action.reason) == (
        "referral_approve", manager, referral.friend, "Sisters, checked.")
    assert action.object_id == referral.pk


def test_brand_staff_reject_a_held_referral_and_nobody_is_rewarded():
    referral = make_held_referral()
    staff = BrandStaffFactory()
    services.reject_referral(actor=staff, referral_id=referral.pk, note="Same person.")
    referral.refresh_from_db()
    assert referral.state == Referral.State.REJECTED
    assert balances_of(referral.advocate_id).lifetime == 0
    assert ModerationAction.objects.get().action == "referral_reject"


def test_a_member_may_not_decide_and_nothing_changes():
    referral = make_held_referral()
    with pytest.raises(NotPermitted):
        services.approve_referral(actor=referral.advocate, referral_id=referral.pk, note="Me!")
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.HELD
    assert not ModerationAction.objects.exists()


def test_a_decision_needs_a_note():
    referral = make_held_referral()
    with pytest.raises(Invalid):
        services.reject_referral(actor=CommunityManagerFactory(), referral_id=referral.pk,
                                 note="   ")


def test_a_referral_is_decided_once():
    referral = make_held_referral()
    manager = CommunityManagerFactory()
    services.approve_referral(actor=manager, referral_id=referral.pk, note="Fine.")
    with pytest.raises(Conflict):
        services.reject_referral(actor=manager, referral_id=referral.pk, note="Oops.")
    with pytest.raises(Conflict):
        services.approve_referral(actor=manager, referral_id=referral.pk, note="Again.")
    assert PointsEntry.objects.filter(user=referral.advocate).count() == 1
    assert ModerationAction.objects.count() == 1


def test_a_pending_referral_cannot_be_approved_by_staff():
    referral = make_referral()
    with pytest.raises(Conflict):
        services.approve_referral(actor=CommunityManagerFactory(), referral_id=referral.pk,
                                  note="Early.")


def test_codes_are_unique_per_member():
    member = UserFactory()
    services.code_for(user=member)
    services.code_for(user=member)
    assert ReferralCode.objects.filter(user=member).count() == 1
