import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from community.models import Notification, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


def signup(client, **overrides):
    data = {"username": "juniper", "email": "juniper@example.com",
            "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase"}
    data.update(overrides)
    return client.post(SIGNUP, data)


def test_signup_sends_a_confirmation_email_and_does_not_log_in_until_confirmed(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="juniper")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "confirm-email" in mail.outbox[0].body
    assert client.get(reverse("community:notifications")).status_code == 302


def test_confirming_the_email_verifies_it_logs_in_and_welcomes_the_member(client):
    signup(client)
    key_url = next(line for line in mail.outbox[0].body.splitlines() if "confirm-email" in line)
    path = key_url[key_url.index("/accounts/"):].strip()
    response = client.post(path)
    assert response.status_code == 302
    user = User.objects.get(username="juniper")
    assert EmailAddress.objects.get(user=user).verified
    welcome = Notification.objects.get(recipient=user)
    assert welcome.kind == "community.welcome"
    user.refresh_from_db()
    assert user.unread_notification_count == 1


def test_signup_with_a_taken_username_says_so_and_keeps_what_was_typed(client):
    UserFactory(username="juniper")
    response = signup(client, email="other@example.com")
    assert response.status_code == 200
    html = response.content.decode()
    assert "A user with that username already exists." in html
    assert 'value="other@example.com"' in html


def test_signup_with_a_taken_email_is_refused(client):
    UserFactory(username="someone", email="juniper@example.com")
    response = signup(client)
    assert response.status_code == 200
    assert "A user is already registered with this email address." in response.content.decode()
    assert not User.objects.filter(username="juniper").exists()


def test_signup_with_a_weak_password_explains_why(client):
    response = signup(client, password1="password", password2="password")
    html = response.content.decode()
    assert "This password is too common." in html
    assert "at least 10 characters" in html
    assert 'value="juniper"' in html


def test_login_works_with_username_or_email_and_a_wrong_password_is_refused(client):
    UserFactory(username="ivy", email="ivy@example.com")
    bad = client.post(LOGIN, {"login": "ivy", "password": "nope-nope-nope"})
    assert bad.status_code == 200
    assert "not correct" in bad.content.decode()
    assert 'value="ivy"' in bad.content.decode()
    assert client.post(LOGIN, {"login": "ivy@example.com", "password": PASSWORD}).status_code == 302
    client.logout()
    assert client.post(LOGIN, {"login": "IVY", "password": PASSWORD}).status_code == 302


def test_an_expired_or_unknown_confirmation_link_says_so(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 200
    assert "expired or is invalid" in response.content.decode()


def test_password_reset_sends_a_link(client):
    UserFactory(username="ivy", email="ivy@example.com")
    response = client.post("/accounts/password/reset/", {"email": "ivy@example.com"})
    assert response.status_code == 302
    assert "password/reset/key" in mail.outbox[-1].body


RESET = "/accounts/password/reset/"


def test_a_fourth_reset_mail_within_the_hour_to_one_address_is_not_sent_and_the_form_says_why(client):
    UserFactory(username="ivy", email="ivy@example.com")
    for _ in range(3):
        assert client.post(RESET, {"email": "ivy@example.com"}).status_code == 302
    assert len(mail.outbox) == 3
    refused = client.post(RESET, {"email": "IVY@example.com"}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 200
    assert "Too many password-reset emails were asked for recently" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_the_sixth_reset_request_in_a_minute_from_one_client_address_sends_no_mail(client):
    emails = [f"member{n}@example.com" for n in range(6)]
    for n, email in enumerate(emails):
        UserFactory(username=f"member{n}", email=email)
    for email in emails[:5]:
        assert client.post(RESET, {"email": email}).status_code == 302
    refused = client.post(RESET, {"email": emails[5]})
    assert refused.status_code == 200
    assert "Too many password-reset emails were asked for recently" in refused.content.decode()
    assert len(mail.outbox) == 5
    assert emails[5] not in [recipient for message in mail.outbox for recipient in message.to]
