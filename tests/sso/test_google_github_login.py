"""Signing in with Google and GitHub, end to end through allauth's real views and Hearth's
adapter and sign-up form, configured from the environment variables docs/sso.md names.

Google's and GitHub's servers are played by ``ProviderApis``, which answers the HTTP calls
allauth makes (the token exchange, GitHub's user and email APIs) at their real addresses, and
checks what allauth sends them as the providers would: the client's secret, a single-use
code issued for that redirect URI. The browser's visit to the provider is the redirect
allauth answers with, checked and approved here."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount

from community.models import User
from config.settings.sso import form_action_origins, social_providers
from privacy.models import Consent
from tests.factories import UserFactory
from tests.sso.helpers import signed_in_as

pytestmark = pytest.mark.django_db

GOOGLE = {"login": "/accounts/google/login/", "authorize": "https://accounts.google.com/o/oauth2/v2/auth",
          "token": "https://oauth2.googleapis.com/token", "client_id": "hearth.apps.googleusercontent.com",
          "secret": "google-secret-for-tests"}
GITHUB = {"login": "/accounts/github/login/", "authorize": "https://github.com/login/oauth/authorize",
          "token": "https://github.com/login/oauth/access_token", "client_id": "Iv1.hearthtests",
          "secret": "github-secret-for-tests"}
GITHUB_USER = {"id": 4242, "login": "wren-codes", "name": "Wren Marsh", "email": None}
GITHUB_EMAILS = [{"email": "wren@example.com", "primary": True, "verified": True}]
GOOGLE_CLAIMS = {"sub": "108-wren", "email": "wren@example.com", "email_verified": True,
                 "name": "Wren Marsh", "given_name": "Wren", "family_name": "Marsh"}


class ProviderApis:
    """Google's and GitHub's HTTP APIs as allauth's requests session reaches them."""

    def __init__(self):
        self.codes: dict[str, dict] = {}  # code -> the client and redirect URI it was issued for
        self.tokens: set[str] = set()
        self.calls: list[tuple[str, str]] = []
        self.github_user, self.github_emails = dict(GITHUB_USER), list(GITHUB_EMAILS)
        self.google_claims = dict(GOOGLE_CLAIMS)

    # What a provider's authorization page does once its user approves: a code for the client,
    # sent back to the redirect URI with the state Hearth gave.
    def approve(self, authorize_url: str, provider: dict) -> str:
        split = urlsplit(authorize_url)
        assert f"{split.scheme}://{split.netloc}{split.path}" == provider["authorize"]
        query = {key: values[0] for key, values in parse_qs(split.query).items()}
        assert query["client_id"] == provider["client_id"] and query["response_type"] == "code"
        code = f"code-{len(self.codes) + 1}"
        self.codes[code] = {"client_id": query["client_id"], "redirect_uri": query["redirect_uri"]}
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    # The requests.Session interface allauth uses.
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)

    def request(self, method, url, params=None, data=None, headers=None, auth=None, **kwargs):
        self.calls.append((method, url))
        if url in (GOOGLE["token"], GITHUB["token"]):
            return self._token(url, {**(params or {}), **(data or {})})
        token = (headers or {}).get("Authorization", "").split(" ")[-1]
        if token not in self.tokens:
            return _answer(401, {"message": "Bad credentials"})
        if url == "https://api.github.com/user":
            return _answer(200, self.github_user)
        if url == "https://api.github.com/user/emails":
            return _answer(200, self.github_emails)
        return _answer(404, {"message": "Not Found"})

    def _token(self, url, form):
        provider = GOOGLE if url == GOOGLE["token"] else GITHUB
        issued = self.codes.pop(form.get("code"), None)  # single use
        if (issued is None or form.get("client_secret") != provider["secret"]
                or form.get("client_id") != provider["client_id"]
                or form.get("redirect_uri") != issued["redirect_uri"]):
            return _answer(400, {"error": "invalid_grant"})
        token = f"token-{len(self.tokens) + 1}"
        self.tokens.add(token)
        answer = {"access_token": token, "token_type": "bearer", "scope": "user:email"}
        if provider is GOOGLE:
            now = int(time.time())
            claims = {**self.google_claims, "iss": "https://accounts.google.com",
                      "aud": GOOGLE["client_id"], "iat": now, "exp": now + 300}
            # Received straight from Google's token endpoint: allauth checks its claims, not
            # a signature (OpenID Connect Core 3.1.3.7).
            answer["id_token"] = jwt.encode(claims, "a key Google holds, 32 bytes or more", algorithm="HS256")
        return _answer(200, answer)


def _answer(status: int, body) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    return response


@pytest.fixture
def apis(settings, monkeypatch):
    """Google and GitHub configured from their environment variables (Google trusted for
    matching addresses, GitHub not, as docs/sso.md advises), their APIs played by
    ``ProviderApis``."""
    environ = {"HEARTH_GOOGLE_CLIENT_ID": GOOGLE["client_id"],
               "HEARTH_GOOGLE_CLIENT_SECRET": GOOGLE["secret"],
               "HEARTH_GITHUB_CLIENT_ID": GITHUB["client_id"],
               "HEARTH_GITHUB_CLIENT_SECRET": GITHUB["secret"],
               "HEARTH_SSO_TRUSTED_PROVIDERS": "google"}
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(environ)
    settings.HEARTH_CSP_ACCOUNT_FORM_ORIGINS = form_action_origins(settings.SOCIALACCOUNT_PROVIDERS)
    apis = ProviderApis()
    monkeypatch.setattr(DefaultSocialAccountAdapter, "get_requests_session", lambda self: apis)
    return apis


