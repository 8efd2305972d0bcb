import socket

import pytest
from django.utils import timezone

from webhooks import guard, services
from webhooks.admin import EndpointForm
from webhooks.models import Attempt, Endpoint

pytestmark = pytest.mark.django_db


def resolving_to(monkeypatch, *addresses):
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


def form(url):
    return EndpointForm(data={"url": url, "description": "Shop", "events": ["post.created"],
                              "is_active": "on"})


@pytest.mark.parametrize(("url", "message"), [
    ("http://hooks.example.com/x", "must use https"),
    ("ftp://hooks.example.com/x", "starting with https://"),
    ("https://127.0.0.1/x", "loopback"),
    ("https://[::1]/x", "loopback"),
    ("https://10.1.2.3/x", "private"),
    ("https://192.168.0.10/x", "private"),
    ("https://169.254.169.254/latest/meta-data", "link-local"),
    ("https://0.0.0.0/x", "unspecified"),
    ("https://224.0.0.1/x", "multicast"),
    ("https://240.0.0.1/x", "reserved"),
    ("https://100.64.0.1/x", "non-public"),
    ("https://[::ffff:127.0.0.1]/x", "loopback"),
    ("https://user:pass@hooks.example.com/x", "user name or password"),
])
def test_registration_refuses_urls_that_are_not_public_https_with_a_clear_message(url, message, monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")
    bound = form(url)
    assert not bound.is_valid()
    assert message in bound.errors["url"][0]


def test_registration_refuses_a_name_that_resolves_inside_the_network(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34", "10.0.0.7")
    bound = form("https://hooks.example.com/x")
    assert not bound.is_valid()
    assert bound.errors["url"] == ["The host hooks.example.com resolves to a private address (10.0.0.7): "
                                   "webhooks are only sent to public internet addresses."]


def test_registration_refuses_a_host_that_does_not_resolve(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("no such host")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    bound = form("https://nowhere.invalid/x")
    assert not bound.is_valid() and "could not be found" in bound.errors["url"][0]


def test_a_public_https_url_is_accepted(monkeypatch):
    resolving_to(monkeypatch, "93.184.216.34")
    bound = form("https://hooks.example.com/hearth")
    assert bound.is_valid(), bound.errors


def test_the_setting_lets_a_developer_use_a_local_receiver(settings):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = True
    assert form("http://127.0.0.1:8001/hooks").is_valid()


def test_at_send_time_a_host_that_now_resolves_to_loopback_is_refused_and_nothing_is_sent(
        monkeypatch, receiver):
    resolving_to(monkeypatch, "93.184.216.34")
    port = receiver.server.server_address[1]
    bound = form(f"https://hooks.example.com:{port}/hearth")
    assert bound.is_valid()
    endpoint = services.save_endpoint(endpoint=bound.save(commit=False))
    # DNS changes after registration: the name now points at Hearth's own machine.
    resolving_to(monkeypatch, "127.0.0.1")
    now = timezone.now()
    delivery = services.record_event(event_type="post.created", build=lambda: ("k", {}), now=now)[0]
    assert delivery.endpoint == endpoint
    assert services.attempt_delivery(delivery_id=delivery.pk, now=now) == "retry scheduled"
    attempt = Attempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error.startswith("Refused: The host hooks.example.com resolves to a loopback address")
    assert receiver.received == []


def test_addresses_are_judged_by_the_ipaddress_module():
    import ipaddress

    assert guard.refusal_for_address(ipaddress.ip_address("8.8.8.8")) is None
    assert guard.refusal_for_address(ipaddress.ip_address("2001:4860:4860::8888")) is None
    assert "link-local" in guard.refusal_for_address(ipaddress.ip_address("fe80::1"))
    assert "private" in guard.refusal_for_address(ipaddress.ip_address("fd00::1"))
    assert Endpoint._meta.get_field("url").max_length == 500


def test_production_refuses_to_lift_the_guard():
    from tests.community.test_site_shell import run_with_settings

    result = run_with_settings("config.settings.production",
                               {"DJANGO_SECRET_KEY": "x7!" * 20 + "unique-enough-for-the-check",
                                "DJANGO_ALLOWED_HOSTS": "community.example.com",
                                "HEARTH_WEBHOOKS_ALLOW_PRIVATE": "1"}, "check")
    assert result.returncode != 0
    assert "HEARTH_WEBHOOKS_ALLOW_PRIVATE must be off in production" in result.stderr
