"""Redirect parameters only ever lead back to this site: allauth's log-in, sign-up and log-out,
Wagtail's and Django's admin log-ins, and notifications that carry a link."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from community.models import Notification
from community.services.notifications import notify
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OFF_SITE_TARGETS = [
    "//evil.com",
    "///evil.com",
    "https://evil.com",
    "http://evil.com/path?q=1",
    "HTTPS://EVIL.COM",
    "https:evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\t/evil.com",
    " //evil.com",
    "//evil.com@testserver",
    "http://testserver@evil.com",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "%2F%2Fevil.com",
    "/%2F/evil.com",
    "https%3A%2F%2Fevil.com",
]


def stays_on_site(location: str) -> bool:
    """What a browser would make of the Location header: no other host, no script scheme."""
    # Browsers drop tabs and newlines and read backslashes as slashes in URLs.
    normalised = re.sub(r"[\t\n\r]", "", location).strip().replace("\\", "/")
    parts = urlsplit(normalised)
    if normalised.startswith("//"):
        return False
    return (not parts.scheme and not parts.netloc) or (
        parts.scheme in ("http", "https") and parts.netloc == "testserver")


def assert_local(response, target):
    assert response.status_code in (301, 302, 303), (target, response.status_code)
    assert stays_on_site(response["Location"]), f"{target!r} led to {response['Location']!r}"


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_log_in_returns_only_to_this_site(client, target):
    UserFactory(username="walker")
    response = client.post(f"{reverse('account_login')}",
                           {"login": "walker", "password": PASSWORD, "next": target})
    assert_local(response, target)
    assert "_auth_user_id" in client.session  # the log-in itself worked


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_log_out_returns_only_to_this_site(client, target):
    client.force_login(UserFactory())
    response = client.post(reverse("account_logout"), {"next": target})
    assert_local(response, target)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_sign_up_returns_only_to_this_site(client, target):
    response = client.post(reverse("account_signup"), {
        "username": "newcomer", "email": "newcomer@example.com",
        "password1": "a-long-fresh-password", "password2": "a-long-fresh-password", "next": target,
    })
    assert_local(response, target)


@pytest.mark.parametrize("login_url", ["/admin/login/", "/django-admin/login/", "/_util/login/"])
@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_the_other_log_in_urls_send_only_to_this_site(client, login_url, target):
    """They check no password (community/login_doors.py): the way on is the site's log-in page,
    and from it a path on this site."""
    root = UserFactory(username="root-walker")
    root.is_superuser = root.is_staff = True
    root.save()
    response = client.post(login_url, {"username": "root-walker", "password": PASSWORD, "next": target})
    assert_local(response, target)


@pytest.mark.parametrize("target", OFF_SITE_TARGETS)
def test_opening_a_notification_never_leaves_the_site(client, target):
    member = UserFactory()
    notify(recipient=member, kind="forum.reply", message="A link", url=target)
    notification = Notification.objects.filter(recipient=member).latest("pk")
    client.force_login(member)
    response = client.post(reverse("community:notification_open", args=[notification.pk]))
    assert_local(response, target)


def test_the_checker_itself_tells_local_from_foreign():
    assert stays_on_site("/forum/t/1/") and stays_on_site("http://testserver/ideas/")
    assert not stays_on_site("//evil.com") and not stays_on_site("/\\evil.com")
    assert not stays_on_site("javascript:alert(1)") and not stays_on_site("https://evil.com")
