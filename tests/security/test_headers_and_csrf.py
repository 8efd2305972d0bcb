"""Security headers on every kind of response, CSRF on every state-changing request, and
production settings that pass ``check --deploy``."""

import importlib
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import path

from config import urls as project_urls
from tests.factories import UserFactory
from tests.forum.factories import make_topic
from tests.security.urlwalk import walk_urls
from tests.security.walker import RoleClient
from tests.security.world import make_roles, make_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_path")]

SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy",
                    "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy")

# Views that accept a POST without a CSRF token, and why.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST without a token; the signed token in
    # the URL is the authorization and all it can do is turn one kind of email off.
    "community:unsubscribe",
    # The store's webhook: the store sends no cookie or token; an HMAC signature of the body
    # with the shared secret is the authorization (shop/webhooks.py).
    "shop:order_webhook",
    # Google's one-tap sign-in (allauth): Google's page posts the credential cross-site, so
    # allauth checks Google's double-submit cookie (g_csrf_token) and the signed ID token
    # instead. Not found unless Google is configured (docs/sso.md).
    "google_login_by_token",
    # Any path under /api/v1/ no route matches: a 404 problem for every method, as the API's
    # own views answer without the site's CSRF check; it changes nothing.
    "api:not_found",
}

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7-" + "q9LmZ2vR8tWc4YbN6pKd" * 3,
    "DJANGO_ALLOWED_HOSTS": "hearth.example",
}


def _policy(response) -> dict[str, str]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def _assert_common_headers(response, path):
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] == "same-origin", path
    assert response["X-Frame-Options"] == "DENY", path
    assert "Content-Security-Policy" in response, path


@pytest.mark.parametrize("path", ["/", "/forum/", "/ideas/", "/badges/", "/accounts/login/", "/u/reader/",
                                  "/forum/search/?q=%3Cscript%3E", "/no-such-page/"])
def test_public_pages_send_a_strict_policy_and_the_other_headers(client, site_tree, path):
    UserFactory(username="reader")
    response = client.get(path)
    _assert_common_headers(response, path)
    policy = _policy(response)
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive], path
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_admin_gets_its_own_policy_that_still_forbids_framing_by_others(client):
    response = client.get("/admin/login/")
    _assert_common_headers(response, "/admin/login/")
    policy = _policy(response)
    assert policy["frame-ancestors"] == "'self'" and policy["object-src"] == "'none'"


@pytest.mark.parametrize("path", ["/forum/members/?q=a", "/ideas/similar/?title=kettle+lid", "/healthz"])
def test_json_and_plain_responses_carry_the_headers_too(client, path):
    client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 200
    _assert_common_headers(response, path)
    assert response["Content-Type"].split(";")[0] in ("application/json", "text/plain", "text/html")


def test_every_post_without_a_csrf_token_is_refused(capsys):
    world = make_world()
    roles = make_roles()
    clients = {role: RoleClient(roles[role], enforce_csrf_checks=True) for role in ("anonymous", "superuser")}
    urls = walk_urls(world)
    accepted = []
    for url in urls:
        for role, client in clients.items():
            got, _ = client.request("POST", url.path)
            # Refused by the CSRF check, or before anything could change: a view that takes no
            # POST at all, Wagtail's API sending an anonymous visitor to log in, or Hearth's
            # API asking a visitor for a token (401; a session's POST there needs the CSRF
            # token: tests/api/test_sessions_and_throttles.py).
            refused = got in ("denied", "method", "login", "401")
            if refused == (url.key in CSRF_EXEMPT):
                accepted.append(f"POST {url.path} [{url.key}] as {role}: {got}")
    with capsys.disabled():
        print(f"\nCSRF walk: {len(urls) * len(clients)} token-less POSTs checked")
    assert not accepted, "POSTs accepted without a CSRF token:\n" + "\n".join(accepted)


