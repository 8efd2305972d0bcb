import io
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from community.models import ProductPage, User
from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS, MODERATE, REPLY_AS_BRAND
from community.scheduler import EmbeddedScheduler
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_role_groups_exist_and_carry_their_permissions():
    manager, staff, customer = CommunityManagerFactory(), BrandStaffFactory(), UserFactory()
    assert Group.objects.filter(name__in=[COMMUNITY_MANAGERS, BRAND_STAFF]).count() == 2
    assert manager.has_perm(MODERATE) and not manager.has_perm(REPLY_AS_BRAND)
    assert staff.has_perm(REPLY_AS_BRAND) and not staff.has_perm(MODERATE)
    assert not customer.has_perm(MODERATE) and not customer.has_perm(REPLY_AS_BRAND)
    assert manager.has_perm("wagtailadmin.access_admin")
    assert (manager.role_label, staff.role_label, customer.role_label) == (
        "Community manager", "Brand staff", "")


@pytest.mark.django_db
def test_home_catalogue_product_and_guidelines_pages_render(client, site_tree):
    product = make_product(title="Ember Kettle", sku="EMB-1", summary="Keeps water hot.")
    assert "Welcome to Hearth" in client.get("/").content.decode()
    catalogue = client.get("/products/").content.decode()
    assert "Ember Kettle" in catalogue and "Keeps water hot." in catalogue
    page = client.get(product.url).content.decode()
    assert "SKU EMB-1" in page
    assert "Be kind, be useful" in client.get("/guidelines/").content.decode()


@pytest.mark.django_db
def test_product_catalogue_query_count_does_not_grow_with_products(
    client, site_tree, django_assert_max_num_queries
):
    make_product(title="One", sku="A-1")
    client.get("/products/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/products/")
    for n in range(2, 8):
        make_product(title=f"P{n}", sku=f"A-{n}")
    client.get("/products/")  # new pages drop the cached site (community/sites.py): found again
    with CaptureQueriesContext(connection) as many:
        client.get("/products/")
    assert len(many) == len(few)
    assert ProductPage.objects.count() == 7


@pytest.mark.django_db
def test_pages_for_a_signed_in_member_show_the_bell_and_role_label(client, site_tree):
    manager = CommunityManagerFactory(unread_notification_count=3)
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert 'id="notification-count">3<' in html
    assert 'href="/admin/"' in html
    html = client.get(f"/u/{manager.username}/").content.decode()
    assert "Community manager" in html


@pytest.mark.django_db
def test_healthz_reports_every_component(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert set(body["components"]) == {"database", "cache", "channel_layer", "task_broker"}
    assert all(component["ok"] for component in body["components"].values())


@pytest.mark.django_db
def test_healthz_reports_a_broker_outage_as_degraded_but_still_serving(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    body = response.json()
    assert response.status_code == 200
    assert body["ok"] is False and body["serving"] is True
    assert body["degraded"] == ["task_broker"]
    assert body["components"]["task_broker"]["ok"] is False


@pytest.mark.django_db
def test_security_headers_are_sent(client, site_tree):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), ProductPage.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), ProductPage.objects.count()) == counts
    assert User.objects.get(username="maya").role_label == "Community manager"


@pytest.mark.django_db
def test_the_embedded_scheduler_runs_each_periodic_job_when_due(settings, monkeypatch):
    calls = []
    from config.celery import app

    @app.task(name="tests.record_tick")
    def record_tick():
        calls.append(1)

    settings.CELERY_BEAT_SCHEDULE = {"tick": {"task": "tests.record_tick", "schedule": timedelta(hours=1)}}
    scheduler = EmbeddedScheduler()
    assert scheduler.run_due() == ["tick"]  # first pass runs at start-up
    assert scheduler.run_due() == []  # not due again for an hour
    scheduler.last_run["tick"] -= timedelta(hours=2)
    assert scheduler.run_due() == ["tick"]
    assert len(calls) == 2


def run_with_settings(module: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_the_default_secret_key_and_debug():
    no_key = run_with_settings("config.settings.production", {"DJANGO_ALLOWED_HOSTS": "x"}, "check")
    assert no_key.returncode != 0 and "DJANGO_SECRET_KEY" in no_key.stderr
    debug = run_with_settings("config.settings.production",
                              {"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": "k" * 60}, "check")
    assert debug.returncode != 0 and "DJANGO_DEBUG must be off" in debug.stderr


def test_check_deploy_leaves_only_the_hsts_preload_choice():
    result = run_with_settings(
        "config.settings.production",
        {"DJANGO_SECRET_KEY": "x7!" * 20 + "unique-enough-for-the-check",
         "DJANGO_ALLOWED_HOSTS": "community.example.com"},
        "check", "--deploy",
    )
    output = result.stdout + result.stderr
    assert sorted(set(re.findall(r"\(security\.W\d+\)", output))) == ["(security.W021)"], output


def _frame_links(html: str) -> set[str]:
    """Where the links and forms of the page's frame (before its content) go, without queries."""
    values = re.findall(r'(?:href|action)="([^"]*)"', html.split('id="main"')[0])
    return {value.split("?")[0] for value in values if not value.startswith("#")}


@pytest.mark.django_db
def test_the_frame_links_every_section_and_the_members_pages(client, site_tree):
    from django.urls import reverse

    client.force_login(UserFactory())
    links = _frame_links(client.get("/forum/").content.decode())
    for route in ("forum:index", "ideas:index", "rewards:index", "badges:leaderboard",
                  "community:notifications", "badges:points", "rewards:mine",
                  "community:profile_edit", "community:notification_settings", "privacy:settings",
                  "api_settings:settings", "referrals:mine", "account_email",
                  "account_change_password", "account_logout"):
        assert reverse(route) in links, route
    assert "" not in links


@pytest.mark.django_db
def test_a_visitor_and_the_error_pages_rendered_without_a_request_get_the_same_frame(client):
    from django.urls import reverse

    from community.error_pages import server_error_page

    visitor = _frame_links(client.get("/forum/").content.decode())
    error_page = _frame_links(server_error_page().content.decode())
    for links in (visitor, error_page):
        for route in ("forum:index", "ideas:index", "account_login", "account_signup"):
            assert reverse(route) in links, route
        assert "" not in links


def test_the_frame_links_follow_the_script_prefix():
    from django.urls import get_script_prefix, set_script_prefix

    from community.context_processors import shell_urls

    before = get_script_prefix()
    try:
        set_script_prefix("/community/")
        assert shell_urls()["forum"] == "/community/forum/"
    finally:
        set_script_prefix(before)
    assert shell_urls()["forum"] == "/forum/"
