"""Sentiment: scoring reviews and flagging negative ones for a follow-up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from community.events import send_on_commit
from community.services.notifications import notify
from reviews import live, sentiment, signals
from reviews.models import FollowUp, Review, ReviewAcknowledgement, SentimentThresholds
from reviews.services._common import _review_url

logger = logging.getLogger(__name__)


def flag_review(*, review: Review, p_negative: float | None) -> FollowUp:
    """Open the review's follow-up (once). Inside a transaction. The reviewer is acknowledged
    separately, once the score shows the flag is confident (``_acknowledge``)."""
    hours = int(getattr(settings, "HEARTH_FOLLOWUP_RESPONSE_HOURS", 24))
    now = timezone.now()
    follow_up, created = FollowUp.objects.get_or_create(
        review=review, defaults={"opened_at": now, "due_at": now + timedelta(hours=hours)})
    if review.flagged_negative and not created:
        return follow_up
    Review.objects.filter(pk=review.pk).update(flagged_negative=True)
    review.flagged_negative = True
    if created:
        live.follow_up_changed(follow_up_id=follow_up.pk)
        send_on_commit(signals.review_flagged_negative, sender="reviews", review_id=review.pk,
                       product_id=review.product_id, author_id=review.author_id,
                       follow_up_id=follow_up.pk, p_negative=p_negative)
    return follow_up


def _acknowledge(*, review: Review) -> None:
    """Tell the reviewer the team will follow up: once per review (the dedupe key), and only
    when the brand has the acknowledgement switched on."""
    acknowledgement = ReviewAcknowledgement.load()
    if acknowledgement.enabled:
        notify(recipient=review.author, kind="reviews.acknowledgement",
               message=acknowledgement.message, url=_review_url(review),
               dedupe_key=f"review-ack-{review.pk}")


def apply_score(*, review_id: int, text_version: int | None, p_negative: float, backend: str,
                clauses: tuple = (), thresholds: sentiment.Thresholds | None = None,
                model_version: str = "") -> bool:
    """Store a score (and the clause scores that made it) for the review's current text and
    apply the flag rule with the thresholds staff set. A score for an older version of the
    text is dropped (returns False). Idempotent."""
    lines = thresholds or SentimentThresholds.load().thresholds()
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("product").filter(pk=review_id).first()
        if review is None or (text_version is not None and review.text_version != text_version):
            return False
        review.p_negative, review.sentiment_backend = p_negative, backend
        review.sentiment_model = model_version or backend
        review.sentiment_clauses = [list(clause) for clause in clauses]
        review.sentiment, review.scored_at = Review.Sentiment.SCORED, timezone.now()
        review.save(update_fields=["p_negative", "sentiment_clauses", "sentiment_backend",
                                   "sentiment_model", "sentiment", "scored_at"])
        if sentiment.is_flagged(p_negative=p_negative, rating=review.rating, thresholds=lines):
            flag_review(review=review, p_negative=p_negative)
            if sentiment.is_confident(p_negative=p_negative, rating=review.rating, thresholds=lines):
                _acknowledge(review=review)
    return True


def score_reviews(*, review_ids: list[int], only_version: dict[int, int] | None = None) -> str:
    """Score the given reviews in one batch. When the model cannot load they stay pending
    (the sweep retries later); nothing is lost."""
    reviews = list(Review.objects.filter(pk__in=review_ids).only("id", "title", "body", "text_version"))
    if not reviews:
        return "nothing to score"
    try:
        scores = sentiment.score_texts([r.text for r in reviews])
    except sentiment.SentimentUnavailable as exc:
        logger.warning("reviews left pending: %s", exc)
        return "pending"
    thresholds = SentimentThresholds.load().thresholds()
    for review, score in zip(reviews, scores, strict=True):
        version = (only_version or {}).get(review.pk, review.text_version)
        apply_score(review_id=review.pk, text_version=version, p_negative=score.p_negative,
                    backend=score.backend, clauses=score.clauses, thresholds=thresholds,
                    model_version=score.model_version)
    return f"scored {len(reviews)}"


def sweep_pending_reviews(*, batch_size: int = 64, limit: int = 1000) -> str:
    """Score reviews still pending (model was down, worker was down)."""
    ids = list(Review.objects.filter(sentiment=Review.Sentiment.PENDING)
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    results = [score_reviews(review_ids=ids[i:i + batch_size]) for i in range(0, len(ids), batch_size)]
    return f"{len(ids)} pending: {', '.join(results) or 'none'}"


def rescore_reviews(*, batch_size: int = 64, progress: Callable[[int, int], None] | None = None,
                    stale_only: bool = False) -> int:
    """Score every review again with the current model, in batches; with ``stale_only``,
    only those another model (or none) scored. Idempotent."""
    reviews = Review.objects.order_by("pk")
    if stale_only:
        reviews = reviews.exclude(sentiment_model=sentiment.model_version(sentiment.get_backend()))
    ids = list(reviews.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        result = score_reviews(review_ids=ids[start:start + batch_size])
        if result == "pending":
            raise sentiment.SentimentUnavailable("the model cannot load")
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)
