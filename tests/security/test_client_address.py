"""The client address every per-address limit counts cannot be chosen by the client:
X-Forwarded-For counts only as far as configured trusted proxies wrote it."""

import re

import pytest
from allauth.account import app_settings as account_settings
from allauth.core.internal import ratelimit
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from community.client_address import ClientAddressASGIMiddleware, ClientAddressMiddleware, client_address
from tests.factories import UserFactory

PEER = "198.51.100.7"


def _refused(response) -> bool:
    return response.status_code == 429 or "Too many" in response.content.decode()


def _forged(n: int) -> str:
    return f"203.0.113.{n % 250}, 192.0.2.{n % 250}"


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.HEARTH_TRUSTED_PROXIES = []
    assert client_address(PEER, "203.0.113.1") == PEER


def test_from_a_trusted_proxy_the_right_most_untrusted_address_counts(settings):
    settings.HEARTH_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.10"]
    # The client forged the first entry; the proxies appended the real one and themselves.
    assert client_address("10.0.0.2", "1.2.3.4, 203.0.113.9, 192.0.2.10") == "203.0.113.9"
    assert client_address("10.0.0.2", "203.0.113.9") == "203.0.113.9"
    # An untrusted peer's header counts for nothing, even if it names trusted proxies.
    assert client_address(PEER, "203.0.113.9, 10.0.0.2") == PEER
    # A malformed hop stops the walk at the last address a trusted proxy vouched for.
    assert client_address("10.0.0.2", "203.0.113.9, not-an-address") == "10.0.0.2"
    assert client_address("10.0.0.2", "[2001:db8::5]:4711") == "2001:db8::5"


def test_the_middleware_sets_remote_addr_and_drops_the_forwarded_header(settings):
    settings.HEARTH_TRUSTED_PROXIES = []
    seen = {}

    def view(request):
        seen.update(address=request.META["REMOTE_ADDR"], header=request.headers.get("X-Forwarded-For"))
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR="203.0.113.1")
    ClientAddressMiddleware(view)(request)
    assert seen == {"address": PEER, "header": None}


def test_every_per_address_limit_holds_against_forged_forwarded_headers(settings):
    """Walks every allauth rate limit counted per address: requests from one peer, each with
    a fresh forged X-Forwarded-For, are refused once the limit's amount is used up."""
    settings.HEARTH_TRUSTED_PROXIES = []
    per_address = [(action, rate) for action, rates in account_settings.RATE_LIMITS.items()
                   for rate in ratelimit.parse_rates(rates) if rate.per == "ip"]
    assert {"login", "login_failed", "signup", "reset_password"} <= {action for action, _ in per_address}
    for action, rate in per_address:
        config = {action: f"{rate.amount}/{int(rate.duration)}s/ip"}
        allowed = []
        for n in range(rate.amount + 1):
            request = RequestFactory().post("/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR=_forged(n))

            def consume(request, action=action, config=config):
                return ratelimit.consume(request, app="allauth.account", action=action, config=config)

            allowed.append(bool(ClientAddressMiddleware(consume)(request)))
        assert allowed == [True] * rate.amount + [False], action


@pytest.mark.django_db
def test_forged_headers_do_not_spread_failed_log_ins_over_addresses(client, settings):
    settings.HEARTH_TRUSTED_PROXIES = []
    for n in range(11):
        UserFactory(username=f"spray{n}")
    answers = [client.post(reverse("account_login"), {"login": f"spray{n}", "password": "wrong-one"},
                           REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR=_forged(n)) for n in range(11)]
    assert not any(_refused(answer) for answer in answers[:10])
    assert _refused(answers[10])


@pytest.mark.django_db
def test_forged_headers_do_not_spread_sign_ups_over_addresses(client, settings):
    settings.HEARTH_TRUSTED_PROXIES = []
    answers = []
    for n in range(21):
        answers.append(client.post(reverse("account_signup"), {
            "username": f"newbie{n}", "email": f"newbie{n}@example.com",
            "password1": "a-long-fresh-password", "password2": "a-long-fresh-password"},
            REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR=_forged(n)))
        client.logout()
    assert not any(_refused(answer) for answer in answers[:20])
    assert _refused(answers[20])


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_address_is_counted_on_its_own(client, settings):
    settings.HEARTH_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(12):
        UserFactory(username=f"spray{n}")

    def fail(n, client_ip):
        return client.post(reverse("account_login"), {"login": f"spray{n}", "password": "wrong-one"},
                           REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{_forged(n)}, {client_ip}")

    first = [fail(n, "203.0.113.50") for n in range(11)]
    assert _refused(first[10])  # the client the proxy named is held, whatever it forged
    assert not _refused(fail(11, "203.0.113.51"))  # another client behind the proxy is not


async def test_websocket_connections_get_the_same_client_address(settings):
    settings.HEARTH_TRUSTED_PROXIES = ["10.0.0.0/8"]
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["client"])

    wrapped = ClientAddressASGIMiddleware(app)
    headers = [(b"x-forwarded-for", b"1.2.3.4, 203.0.113.9")]
    await wrapped({"type": "websocket", "client": ["10.0.0.2", 5000], "headers": headers}, None, None)
    await wrapped({"type": "websocket", "client": [PEER, 5001], "headers": headers}, None, None)
    assert seen == [["203.0.113.9", 5000], [PEER, 5001]]


def test_the_servers_leave_the_peer_address_alone(monkeypatch):
    """uvicorn's proxy headers would replace the peer with whatever X-Forwarded-For says: the
    address decision belongs to ClientAddressMiddleware alone, in both run modes."""
    import subprocess
    import sys
    from pathlib import Path

    import uvicorn
    from django.core.management import call_command

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    monkeypatch.setattr("django.conf.settings.CELERY_TASK_ALWAYS_EAGER", False)
    call_command("serve", "--port", "8999")
    assert calls and calls[0]["proxy_headers"] is False

    printed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--print-config"],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True,
        timeout=60).stdout
    assert re.search(r"^forwarded_allow_ips\s+= \[\]$", printed, re.MULTILINE)
