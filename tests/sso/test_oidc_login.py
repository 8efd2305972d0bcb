"""Signing in with OpenID Connect, end to end: Django's test client and allauth's real views
against the provider in tests/sso/oidc_provider.py, over HTTP on 127.0.0.1 (allauth fetches
its discovery document, token and userinfo; the authorize step is followed with requests,
as a browser would)."""

from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from community.models import Notification, User
from privacy.models import Consent
from tests.factories import UserFactory
from tests.sso.helpers import PROVIDER_NAME, configure, running_provider, signed_in_as

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/oidc/oidc/login/"
CLAIMS = {"sub": "acme-7", "email": "wren@example.com", "email_verified": True, "name": "Wren Marsh",
          "preferred_username": "wren"}


@pytest.fixture
def provider(settings):
    with running_provider(CLAIMS) as provider:
        configure(settings, provider)
        yield provider


def through_provider(client, provider, **data):
    """Press the button, let the provider approve, and come back: the callback's response."""
    started = client.post(LOGIN, data)
    assert started.status_code == 302
    assert started["Location"].startswith(f"{provider.url}/authorize?")
    approved = requests.get(started["Location"], allow_redirects=False, timeout=10)
    assert approved.status_code == 302
    back = urlsplit(approved.headers["Location"])
    assert back.netloc == "testserver" and back.path == f"{LOGIN}callback/"
    return client.get(f"{back.path}?{back.query}")


def test_the_login_and_sign_up_pages_show_a_button_for_the_configured_provider(client, provider):
    for url in ("/accounts/login/", "/accounts/signup/"):
        page = client.get(url).content.decode()
        assert f"Continue with {PROVIDER_NAME}" in page
        assert f'action="{LOGIN}?process=login"' in page and 'method="post"' in page


def test_no_button_and_404s_without_a_configured_provider(client):
    assert b"Continue with" not in client.get("/accounts/login/").content
    for url in (LOGIN, "/accounts/google/login/", "/accounts/github/login/",
                "/accounts/google/login/callback/?code=x&state=y"):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_a_new_member_confirms_a_username_answers_the_unticked_question_and_is_signed_in(client, provider):
    response = through_provider(client, provider)
    assert response.status_code == 302 and response["Location"] == "/accounts/3rdparty/signup/"
    form = client.get("/accounts/3rdparty/signup/")
    page = form.content.decode()
    assert f"signing up with your {PROVIDER_NAME} account" in page
    assert form.context["form"]["username"].value() == "wren"
    assert form.context["form"]["email"].value() == "wren@example.com"
    checkbox = next(line for line in page.splitlines() if 'name="marketing_email"' in line)
    assert "checked" not in checkbox
    assert signed_in_as(client) is None  # nothing until the form is sent

    done = client.post("/accounts/3rdparty/signup/", {"username": "wren", "email": "wren@example.com"})
    assert done.status_code == 302 and done["Location"] == "/"
    member = User.objects.get(username="wren")
    assert signed_in_as(client) == member
    assert SocialAccount.objects.get(user=member).uid == "acme-7"
    # The provider verified the address: no confirmation mail, and the rest of Hearth hears it
    # confirmed (the welcome notification).
    assert EmailAddress.objects.get(user=member).verified
    assert Notification.objects.filter(recipient=member, kind="community.welcome").count() == 1
    assert not Consent.objects.filter(user=member).exists()
    assert not member.has_usable_password()
    # The provider's own requests: discovery, token and userinfo, over HTTP.
    assert {("GET", "/.well-known/openid-configuration"), ("POST", "/token"),
            ("GET", "/userinfo")} <= set(provider.requests)


def test_ticking_the_question_on_the_provider_sign_up_records_consent_like_the_sign_up_page(
        client, provider):
    through_provider(client, provider)
    client.post("/accounts/3rdparty/signup/",
                {"username": "wren", "email": "wren@example.com", "marketing_email": "on"})
    consent = Consent.objects.get(user__username="wren")
    assert (consent.granted, consent.source) == (True, Consent.Source.SIGNUP)


