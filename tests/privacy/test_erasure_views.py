"""The "Delete my account" form, logging in to cancel, and the managers' anonymise screen."""

from __future__ import annotations

import pytest

from community.models import User
from moderation.models import ModerationAction
from privacy.models import Erasure
from tests.factories import PASSWORD, CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/settings/privacy/"
DELETE = "/settings/privacy/delete/"


@pytest.fixture
def member(client):
    user = UserFactory(username="ada", display_name="Ada Lovelace")
    client.force_login(user)
    return user


def anonymise_url(username: str) -> str:
    return f"/moderation/members/{username}/anonymise/"


def test_the_privacy_page_offers_to_delete_the_account_at_no_extra_query(
        client, member, django_assert_num_queries):
    with django_assert_num_queries(4):  # session, user, latest export, consents
        html = client.get(PAGE).content.decode()
    assert 'action="/settings/privacy/delete/"' in html
    assert "Delete my account" in html and 'type="password"' in html


def test_a_wrong_password_says_so_and_changes_nothing(client, member, django_assert_num_queries):
    with django_assert_num_queries(4):  # session, user, latest export, consents
        response = client.post(DELETE, {"password": "not-my-password", "delete_content": "on"})
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert not Erasure.objects.exists()
    assert client.get(PAGE).status_code == 200  # still logged in


def test_a_missing_password_is_a_form_error(client, member):
    response = client.post(DELETE, {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Erasure.objects.exists()


def test_the_right_password_schedules_it_logs_out_and_shows_the_date(client, member):
    response = client.post(DELETE, {"password": PASSWORD, "delete_content": "on"})
    erasure = Erasure.objects.get(user=member)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Your account will be deleted on <strong>{erasure.due_at:%-d %b %Y}</strong>" in html
    assert "Log in</a> before then to cancel" in html
    assert erasure.delete_content
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_a_double_submit_schedules_one_deletion(client, member):
    client.post(DELETE, {"password": PASSWORD})
    second = client.post(DELETE, {"password": PASSWORD})
    assert second.status_code == 302 and second["Location"].startswith("/accounts/login/")
    assert Erasure.objects.filter(user=member).count() == 1


def test_logging_in_through_the_form_cancels_it_with_a_message(client, member):
    client.post(DELETE, {"password": PASSWORD})
    response = client.post("/accounts/login/", {"login": "ada", "password": PASSWORD}, follow=True)
    assert "your account will not be deleted" in response.content.decode()
    assert Erasure.objects.get(user=member).state == Erasure.State.CANCELLED


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.post(DELETE, {"password": "x"})["Location"].startswith("/accounts/login/")
    assert client.get(anonymise_url("ada"))["Location"].startswith("/accounts/login/")


def test_members_cannot_anonymise_anyone(client):
    UserFactory(username="bob")
    client.force_login(UserFactory())
    assert client.get(anonymise_url("bob")).status_code == 403
    assert client.post(anonymise_url("bob"), {"confirm": "on", "reason": "x"}).status_code == 403
    assert User.objects.get(username="bob").is_active


def test_the_confirmation_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    UserFactory(username="bob")
    client.force_login(CommunityManagerFactory())
    # session, the manager with their roles, the member
    with django_assert_num_queries(3):
        response = client.get(anonymise_url("bob"))
    assert response.status_code == 200
    assert "cannot be undone" in response.content.decode()


def test_anonymising_needs_the_confirmation_tick_and_a_reason(client):
    UserFactory(username="bob")
    client.force_login(CommunityManagerFactory())
    response = client.post(anonymise_url("bob"), {"reason": ""})
    assert response.status_code == 400
    assert "Tick the box to confirm." in response.content.decode()
    assert User.objects.get(username="bob").is_active
    assert not ModerationAction.objects.filter(action="anonymise").exists()


def test_a_manager_anonymises_a_member_and_lands_on_the_former_members_page(client):
    bob = UserFactory(username="bob")
    manager = CommunityManagerFactory()
    client.force_login(manager)
    response = client.post(anonymise_url("bob"), {"confirm": "on", "reason": "Asked by email"},
                           follow=True)
    erasure = Erasure.objects.get(user=bob)
    assert response.redirect_chain[-1][0] == f"/moderation/members/former-member-{erasure.pk}/"
    assert f"anonymised as Former member {erasure.pk}" in response.content.decode()
    assert ModerationAction.objects.get(action="anonymise").actor == manager


def test_a_manager_cannot_anonymise_staff(client):
    CommunityManagerFactory(username="carol")
    client.force_login(CommunityManagerFactory())
    response = client.post(anonymise_url("carol"), {"confirm": "on", "reason": "No"})
    assert response.status_code == 400
    assert "Staff accounts are not anonymised" in response.content.decode()
    assert User.objects.get(username="carol").is_active


def test_guessing_the_password_through_the_form_stops_after_five_tries(client, member):
    for n in range(5):
        answer = client.post(DELETE, {"password": f"guess-{n}"})
        assert answer.status_code == 400 and "That is not your password" in answer.content.decode()
    refused = client.post(DELETE, {"password": PASSWORD, "delete_content": "on"})
    assert refused.status_code == 400 and "Too many tries" in refused.content.decode()
    assert not Erasure.objects.exists()
    assert client.get(PAGE).status_code == 200  # still logged in, nothing changed
