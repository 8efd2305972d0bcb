"""Visitors never see Django's technical pages: DEBUG is off unless asked for, and 400, 403,
404, 500 and CSRF failures get Hearth's layout with its header and a way on."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.outage import server_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _assert_branded(html: str, heading: str) -> None:
    assert 'class="site-header"' in html and f"<h1>{heading}</h1>" in html
    assert 'href="/"' in html and 'action="/forum/search/"' in html and "data-history-back" in html


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.community.error_urls"


def test_debug_is_off_unless_the_environment_turns_it_on():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_DEBUG"}
    code = "import config.settings.base as s; print(s.DEBUG)"
    off = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    on = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_DEBUG": "1"},
                        capture_output=True, text=True, check=True)
    assert (off.stdout.strip(), on.stdout.strip()) == ("False", "True")


def test_an_unknown_url_gives_the_branded_404_without_the_url_patterns(client, site_tree):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    _assert_branded(html, "Page not found")
    assert "URLconf" not in html and "django-admin/" not in html  # no list of URL patterns
    assert 'href="/accounts/login/' in html  # the visitor's own header corner


def test_a_member_keeps_their_own_header_on_the_404(client, site_tree):
    client.force_login(UserFactory(username="wanderer"))
    html = client.get("/no/such/page/").content.decode()
    assert 'id="notification-bell"' in html and "Log out" in html


def test_an_exception_gives_the_branded_500_without_a_traceback(failing_urls, site_tree):
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    _assert_branded(html, "Something went wrong")
    assert "a bug in a view" not in html and "Traceback" not in html
    assert response["Cache-Control"] == "no-store"


def test_the_500_page_is_built_without_the_database(django_db_blocker):
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries, django_db_blocker.block():
        response = server_error(request)
    assert response.status_code == 500 and not queries.captured_queries
    _assert_branded(response.content.decode(), "Something went wrong")


def test_permission_denied_gives_the_branded_403_with_its_reason(failing_urls, client, site_tree):
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    _assert_branded(html, "Not allowed")
    assert "Only community managers can do that." in html


def test_a_refused_request_gives_the_branded_400(failing_urls, client, site_tree):
    for response in (client.get("/test-errors/suspicious/"), client.get("/", HTTP_HOST="evil.example")):
        assert response.status_code == 400
        _assert_branded(response.content.decode(), "Bad request")


def test_a_form_without_a_valid_csrf_token_gives_the_branded_403(site_tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "someone", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    _assert_branded(html, "Please send that again")
    assert "CSRF verification failed" not in html
