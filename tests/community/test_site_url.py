"""Every absolute link Hearth sends comes from one base: HEARTH_BASE_URL when set, else the
address actually served (community/site_url.py)."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory

from community import site_url
from community.models import NotificationPreference
from community.notification_kinds import all_kinds
from community.services.notifications import notify
from community.tasks import send_notification_email
from privacy.models import Consent
from privacy.purposes import MARKETING_EMAIL
from privacy.services.consents import record_consent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s>]+")


def links_in(message) -> list[str]:
    return LINK.findall(message.body) + LINK.findall(message.extra_headers.get("List-Unsubscribe", ""))


def notify_every_kind_within(request, django_capture_on_commit_callbacks) -> list:
    """One emailed notification of every registered kind, made while ``request`` is served
    (SiteAddressMiddleware around the code, as around any view that notifies)."""
    kinds = all_kinds()
    assert len(kinds) > 10  # the registry is filled by every app's ready()
    member = UserFactory(email="member@example.com")
    # Marketing kinds (review requests) are emailed only with a recorded consent.
    record_consent(user=member, purpose=MARKETING_EMAIL, granted=True,
                   source=Consent.Source.PRIVACY_PAGE)
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=member, kind=kind.key, email=True) for kind in kinds])

    def view(_request):
        for kind in kinds:
            notify(recipient=member, kind=kind.key, message=f"About {kind.label}", url="/forum/t/1/")

    with django_capture_on_commit_callbacks(execute=True):
        site_url.SiteAddressMiddleware(view)(request)
    emailed = {message.subject for message in mail.outbox}
    assert [kind.key for kind in kinds if not any(kind.label in s for s in emailed)] == []
    assert len(mail.outbox) == len(kinds)
    return mail.outbox


def test_every_kind_of_email_links_to_the_address_the_site_was_served_on(
        settings, django_capture_on_commit_callbacks):
    settings.HEARTH_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["localhost"]
    request = RequestFactory().get("/", HTTP_HOST="localhost:8100")
    for message in notify_every_kind_within(request, django_capture_on_commit_callbacks):
        links = links_in(message)
        # The notification, unsubscribe, List-Unsubscribe; account mail cannot be switched off.
        account_mail = "You get this email about your account" in message.body
        assert len(links) == (1 if account_mail else 3), message.body
        assert all(link.startswith("http://localhost:8100/") for link in links), links
        assert "http://localhost:8100/forum/t/1/" in links


def test_every_kind_of_email_links_to_the_configured_base_url_when_there_is_one(
        settings, django_capture_on_commit_callbacks):
    settings.HEARTH_BASE_URL = "https://community.example.com"
    settings.ALLOWED_HOSTS = ["localhost"]
    request = RequestFactory().get("/", HTTP_HOST="localhost:8100")
    for message in notify_every_kind_within(request, django_capture_on_commit_callbacks):
        links = links_in(message)
        assert links and all(link.startswith("https://community.example.com/") for link in links), links


def test_outside_a_request_links_use_the_address_serve_was_started_on(settings, monkeypatch):
    settings.HEARTH_BASE_URL = ""
    monkeypatch.setattr(site_url, "_served_base", "")
    assert site_url.base_url() == "http://127.0.0.1:8000"
    site_url.note_served_address(host="0.0.0.0", port=8100)  # noqa: S104 - what `make run` may bind
    assert site_url.base_url() == "http://127.0.0.1:8100"
    site_url.note_served_address(host="hearth.local", port=8100)
    assert site_url.absolute("/forum/") == "http://hearth.local:8100/forum/"


def test_a_host_header_outside_allowed_hosts_never_reaches_a_link(settings):
    settings.HEARTH_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["localhost"]
    forged = RequestFactory().get("/", HTTP_HOST="evil.example")
    assert site_url.request_base(forged) == ""
    seen = []
    site_url.SiteAddressMiddleware(lambda _request: seen.append(site_url.base_url()))(forged)
    assert "evil" not in seen[0]


def test_the_address_of_one_request_does_not_leak_into_the_next(settings, monkeypatch):
    settings.HEARTH_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["localhost"]
    monkeypatch.setattr(site_url, "_served_base", "")
    site_url.SiteAddressMiddleware(lambda _r: None)(RequestFactory().get("/", HTTP_HOST="localhost:8100"))
    assert site_url.base_url() == site_url.FALLBACK


def test_an_email_owed_before_the_base_was_passed_along_still_gets_links(settings):
    settings.HEARTH_BASE_URL = "https://community.example.com"
    member = UserFactory(email="m@example.com")
    notification = member.notifications.create(kind="test.any", message="Hi", url="/ideas/")
    assert send_notification_email.apply(args=[notification.pk]).result is True
    assert "https://community.example.com/ideas/" in mail.outbox[0].body


def test_allauth_links_follow_the_served_address_and_the_configured_base(client, settings):
    settings.HEARTH_BASE_URL = ""
    client.post("/accounts/signup/", {"username": "juniper", "email": "juniper@example.com",
                                      "password1": "a-long-unusual-passphrase",
                                      "password2": "a-long-unusual-passphrase"})
    assert "http://testserver/accounts/confirm-email/" in mail.outbox[-1].body
    settings.HEARTH_BASE_URL = "https://community.example.com"
    client.post("/accounts/password/reset/", {"email": "juniper@example.com"})
    body = mail.outbox[-1].body
    assert "https://community.example.com/accounts/password/reset/key/" in body
    assert "http://testserver" not in body


def test_rebase_moves_an_absolute_url_onto_the_configured_base(settings):
    settings.HEARTH_BASE_URL = "https://example.com/community"
    assert site_url.rebase("http://127.0.0.1:8000/accounts/x/?a=1#b") == \
        "https://example.com/community/accounts/x/?a=1#b"
    assert site_url.rebase("/relative/") == "/relative/"
    settings.HEARTH_BASE_URL = ""
    assert site_url.rebase("http://127.0.0.1:8000/x/") == "http://127.0.0.1:8000/x/"


def _re_engagement_emails(django_capture_on_commit_callbacks) -> list:
    """A review request and an activity digest (outreach sends them itself, not through
    ``notify``), each with everything it can link to."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from outreach import services as outreach
    from tests.factories import make_product
    from tests.forum.factories import CategoryFactory, make_reply, make_topic
    from tests.outreach.factories import bought, consenting_member
    from tests.rewards.factories import give_points

    member = consenting_member(email="member@example.com")
    bought(member, make_product(title="Ember Kettle", sku="KET-9"))
    make_reply(make_topic(author=member, category=CategoryFactory()))
    give_points(member, 40)
    get_user_model().objects.filter(pk=member.pk).update(
        last_login=timezone.now() - datetime.timedelta(days=8))
    mail.outbox.clear()
    outreach.run()
    outreach.run_digests()
    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 2 and "How are you finding" in subjects[0] and "Your week" in subjects[1]
    return mail.outbox


def _all_links(message) -> list[str]:
    html = message.alternatives[0][0]
    return links_in(message) + re.findall(r'href="([^"]+)"', html)


@pytest.mark.usefixtures("site_tree", "moderation_relaxed")
def test_re_engagement_emails_link_only_to_the_configured_base_url(
        settings, django_capture_on_commit_callbacks):
    settings.HEARTH_BASE_URL = "https://community.example.com"
    for message in _re_engagement_emails(django_capture_on_commit_callbacks):
        links = _all_links(message)
        assert len(links) > 5
        assert all(link.startswith("https://community.example.com/") for link in links), links


@pytest.mark.usefixtures("site_tree", "moderation_relaxed")
def test_re_engagement_emails_link_to_the_address_serve_was_started_on(
        settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.HEARTH_BASE_URL = ""
    monkeypatch.setattr(site_url, "_served_base", "")
    site_url.note_served_address(host="hearth.local", port=8100)
    for message in _re_engagement_emails(django_capture_on_commit_callbacks):
        links = _all_links(message)
        assert links and all(link.startswith("http://hearth.local:8100/") for link in links), links