def through(client, apis, provider: dict, **data):
    """Press the provider's button, approve at the provider, come back: the callback's answer."""
    started = client.post(provider["login"], data)
    assert started.status_code == 302
    back = urlsplit(apis.approve(started["Location"], provider))
    assert back.netloc == "testserver" and back.path == f"{provider['login']}callback/"
    return client.get(f"{back.path}?{back.query}")


def test_both_buttons_show_and_the_account_pages_may_send_forms_to_both_providers(client, apis):
    page = client.get("/accounts/login/")
    html = page.content.decode()
    assert "Continue with Google" in html and "Continue with GitHub" in html
    policy = page["Content-Security-Policy"]
    assert "https://accounts.google.com" in policy and "https://github.com" in policy


def test_a_new_member_from_github_confirms_a_username_and_is_signed_in_with_the_verified_address(
        client, apis):
    response = through(client, apis, GITHUB)
    assert response.status_code == 302 and response["Location"] == "/accounts/3rdparty/signup/"
    form = client.get("/accounts/3rdparty/signup/")
    assert form.context["form"]["username"].value() == "wren-codes"
    assert form.context["form"]["email"].value() == "wren@example.com"  # from /user/emails
    checkbox = next(line for line in form.content.decode().splitlines() if 'name="marketing_email"' in line)
    assert "checked" not in checkbox

    done = client.post("/accounts/3rdparty/signup/", {"username": "wren-codes", "email": "wren@example.com"})
    assert done.status_code == 302
    member = User.objects.get(username="wren-codes")
    assert signed_in_as(client) == member
    account = SocialAccount.objects.get(user=member)
    assert (account.provider, account.uid) == ("github", "4242")
    assert EmailAddress.objects.get(user=member, email="wren@example.com").verified
    assert not Consent.objects.filter(user=member).exists()
    assert ("GET", "https://api.github.com/user/emails") in apis.calls


def test_a_github_address_it_has_not_verified_waits_for_hearths_confirmation_mail(client, apis, mailoutbox):
    apis.github_emails = [{"email": "wren@example.com", "primary": True, "verified": False}]
    through(client, apis, GITHUB)
    client.post("/accounts/3rdparty/signup/", {"username": "wren-codes", "email": "wren@example.com"})
    member = User.objects.get(username="wren-codes")
    assert not EmailAddress.objects.get(user=member).verified
    assert [mail.to for mail in mailoutbox] == [["wren@example.com"]]


def test_github_is_not_trusted_with_an_existing_members_address(client, apis):
    member = UserFactory(username="wren", email="wren@example.com")
    EmailAddress.objects.update_or_create(user=member, email="wren@example.com",
                                          defaults={"verified": True, "primary": True})
    response = through(client, apis, GITHUB)
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    # allauth's sign-up form, where the taken address is refused with its message.
    assert response["Location"] == "/accounts/3rdparty/signup/"
    refused = client.post("/accounts/3rdparty/signup/",
                          {"username": "wren-codes", "email": "wren@example.com"})
    assert refused.status_code == 200 and "email" in refused.context["form"].errors
    assert member.has_usable_password()


def test_google_a_trusted_provider_signs_in_the_member_holding_that_verified_address(client, apis):
    member = UserFactory(username="wren", email="wren@example.com")
    EmailAddress.objects.update_or_create(user=member, email="wren@example.com",
                                          defaults={"verified": True, "primary": True})
    response = through(client, apis, GOOGLE, next="/ideas/")
    assert response.status_code == 302 and response["Location"] == "/ideas/"
    assert signed_in_as(client) == member
    assert SocialAccount.objects.get(user=member, provider="google").uid == "108-wren"
    # Linked by Google's own id: a changed address later still finds the member.
    client.logout()
    apis.google_claims["email"] = "wren.marsh@example.com"
    through(client, apis, GOOGLE)
    assert signed_in_as(client) == member
    assert not User.objects.filter(email="wren.marsh@example.com").exists()


def test_a_new_member_from_google_gets_the_sign_up_form_with_the_unticked_question(client, apis):
    response = through(client, apis, GOOGLE)
    assert response["Location"] == "/accounts/3rdparty/signup/"
    client.post("/accounts/3rdparty/signup/",
                {"username": "wren", "email": "wren@example.com", "marketing_email": "on"})
    member = User.objects.get(username="wren")
    assert signed_in_as(client) == member
    assert EmailAddress.objects.get(user=member).verified
    consent = Consent.objects.get(user=member)
    assert (consent.granted, consent.source) == (True, Consent.Source.SIGNUP)


def test_a_made_up_code_or_a_replayed_one_signs_nobody_in(client, apis):
    started = client.post(GITHUB["login"])
    split = urlsplit(apis.approve(started["Location"], GITHUB))
    state = parse_qs(split.query)["state"][0]
    made_up = client.get(f"{split.path}?{urlencode({'code': 'made-up', 'state': state})}")
    assert made_up.status_code == 401 and "Third-Party Login Failure" in made_up.content.decode()
    assert signed_in_as(client) is None
    # The code GitHub issued, replayed after a sign-in used it, is refused by GitHub too.
    used = through(client, apis, GITHUB)
    assert used["Location"] == "/accounts/3rdparty/signup/"
    started = client.post(GITHUB["login"])
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    replayed = client.get(f"{split.path}?{urlencode({'code': 'code-2', 'state': state})}")
    assert replayed.status_code == 401 and signed_in_as(client) is None


def test_a_callback_with_another_browsers_state_never_reaches_the_provider(client, apis):
    client.post(GITHUB["login"])
    response = client.get(f"{GITHUB['login']}callback/?{urlencode({'code': 'code-1', 'state': 'not-ours'})}")
    assert response.status_code == 401 and signed_in_as(client) is None
    assert apis.calls == []
