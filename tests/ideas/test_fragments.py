"""Cached idea comments on the idea page (ideas.fragments)."""

import pickle

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_hidden_idea_comments_are_never_cached_and_others_are(client, frozen_clock):
    from ideas import services as idea_services
    from ideas.services import moderation as idea_moderation
    from tests.factories import CommunityManagerFactory, UserFactory
    from tests.ideas.factories import published_idea

    idea = published_idea(title="Let me export my settings please")
    shown = idea_services.add_comment(author=UserFactory(), idea_id=idea.pk, body="Yes please")
    hidden = idea_services.add_comment(author=UserFactory(), idea_id=idea.pk, body="Rude words")
    idea_moderation.hide_comment(hidden, reason="Rude", actor=None)
    client.force_login(CommunityManagerFactory())
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Rude words" in html and "Yes please" in html
    # A fragment is stored as its pieces (one here: a comment shows a date, not a relative time).
    texts = ["".join(pickle.loads(raw)) for key, raw in cache._cache.items()  # noqa: S301
             if ":frag:idea-comment:" in key]
    assert len(texts) == 1 and "Yes please" in texts[0]
    client.force_login(UserFactory())
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Rude words" not in html and "Yes please" in html
    assert shown.pk


def test_the_idea_pages_shared_parts_are_rendered_again_once_the_idea_changes(client, frozen_clock):
    from ideas import services as idea_services
    from tests.factories import UserFactory
    from tests.ideas.factories import published_idea

    idea = published_idea(title="Let me export my settings please")
    client.force_login(UserFactory())
    client.get(idea.get_absolute_url())
    newcomer = UserFactory(username="newcomer", display_name="Newest Supporter")
    idea_services.cast_support(user=newcomer, idea_id=idea.pk)
    # Test transactions never commit, so the version bump has not run: the idea's own row
    # (its support count) is part of the key too.
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Newest Supporter" in html


def test_a_version_bump_makes_the_idea_pages_shared_parts_stale(client, frozen_clock):
    from community import cache_versions
    from ideas.fragments import idea_page_parts
    from ideas.models import Idea
    from ideas.selectors import idea_for_page
    from tests.factories import UserFactory
    from tests.ideas.factories import published_idea

    idea = published_idea(title="Let me export my settings please")
    reader = UserFactory()
    first = idea_page_parts(idea_for_page(user=reader, idea_id=idea.pk))
    Idea.objects.filter(pk=idea.pk).update(title="A title changed behind the cache's back")
    stale = idea_for_page(user=reader, idea_id=idea.pk)
    stale.title = idea.title  # the row as the cached parts' key saw it: only the version differs
    assert idea_page_parts(stale) == first
    cache_versions._increment(cache_versions.version_key("idea", idea.pk))
    assert idea_page_parts(idea_for_page(user=reader, idea_id=idea.pk))["head"] != first["head"]


def test_hidden_ideas_shared_parts_are_never_cached(client, frozen_clock):
    from ideas.services import moderation as idea_moderation
    from tests.factories import CommunityManagerFactory
    from tests.ideas.factories import published_idea

    idea = published_idea(title="Let me export my settings please")
    idea_moderation.hide_idea(idea, reason="Spam", actor=None)
    client.force_login(CommunityManagerFactory())
    assert client.get(idea.get_absolute_url()).status_code == 200
    assert not [key for key in cache._cache if ":frag:idea-page:" in key]


def _stored_cards() -> list[str]:
    return ["".join(pickle.loads(raw)) for key, raw in cache._cache.items()  # noqa: S301
            if ":frag:idea-card:" in key]


def test_a_listed_idea_card_is_shared_but_whether_the_reader_supports_it_is_their_own(client, frozen_clock):
    from django.urls import reverse

    from ideas import services as idea_services
    from tests.factories import UserFactory
    from tests.ideas.factories import published_idea

    idea = published_idea(title="Let me export my settings please")
    supporter, other = UserFactory(), UserFactory()
    idea_services.cast_support(user=supporter, idea_id=idea.pk)
    client.force_login(supporter)
    html = client.get(reverse("ideas:index")).content.decode()
    assert "You support it" in html and "Let me export my settings please" in html
    cards = _stored_cards()
    assert len(cards) == 1 and "You support it" not in cards[0]
    client.force_login(other)
    html = client.get(reverse("ideas:index")).content.decode()
    assert "Let me export my settings please" in html and "You support it" not in html
    assert len(_stored_cards()) == 1  # the same card, from the cache


def test_a_card_shows_a_new_supporter_count_at_once(client, frozen_clock):
    from django.urls import reverse

    from ideas import services as idea_services
    from tests.factories import UserFactory
    from tests.ideas.factories import published_idea

    idea = published_idea(title="Let me export my settings please")
    client.get(reverse("ideas:index"))
    for n in range(3):
        idea_services.cast_support(user=UserFactory(username=f"fan{n}"), idea_id=idea.pk)
    html = client.get(reverse("ideas:index")).content.decode()
    assert '<strong data-field="support_count">3</strong>' in html
    assert len(_stored_cards()) == 2  # a new key for the new count; the old one expires


def test_a_card_follows_the_clock_when_the_deadline_draws_nearer(client, frozen_clock):
    import datetime as dt

    from django.urls import reverse

    from tests.ideas.factories import published_idea

    published_idea(title="Let me export my settings please")
    before = client.get(reverse("ideas:index")).content.decode()
    frozen_clock.advance(dt.timedelta(days=2))
    after = client.get(reverse("ideas:index")).content.decode()
    days = [html.split('data-field="days_left">')[1].split("<")[0] for html in (before, after)]
    assert int(days[0]) - int(days[1]) == 2


def test_hidden_ideas_cards_are_never_cached(client, frozen_clock):
    from django.urls import reverse

    from ideas.services import moderation as idea_moderation
    from tests.factories import CommunityManagerFactory
    from tests.ideas.factories import published_idea

    idea = published_idea(title="Let me export my settings please")
    idea_moderation.hide_idea(idea, reason="Spam", actor=None)
    client.force_login(CommunityManagerFactory())
    html = client.get(reverse("ideas:index")).content.decode()
    assert "Let me export my settings please" in html and "idea-hidden-mark" in html
    assert _stored_cards() == []
