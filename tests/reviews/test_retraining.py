"""The sentiment model learns from staff feedback: a daily job trains a new head once enough
feedback came in, judges it against the model in use on held-back rows, promotes it only if
it is not worse and records the decision; every process then scores with the promoted head,
each review records which model scored it, and ``rescore --stale`` scores the others again."""

import io

import numpy as np
import pytest
from django.core.management import call_command
from django.db import transaction

from reviews import sentiment, tasks
from reviews.models import Review, SentimentFeedback, SentimentModel
from reviews.sentiment import training
from reviews.sentiment.minilm import Head
from reviews.services.retraining import retrain
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def minilm(settings):
    settings.HEARTH_SENTIMENT_BACKEND = "minilm"
    # The committed model is fine-tuned, so retraining fine-tunes: one pass is enough here.
    settings.HEARTH_SENTIMENT_RETRAIN_EPOCHS = 1
    sentiment.reset_backend()
    yield sentiment.get_backend()
    sentiment.reset_backend()


@pytest.fixture
def small_training_file(tmp_path, settings):
    """Forty sentences of train.tsv: enough to train on in seconds."""
    rows = training.read_tsv(training.default_train_file())
    negative = [row for row in rows if row.negative][:20]
    positive = [row for row in rows if not row.negative][:20]
    path = tmp_path / "train.tsv"
    lines = ["source\ttext\tlabel"] + [
        f"test\t{row.text}\t{'negative' if row.negative else 'positive'}" for row in negative + positive]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings.HEARTH_SENTIMENT_TRAIN_FILE = str(path)
    return path


def _feedback(count: int) -> None:
    SentimentFeedback.objects.bulk_create(
        SentimentFeedback(text=f"The lid cracked after {n} days.", negative=True) for n in range(count))


def test_nothing_is_trained_before_enough_new_feedback(settings):
    settings.HEARTH_SENTIMENT_RETRAIN_MIN_FEEDBACK = 5
    _feedback(4)
    assert retrain() is None
    assert tasks.retrain_sentiment() == "not enough new feedback"
    assert not SentimentModel.objects.exists()


def test_a_retrained_head_is_judged_on_held_back_rows_and_the_decision_recorded(
        minilm, small_training_file, settings):
    settings.HEARTH_SENTIMENT_RETRAIN_MIN_FEEDBACK = 3
    _feedback(3)
    model = retrain()
    assert model is not None and model.replaced_version == minilm.version
    candidate, current = model.metrics["candidate"], model.metrics["current"]
    not_worse = candidate["accuracy"] >= current["accuracy"] and candidate["f1"] >= current["f1"]
    expected = SentimentModel.Decision.PROMOTED if not_worse else SentimentModel.Decision.KEPT_BACK
    assert model.decision == expected
    assert f"accuracy {candidate['accuracy']:.3f} against {current['accuracy']:.3f}" in model.reason
    assert model.feedback_rows == 3 and model.held_out_rows > 0 and model.trained_rows > 0
    assert Head.from_bytes(bytes(model.head)).version == model.version
    # A fine-tuned model in use is followed by a fine-tuned candidate.
    assert model.version.startswith("minilm-tuned-")
    # The feedback now counts as learnt: the next run waits for more.
    assert retrain() is None


def test_every_process_scores_with_the_promoted_head_and_reviews_record_it(
        minilm, django_capture_on_commit_callbacks):
    committed = minilm.version
    assert sentiment.score_texts(["It broke."])[0].model_version == committed
    stricter = Head(minilm.head.weights, minilm.head.bias + 8.0)  # everything reads negative
    with django_capture_on_commit_callbacks(execute=True):
        SentimentModel.objects.create(
            version=stricter.version, head=stricter.to_bytes(), decision="promoted",
            reason="test", trained_rows=1, feedback_rows=1, held_out_rows=1)
        transaction.on_commit(lambda: sentiment.announce_promotion(stricter.version))
    score = sentiment.score_texts(["Lovely kettle, works great."])[0]
    assert score.model_version == stricter.version and score.p_negative > 0.9
    review = write_review(rating=5, body="Lovely kettle, works great.")
    Review.objects.filter(pk=review.pk).update(sentiment_model=committed)
    out = io.StringIO()
    call_command("sentiment", "rescore", "--stale", stdout=out)
    review.refresh_from_db()
    assert review.sentiment_model == stricter.version
    assert f"rescored 1 reviews with {stricter.version}" in out.getvalue()


def test_rescore_stale_leaves_reviews_the_model_in_use_scored(settings):
    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    sentiment.reset_backend()
    review = write_review(rating=3, body="Fine for the price.")
    Review.objects.filter(pk=review.pk).update(sentiment_model="")
    out = io.StringIO()
    call_command("sentiment", "rescore", "--stale", stdout=out)
    assert "rescored 1 reviews with lexicon" in out.getvalue()
    call_command("sentiment", "rescore", "--stale", stdout=out)
    assert "rescored 0 reviews with lexicon" in out.getvalue()
    assert Review.objects.get(pk=review.pk).sentiment_model == "lexicon"


def test_the_version_names_the_weights():
    weights = np.ones(384, dtype=np.float32)
    assert Head(weights, 0.5).version == Head(weights.copy(), 0.5).version
    assert Head(weights, 0.5).version != Head(weights, 0.6).version


def test_staff_see_each_retraining_decision_on_the_dashboard(client, site_tree):
    from django.urls import reverse

    from tests.factories import BrandStaffFactory

    _feedback(2)
    SentimentModel.objects.create(
        version="minilm-head-abc123", head=b"", decision="kept_back",
        reason="Worse than the model in use: accuracy 0.850 against 0.900.", trained_rows=2000,
        feedback_rows=25, held_out_rows=500)
    _feedback(3)
    client.force_login(BrandStaffFactory())
    html = client.get(reverse("reviews:dashboard")).content.decode()
    assert "minilm-head-abc123" in html and "Kept back: not better" in html
    assert "Worse than the model in use: accuracy 0.850 against 0.900." in html
    assert "(3 so far)" in html
