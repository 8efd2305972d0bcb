import pytest

from moderation.models import ModerationAction
from referrals import services
from referrals.models import Referral, ReferralCode
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.referrals.factories import make_held_referral, make_referral

pytestmark = pytest.mark.django_db


def test_the_referrals_page_asks_a_visitor_to_log_in(client):
    response = client.get("/referrals/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_referrals_page_makes_the_members_link_on_first_view(client):
    member = UserFactory()
    client.force_login(member)
    html = client.get("/referrals/").content.decode()
    code = ReferralCode.objects.get(user=member).code
    assert f"http://testserver/r/{code}/" in html
    assert "Copy link" in html
    assert "No one has signed up through your link yet." in html
    client.get("/referrals/")
    assert ReferralCode.objects.filter(user=member).count() == 1


def test_the_referrals_page_shows_each_friend_by_name_and_its_state_in_words(client):
    advocate = UserFactory()
    waiting = make_referral(advocate=advocate, friend=UserFactory(
        display_name="Wendy Wait", email="wendy@friends.example.net"))
    done = make_referral(advocate=advocate, friend=UserFactory(
        display_name="Carl Done", email="carl@friends.example.net"))
    services.settle_paid_order(order_id=1, user_id=done.friend_id)
    make_held_referral(advocate=advocate, friend=UserFactory(
        display_name="Hal Held", email="hal@friends.example.net"))
    client.force_login(advocate)
    html = client.get("/referrals/").content.decode()
    assert "Wendy Wait" in html and "Waiting for their first order" in html
    assert "Carl Done" in html and "Completed: you earned 500 points" in html
    assert "Hal Held" in html and "Being checked by our team" in html
    assert waiting.friend.email not in html and waiting.friend.username not in html
    assert "1 completed · 500 points earned" in html


def test_a_friend_sees_whose_link_they_joined_through(client):
    referral = make_referral(advocate=UserFactory(display_name="Ada Advocate"))
    services.settle_paid_order(order_id=2, user_id=referral.friend_id)
    client.force_login(referral.friend)
    html = client.get("/referrals/").content.decode()
    assert "You joined through Ada Advocate's link: Completed: you earned 250 points." in html


def test_the_referrals_page_query_count_does_not_grow_with_referrals(
        client, django_assert_num_queries):
    advocate = UserFactory()
    make_referral(advocate=advocate)
    client.force_login(advocate)
    client.get("/referrals/")
    # member, roles, code, referrals with friends, the member's own referral (the session
    # comes from the cache)
    with django_assert_num_queries(5):
        assert client.get("/referrals/").status_code == 200
    for _ in range(4):
        make_referral(advocate=advocate)
    with django_assert_num_queries(5):
        client.get("/referrals/")


def test_the_review_page_lists_held_referrals_with_their_reasons(client):
    referral = make_held_referral()
    client.force_login(CommunityManagerFactory())
    html = client.get("/staff/referrals/").content.decode()
    assert "The order is not the friend&#x27;s first" in html
    assert referral.friend.username in html and referral.advocate.username in html
    assert f"/staff/referrals/{referral.pk}/decide/" in html


def test_the_review_page_query_count_does_not_grow_with_held_referrals(
        client, django_assert_num_queries):
    make_held_referral()
    client.force_login(BrandStaffFactory())
    client.get("/staff/referrals/")
    # member, roles, held with both members, recent decisions
    with django_assert_num_queries(4):
        assert client.get("/staff/referrals/").status_code == 200
    for _ in range(3):
        make_held_referral()
    with django_assert_num_queries(4):
        client.get("/staff/referrals/")


def test_a_member_gets_403_from_the_review_page_and_the_decision(client):
    referral = make_held_referral()
    client.force_login(referral.advocate)
    assert client.get("/staff/referrals/").status_code == 403
    response = client.post(f"/staff/referrals/{referral.pk}/decide/",
                           {"decision": "approve", "note": "Mine"})
    assert response.status_code == 403
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.HELD


def test_staff_approve_from_the_page(client):
    referral = make_held_referral()
    client.force_login(CommunityManagerFactory())
    response = client.post(f"/staff/referrals/{referral.pk}/decide/",
                           {"decision": "approve", "note": "Checked the order."}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/referrals/"
    assert "is approved: both members have their points" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.COMPLETED


def test_staff_reject_from_the_page(client):
    referral = make_held_referral()
    client.force_login(BrandStaffFactory())
    client.post(f"/staff/referrals/{referral.pk}/decide/",
                {"decision": "reject", "note": "Same household."})
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.REJECTED
    assert ModerationAction.objects.get().reason == "Same household."


def test_a_decision_without_a_note_says_so_and_keeps_the_choice(client):
    referral = make_held_referral()
    client.force_login(CommunityManagerFactory())
    response = client.post(f"/staff/referrals/{referral.pk}/decide/", {"decision": "reject"})
    assert response.status_code == 400
    assert "Add a note saying why." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.HELD


def test_an_unknown_decision_keeps_the_note_typed(client):
    referral = make_held_referral()
    client.force_login(CommunityManagerFactory())
    response = client.post(f"/staff/referrals/{referral.pk}/decide/",
                           {"decision": "bribe", "note": "Typed carefully"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose approve or reject." in html and "Typed carefully" in html


def test_deciding_a_referral_decided_already_says_so(client):
    referral = make_held_referral()
    manager = CommunityManagerFactory()
    services.reject_referral(actor=manager, referral_id=referral.pk, note="No.")
    client.force_login(manager)
    response = client.post(f"/staff/referrals/{referral.pk}/decide/",
                           {"decision": "approve", "note": "Yes."}, follow=True)
    assert "no longer waiting for review" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.REJECTED


def test_deciding_an_unknown_referral_says_so(client):
    client.force_login(CommunityManagerFactory())
    response = client.post("/staff/referrals/999999/decide/",
                           {"decision": "approve", "note": "Yes."}, follow=True)
    assert response.status_code == 200
    assert "That referral does not exist." in response.content.decode()
