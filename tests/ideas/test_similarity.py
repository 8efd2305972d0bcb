"""Similar-idea suggestions: semantic ranking with stored embeddings, text fallback."""

import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from django.urls import reverse

from community import encoder, encoder_worker
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
    """A loaded stand-in encoder."""
    settings.HEARTH_IDEAS_SIMILARITY = "semantic"
    monkeypatch.setattr(encoder, "available", lambda: True)
    monkeypatch.setattr(encoder, "loaded", lambda: True)
    monkeypatch.setattr(encoder, "embed", fake_embed)


@pytest.fixture
def held_encoder_thread():
    """Occupies the process's encoder thread until the test ends (a long load or embedding)."""
    release = threading.Event()
    started = threading.Event()

    def hold():
        started.set()
        release.wait(10)

    future = encoder_worker._submit_if_free(hold)
    assert future is not None and started.wait(5)
    yield
    release.set()
    future.result(5)


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


def test_a_cold_encoder_answers_with_text_search_at_once_and_loads_in_the_background(
        settings, monkeypatch, frozen_clock):
    settings.HEARTH_IDEAS_SIMILARITY = "semantic"
    settings.HEARTH_IDEAS_SIMILAR_BUDGET_SECONDS = 5
    monkeypatch.setattr(encoder, "available", lambda: True)
    loading, finish_loading, loaded = threading.Event(), threading.Event(), threading.Event()

    def slow_load():  # the 15 s a real first load can take, held until the test lets go
        loading.set()
        finish_loading.wait(10)
        loaded.set()
    monkeypatch.setattr(encoder, "get_encoder", slow_load)
    monkeypatch.setattr(encoder, "loaded", loaded.is_set)
    monkeypatch.setattr(encoder, "embed", fake_embed)
    kettle = published_idea(title="Keep-warm timer on the kettle base")
    # Stored as if it meant "lantern": only the encoder can find it from that word.
    Idea.objects.filter(pk=kettle.pk).update(embedding=fake_embed(["lantern"])[0].tobytes(),
                                             embedded_at=frozen_clock.now())
    try:
        started = time.monotonic()
        found = similarity.similar_ideas(text="kettle base")
        assert time.monotonic() - started < 1
        assert [idea.pk for idea in found] == [kettle.pk]  # the text search's answer
        assert loading.wait(5), "the first call starts loading the encoder in the background"
        assert similarity.similar_ideas(text="lantern") == []  # still loading: text search
    finally:
        finish_loading.set()
    assert loaded.wait(5)
    time.sleep(0.05)  # the encoder thread frees its slot once the load has returned
    assert [idea.pk for idea in similarity.similar_ideas(text="lantern")] == [kettle.pk]  # by meaning


def test_a_busy_encoder_answers_with_text_search_without_waiting(
        fake_encoder, settings, frozen_clock, held_encoder_thread):
    settings.HEARTH_IDEAS_SIMILAR_BUDGET_SECONDS = 5
    flask = published_idea(title="A lid so the flask does not leak")
    similarity.store_embedding(idea_id=flask.pk)
    started = time.monotonic()
    assert similarity.similar_ideas(text="leak proof lid") == [flask]
    assert similarity.similar_ideas(text="bottle that keeps drinks sealed") == []  # no word in common
    assert time.monotonic() - started < 1


def test_an_encoder_slower_than_the_budget_is_not_waited_for(
        fake_encoder, settings, monkeypatch, frozen_clock):
    settings.HEARTH_IDEAS_SIMILAR_BUDGET_SECONDS = 0.05
    flask = published_idea(title="A lid so the flask does not leak")
    similarity.store_embedding(idea_id=flask.pk)
    done = threading.Event()

    def slow_embed(texts):
        time.sleep(0.5)
        done.set()
        return fake_embed(texts)
    monkeypatch.setattr(encoder, "embed", slow_embed)
    started = time.monotonic()
    assert similarity.similar_ideas(text="bottle that keeps drinks sealed") == []
    assert time.monotonic() - started < 0.4
    assert done.wait(5)


def test_an_encoder_that_fails_costs_the_suggestion_never_the_page(
        fake_encoder, client, monkeypatch, frozen_clock):
    published_idea(title="A lid so the flask does not leak")

    def broken(texts):
        raise RuntimeError("a corrupt model file")
    monkeypatch.setattr(encoder, "embed", broken)
    Idea.objects.update(embedding=fake_embed(["lid"])[0].tobytes(), embedded_at=frozen_clock.now())
    response = client.get(reverse("ideas:similar"), {"title": "flask lid"})
    assert response.status_code == 200
    assert "A lid so the flask does not leak" in response.content.decode()


def test_suggestions_past_the_limit_per_address_answer_429_with_a_message_and_retry_after(client, settings):
    settings.HEARTH_IDEAS_SIMILAR_RATE = (3, 60)
    statuses = [client.get(reverse("ideas:similar"), {"title": "kettle timer"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = client.get(reverse("ideas:similar"), {"title": "kettle timer"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "Suggestions are paused: too many were asked for from your address" in refused.content.decode()
    # Another address is counted on its own.
    assert client.get(reverse("ideas:similar"), {"title": "kettle timer"},
                      REMOTE_ADDR="198.51.100.7").status_code == 200


def test_the_idea_form_asks_for_suggestions_only_after_a_pause_in_typing(client):
    from tests.factories import UserFactory
    client.force_login(UserFactory())
    page = client.get(reverse("ideas:new")).content.decode()
    assert 'hx-trigger="input changed delay:600ms"' in page


@pytest.mark.parametrize("exclude", ["²", "9" * 40, "-1", "abc", ""])
def test_a_malformed_idea_to_leave_out_is_ignored(client, exclude):
    response = client.get(reverse("ideas:similar"), {"title": "kettle timer", "exclude": exclude})
    assert response.status_code == 200