def test_a_post_with_the_token_still_works():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    client.get("/settings/notifications/")
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = client.post("/notifications/read-all/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def _production_settings(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        if name != "DJANGO_SETTINGS_MODULE":
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    return importlib.reload(importlib.import_module("config.settings.production"))


def test_production_settings_turn_on_hsts_and_secure_cookies(client, settings, monkeypatch, site_tree):
    production = _production_settings(monkeypatch)
    assert production.SECURE_HSTS_SECONDS >= 365 * 24 * 3600 and production.SECURE_HSTS_INCLUDE_SUBDOMAINS
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_SSL_REDIRECT
    assert production.SESSION_COOKIE_HTTPONLY and not production.DEBUG
    for name in ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE",
                 "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER"):
        setattr(settings, name, getattr(production, name))
    assert client.get("/").status_code == 301  # plain HTTP goes to HTTPS
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.cookies[django_settings.CSRF_COOKIE_NAME]["secure"]
    UserFactory(username="cookie")
    response = client.post("/accounts/login/", {"login": "cookie", "password": "correct-horse-battery"},
                           secure=True)
    session_cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] and session_cookie["httponly"]


@pytest.mark.parametrize("bad_env", [{"DJANGO_DEBUG": "1"}, {"DJANGO_SECRET_KEY": "short"},
                                     {"DJANGO_ALLOWED_HOSTS": ""}])
def test_production_settings_refuse_to_start_insecure(monkeypatch, bad_env):
    from django.core.exceptions import ImproperlyConfigured

    for name, value in bad_env.items():
        _production_settings(monkeypatch)
        monkeypatch.setenv(name, value)
        with pytest.raises(ImproperlyConfigured):
            importlib.reload(importlib.import_module("config.settings.production"))


def test_check_deploy_is_clean_except_the_documented_preload_choice():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(PRODUCTION_ENV)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], capture_output=True,
                            text=True, env=env, cwd=django_settings.BASE_DIR, timeout=120)
    output = result.stdout + result.stderr
    warnings = sorted(set(re.findall(r"security\.W\d+", output)))
    assert warnings == ["security.W021"], output


def page_cache_key_for(path: str) -> str:
    return f"page-cache:testserver:{path}"


def _raises_a_bug(request):
    raise RuntimeError("a bug in a view")


def _database_gone(request):
    from django.db import OperationalError

    raise OperationalError("connection refused")


# The project's URLconf and error handlers, with two views that fail the way a bug and a
# database outage do.
urlpatterns = [
    path("test-only/bug/", _raises_a_bug),
    path("test-only/outage/", _database_gone),
    *project_urls.urlpatterns,
]
handler400, handler500 = project_urls.handler400, project_urls.handler500


def test_every_kind_of_response_carries_the_same_security_headers(settings, site_tree, moderation_relaxed):
    """A page rendered or served from the anonymous page cache, a redirect, the malformed-input
    400, a 403, a 404, a rate-limited 429, a 500 and the outage 503 all send the same headers,
    whichever middleware or view answered."""
    settings.ROOT_URLCONF = __name__
    settings.HEARTH_IDEAS_SIMILAR_RATE = (1, 60)
    settings.HEARTH_IDEAS_SIMILARITY = "text"
    topic = make_topic(title="Headers on every answer")
    anonymous = Client(raise_request_exception=False)
    customer = Client(raise_request_exception=False)
    customer.force_login(UserFactory())
    anonymous.get("/ideas/similar/?title=kettle+lid")  # takes the one slot of the minute
    answers = {
        "200 rendered": anonymous.get(topic.get_absolute_url()),
        "200 from the page cache": anonymous.get(topic.get_absolute_url()),
        "302": anonymous.get("/notifications/"),
        "400": anonymous.get("/forum/search/?q=%00"),
        "403": customer.get("/moderation/"),
        "404": anonymous.get("/no-such-page/"),
        "429": anonymous.get("/ideas/similar/?title=kettle+lid"),
        "500": anonymous.get("/test-only/bug/"),
        "503": anonymous.get("/test-only/outage/"),
    }
    assert page_cache_key_for(topic.get_absolute_url()) in cache
    statuses = {kind: response.status_code for kind, response in answers.items()}
    assert statuses == {kind: int(kind[:3]) for kind in answers}, statuses
    reference = {name: answers["200 rendered"][name] for name in SECURITY_HEADERS}
    for kind, response in answers.items():
        sent = {name: response.get(name) for name in SECURITY_HEADERS}
        assert sent == reference, f"{kind}: {sent}"
