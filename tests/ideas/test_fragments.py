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
