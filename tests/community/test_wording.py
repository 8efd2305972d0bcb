"""Small wording rules members meet everywhere: relative times, sentences, limits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.forms import ProfileForm
from community.templatetags.hearth_tags import ago, sentence
from tests.factories import UserFactory


def test_a_moment_ago_reads_just_now_and_later_times_read_as_usual():
    now = timezone.now()
    assert ago(now) == "just now"
    assert ago(now - timedelta(seconds=59)) == "just now"
    assert ago(now - timedelta(minutes=5)) == "5\xa0minutes ago"


def test_a_reason_ends_with_exactly_one_full_stop():
    assert sentence("Spamming members") == "Spamming members."
    assert sentence("Spamming members.") == "Spamming members."
    assert sentence("Why?") == "Why?"


@pytest.mark.django_db
def test_a_bio_over_the_limit_is_refused_with_how_much_to_cut_and_the_text_is_kept(client):
    member = UserFactory()
    client.force_login(member)
    bio = "word " * 256  # 1,280 characters
    response = client.post("/settings/profile/", {"display_name": "", "bio": bio})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your bio is 1,279 characters long; the limit is 1,000. Shorten it by 279" in html
    assert bio.strip() in html  # what the member typed is still in the box
    assert 'maxlength="1000"' not in html and 'data-max-chars="1000"' in html
    member.refresh_from_db()
    assert member.bio == ""


def test_a_bio_at_the_limit_is_accepted():
    form = ProfileForm({"display_name": "", "bio": "x" * 1000}, instance=UserFactory.build())
    assert form.is_valid(), form.errors
