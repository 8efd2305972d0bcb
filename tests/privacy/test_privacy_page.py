"""The privacy page: seeded with the site's own retention periods, and linked from every page."""

import pytest

from community.models import StandardPage

pytestmark = pytest.mark.django_db


def test_the_seeded_privacy_page_says_what_is_kept_how_long_and_which_decisions_are_automatic(
        client, site_tree, settings):
    page = StandardPage.objects.get(slug="privacy")
    html = client.get(page.url).content.decode()
    for heading in ("What we keep, and why", "How long we keep it", "Decisions made automatically",
                    "Email", "Your rights"):
        assert f"<h2>{heading}</h2>" in html
    for decision in ("Review sentiment.", "Spam checks.", "Trust levels.", "Flags.", "Referrals.",
                     "Review requests."):
        assert decision in html
    assert f"Read notifications: {settings.HEARTH_NOTIFICATION_RETENTION_DAYS} days." in html
    assert f"IP addresses: {settings.HEARTH_PRIVACY_IP_DAYS} days, then erased." in html
    assert f"reach a threshold ({settings.HEARTH_MODERATION_HIDE_THRESHOLD:g};" in html
    assert 'href="/settings/privacy/"' in html


def test_every_page_links_to_the_privacy_page(client, site_tree):
    for path in ("/", "/forum/", "/products/", "/accounts/login/"):
        assert '<a href="/privacy/">Privacy</a>' in client.get(path).content.decode()