def test_a_taken_username_is_refused_on_the_form_and_nothing_typed_is_lost(client, provider):
    UserFactory(username="wren", email="someone-else@example.com")
    through_provider(client, provider)
    response = client.post("/accounts/3rdparty/signup/", {"username": "wren", "email": "wren@example.com",
                                                          "marketing_email": "on"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert response.context["form"]["marketing_email"].value() is True
    assert not SocialAccount.objects.exists()


def test_an_existing_member_with_that_verified_address_is_signed_in_by_a_trusted_provider(client, provider):
    member = UserFactory(username="wren-h", email="wren@example.com")
    EmailAddress.objects.update_or_create(user=member, email="wren@example.com",
                                          defaults={"verified": True, "primary": True})
    response = through_provider(client, provider, next="/forum/")
    assert response.status_code == 302 and response["Location"] == "/forum/"
    assert signed_in_as(client) == member
    assert member.has_usable_password()  # the address was verified: nothing to fear
    # Linked: the next sign-in finds the member by the provider's id, whatever the email says.
    assert SocialAccount.objects.get(user=member).uid == "acme-7"
    client.logout()
    provider.user = {**CLAIMS, "email": "wren.new@example.com"}
    through_provider(client, provider)
    assert signed_in_as(client) == member
    assert not User.objects.filter(email="wren.new@example.com").exists()


def test_an_untrusted_provider_cannot_take_over_an_account_by_its_address(client, settings, provider):
    configure(settings, provider, trusted=False)
    member = UserFactory(username="wren-h", email="wren@example.com")
    EmailAddress.objects.update_or_create(user=member, email="wren@example.com",
                                          defaults={"verified": True, "primary": True})
    response = through_provider(client, provider)
    assert response["Location"] == "/accounts/3rdparty/signup/"
    refused = client.post("/accounts/3rdparty/signup/", {"username": "wren2", "email": "wren@example.com"})
    assert refused.status_code == 200
    assert "An account already exists with this email address" in refused.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_an_unverified_address_from_the_provider_is_confirmed_by_mail(client, provider, mailoutbox):
    provider.user = {**CLAIMS, "email_verified": False}
    through_provider(client, provider)
    client.post("/accounts/3rdparty/signup/", {"username": "wren", "email": "wren@example.com"})
    member = User.objects.get(username="wren")
    assert not EmailAddress.objects.get(user=member).verified
    assert any("wren@example.com" in message.to for message in mailoutbox)
    assert not Notification.objects.filter(recipient=member, kind="community.welcome").exists()


def test_an_inactive_member_is_refused(client, provider):
    member = UserFactory(username="wren-h", email="wren@example.com", is_active=False)
    SocialAccount.objects.create(user=member, provider="oidc", uid="acme-7")
    response = through_provider(client, provider)
    assert response.status_code == 302 and response["Location"] == "/accounts/inactive/"
    assert signed_in_as(client) is None


def test_a_code_from_a_forged_callback_signs_nobody_in(client, provider):
    started = client.post(LOGIN)
    assert started.status_code == 302
    response = client.get(f"{LOGIN}callback/?code=made-up&state=made-up")
    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert signed_in_as(client) is None
    assert ("POST", "/token") not in provider.requests  # an unknown state stops it before


def test_an_account_holding_the_address_unverified_loses_its_password_and_waits_for_the_mail(
        client, provider, mailoutbox):
    """allauth's rule for a trusted provider: someone who signed up with another person's
    address (never confirmed) is locked out, and the address's owner gets in only through the
    confirmation mail sent to that address."""
    squatter = UserFactory(username="squatter", email="wren@example.com")
    EmailAddress.objects.filter(user=squatter).update(verified=False)
    response = through_provider(client, provider)
    assert response["Location"] == "/accounts/confirm-email/"
    squatter.refresh_from_db()
    assert not squatter.has_usable_password()
    assert signed_in_as(client) is None
    assert [message.to for message in mailoutbox] == [["wren@example.com"]]


def test_only_the_account_pages_may_send_a_form_to_the_provider(client, provider):
    """The button's POST is redirected to the provider: the policy's form-action must allow
    its origin there (browsers block it otherwise), and nowhere else."""
    login_policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert f"form-action 'self' {provider.url};" in login_policy
    assert "form-action 'self';" in client.get("/forum/")["Content-Security-Policy"]
