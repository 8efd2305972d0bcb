"""Similar-idea suggestions: semantic ranking with stored embeddings, text fallback."""

import subprocess
import sys

import numpy as np
import pytest

from community import encoder
from ideas.models import Idea
from ideas.services import similarity
from tests.ideas.factories import published_idea, submitted_idea

pytestmark = pytest.mark.django_db

TOPICS = {"kettle": 0, "timer": 1, "warm": 1, "lid": 2, "flask": 2, "leak": 2, "lantern": 3, "light": 3}


def fake_embed(texts):
    """A stand-in encoder: words of a topic land on the same axis; L2-normalised like MiniLM."""
    vectors = np.zeros((len(texts), 8), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().replace("-", " ").split():
            axis = TOPICS.get(word.strip(".,"))
            if axis is not None:
                vectors[row, axis] += 1
        vectors[row, 7] += 0.1
        vectors[row] /= np.linalg.norm(vectors[row])
    return vectors


@pytest.fixture
def fake_encoder(settings, monkeypatch):
    settings.HEARTH_IDEAS_SIMILARITY = "semantic"
    monkeypatch.setattr(encoder, "available", lambda: True)
    monkeypatch.setattr(encoder, "embed", fake_embed)


def test_publishing_stores_an_embedding_and_suggestions_rank_by_meaning(fake_encoder, frozen_clock,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kettle = published_idea(title="Keep-warm timer on the kettle base")
        flask = published_idea(title="A lid so the flask does not leak",
                               description="For bags and backpacks, clicks shut.")
    assert Idea.objects.filter(embedding__isnull=False).count() == 2
    assert np.frombuffer(bytes(Idea.objects.get(pk=kettle.pk).embedding), dtype=np.float32).shape == (8,)

    found = similarity.similar_ideas(text="leak proof lid")
    assert [idea.pk for idea in found] == [flask.pk]
    # A later publication reaches the in-process cache without a restart.
    with django_capture_on_commit_callbacks(execute=True):
        lantern = published_idea(title="Red light mode for the lantern")
    assert [idea.pk for idea in similarity.similar_ideas(text="lantern light")] == [lantern.pk]


def test_ideas_that_are_not_public_are_never_suggested(fake_encoder, frozen_clock):
    hidden = submitted_idea(title="Kettle timer still in review")
    similarity.store_embedding(idea_id=hidden.pk)
    assert similarity.similar_ideas(text="kettle timer") == []


def test_without_the_encoder_suggestions_fall_back_to_text_search(settings, monkeypatch, frozen_clock):
    settings.HEARTH_IDEAS_SIMILARITY = "semantic"
    monkeypatch.setattr(encoder, "available", lambda: False)
    idea = published_idea(title="Keep-warm timer on the kettle base")
    assert similarity.store_embedding(idea_id=idea.pk) is False
    assert [found.pk for found in similarity.similar_ideas(text="kettle warmer")] == [idea.pk]


def test_the_web_process_does_not_load_torch_at_start_up():
    code = (
        "import sys, django; django.setup(); "
        "import config.urls, config.asgi, ideas.views, ideas.tasks; "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip().splitlines()[-1] == "False False"
