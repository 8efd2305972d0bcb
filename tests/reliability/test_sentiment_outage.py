"""The sentiment model is missing or broken: reviews are saved and left pending, then scored
(and turned into follow-ups) by the periodic sweep once the model is back. Tested through
the reviews app's public services and tasks only."""

import pytest

from reviews import sentiment
from reviews.models import FollowUp, Review
from reviews.tasks import score_pending_reviews
from tests.factories import UserFactory, make_product
from tests.reviews.factories import write_review

pytestmark = pytest.mark.django_db

COMPLAINT = "It stopped working after two days and leaks everywhere. Terrible, avoid it."


@pytest.fixture(autouse=True)
def _fresh_backend():
    sentiment.reset_backend()
    yield
    sentiment.reset_backend()


@pytest.mark.parametrize("broken", [
    {"HEARTH_SENTIMENT_BACKEND": "transformers", "HEARTH_SENTIMENT_MODEL_DIR": "/nonexistent/model"},
    {"HEARTH_SENTIMENT_BACKEND": "no-such-backend"},
], ids=["model files missing", "backend broken"])
def test_a_review_is_saved_pending_while_the_model_is_down_and_scored_when_it_is_back(
        commit, settings, broken):
    for name, value in broken.items():
        setattr(settings, name, value)
    with commit():
        review = write_review(author=UserFactory(), product=make_product(), rating=1,
                              title="Leaks", body=COMPLAINT)
    review.refresh_from_db()
    assert Review.objects.filter(pk=review.pk).exists()
    assert review.sentiment == Review.Sentiment.PENDING
    # A one-star review may already owe a follow-up for its rating alone; never two.
    assert FollowUp.objects.filter(review=review).count() <= 1
    score_pending_reviews()  # the sweep while the model is still down changes nothing
    review.refresh_from_db()
    assert review.sentiment == Review.Sentiment.PENDING

    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"  # the model is back
    sentiment.reset_backend()
    with commit():
        score_pending_reviews()
    review.refresh_from_db()
    assert review.sentiment != Review.Sentiment.PENDING
    assert review.sentiment_backend == "lexicon"
    assert FollowUp.objects.filter(review=review).count() == 1
    with commit():
        score_pending_reviews()  # a second sweep scores nothing twice
    assert FollowUp.objects.filter(review=review).count() == 1
