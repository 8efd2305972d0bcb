"""Writing reviews: a member's review, helpful votes, and brand replies."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from community.deferred import enqueue_on_commit
from community.events import send_on_commit
from community.models import ProductPage, User
from community.roles import is_brand_staff
from community.services.notifications import notify
from moderation.services import ActionRefused, added_text, check_can_act, record_activity, scan_for_spam
from reviews import live, sentiment, signals
from reviews.models import BrandReply, FollowUp, HelpfulVote, PurchaseRecord, Review, ReviewRevision
from reviews.services._common import _bump_rating, _review_url
from reviews.services.scoring import flag_review

logger = logging.getLogger(__name__)


def _validate(*, rating: int, title: str, body: str) -> None:
    errors = {}
    if rating not in range(1, 6):
        errors["rating"] = "Choose a rating from 1 to 5 stars."
    if not title.strip():
        errors["title"] = "Give your review a title."
    if len(body.strip()) < 10:
        errors["body"] = "Tell other customers a little more (at least 10 characters)."
    if errors:
        raise ValidationError(errors)


def save_review(*, author: User, product: ProductPage, rating: int, title: str, body: str) -> Review:
    """Publish ``author``'s review of ``product``, or edit it if they already wrote one.

    Guarantees: one review per member and product (the unique constraint decides races);
    the previous text is kept as a revision; rating totals move with F(); the text is
    scored by a task after commit (pending until then); signals after commit.
    """
    if not author.is_authenticated or not author.is_active:
        raise PermissionDenied("Sign in to review products.")
    if not product.live:
        raise PermissionDenied("This product is not available for review.")
    _validate(rating=rating, title=title, body=body)
    title, body = title.strip(), body.strip()
    if Review.objects.filter(product=product, author=author, deleted_at__isnull=False).exists():
        raise ActionRefused("Your review of this product was removed by a community manager.")
    # Suspension, links from new members and the per-level limit on new reviews (raises
    # ActionRefused). Edits of one's own review are not rate-limited ("review_edit").
    editing = Review.objects.filter(product=product, author=author).exists()
    check_can_act(user=author, action="review_edit" if editing else "review", text=f"{title}\n{body}")
    verified = PurchaseRecord.objects.filter(email=author.email.strip().lower(), sku=product.sku).exists()
    typed = None  # a new review: all of it was typed
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(product=product, author=author).first()
        if review is None:
            try:
                with transaction.atomic():
                    review = Review.objects.create(product=product, author=author, rating=rating,
                                                   title=title, body=body, verified_owner=verified)
            except IntegrityError:
                # A concurrent first submission won: edit that review instead.
                return save_review(author=author, product=product, rating=rating, title=title, body=body)
            _bump_rating(product.pk, rating, +1)
            created = True
        else:
            ReviewRevision.objects.create(review=review, rating=review.rating, title=review.title,
                                          body=review.body, written_at=review.edited_at or review.created_at)
            # An edit is scanned like a new review, counting only what it added as typed.
            typed = added_text(f"{review.title}\n{review.body}", f"{title}\n{body}")
            if review.hidden_at is None and review.rating != rating:
                _bump_rating(product.pk, review.rating, -1)
                _bump_rating(product.pk, rating, +1)
            review.rating, review.title, review.body = rating, title, body
            review.verified_owner = verified
            review.edited_at = timezone.now()
            review.text_version = F("text_version") + 1
            review.sentiment, review.sentiment_clauses = Review.Sentiment.PENDING, []
            review.save(update_fields=["rating", "title", "body", "verified_owner", "edited_at",
                                       "text_version", "sentiment", "sentiment_clauses"])
            review.refresh_from_db(fields=["text_version"])
            created = False
        if rating <= 2:
            # Low stars need no model: the follow-up opens now, even if scoring is down.
            flag_review(review=review, p_negative=None)
        from reviews.tasks import score_review

        enqueue_on_commit(score_review, review.pk, review.text_version)
        scan_for_spam(user=author, text=f"{title}\n{body}", obj=review, typed=typed)
        live.review_changed(product_id=product.pk, review_id=review.pk)
        payload = {"review_id": review.pk, "product_id": product.pk, "author_id": author.pk,
                   "rating": rating}
        send_on_commit(signals.review_published if created else signals.review_edited,
                       sender="reviews", **payload)
    return review


def mark_helpful(*, voter: User, review_id: int) -> bool:
    """Count ``voter``'s helpful vote once. Returns False if they had already voted.
    Refuses votes on one's own review and on hidden reviews."""
    review = Review.objects.visible().filter(pk=review_id).first()
    if review is None:
        raise PermissionDenied("This review is not available.")
    if not voter.is_authenticated or review.author_id == voter.pk:
        raise PermissionDenied("You cannot vote on your own review.")
    if HelpfulVote.objects.filter(review=review, voter=voter).exists():
        return False
    check_can_act(user=voter, action="helpful")
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(review=review, voter=voter)
            Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
            count = Review.objects.values_list("helpful_count", flat=True).get(pk=review.pk)
            live.helpful_count(product_id=review.product_id, review_id=review.pk, count=count)
            # A helpful vote is a like for trust levels: given by the voter, received by the author.
            record_activity(user=voter, kind="like_given")
            record_activity(user=review.author, kind="like_received")
            send_on_commit(signals.review_marked_helpful, sender="reviews", review_id=review.pk,
                           voter_id=voter.pk, author_id=review.author_id)
    except IntegrityError:
        return False
    return True


class ReplyNeedsConfirmation(Exception):
    """The reply reads as negative or hostile; publish only with ``confirmed=True``."""

    def __init__(self, p_negative: float):
        super().__init__(p_negative)
        self.p_negative = p_negative


def score_reply(body: str) -> float | None:
    """The reply's tone, without loading the review model in a web process (see
    reviews/sentiment/reply_tone.py)."""
    try:
        return sentiment.score_reply(body).p_negative
    except sentiment.SentimentUnavailable:
        logger.warning("brand reply could not be scored: the sentiment model is unavailable")
        return None


def reply_as_brand(*, staff: User, review_id: int, body: str, confirmed: bool = False,
                   p_negative: float | None = None) -> BrandReply:
    """Publish (or edit) the brand's one public reply to a review.

    Guarantees: brand staff only; one reply per review; a reply scoring negative is refused
    with ReplyNeedsConfirmation unless ``confirmed``; the reviewer is notified of a new reply;
    the follow-up, if any, records its first reply time.
    """
    if not is_brand_staff(staff):
        raise PermissionDenied("Only brand staff reply on behalf of the brand.")
    body = body.strip()
    if len(body) < 2:
        raise ValidationError({"body": "Write a reply."})
    # Suspension and rate limits. The text is not passed: brand staff link to support pages and
    # manuals, and the new-member link rule is for customers' accounts, not the brand's.
    check_can_act(user=staff, action="brand_reply")
    if p_negative is None:
        p_negative = score_reply(body)
    needs_confirmation = p_negative is not None and p_negative >= sentiment.threshold()
    if needs_confirmation and not confirmed:
        raise ReplyNeedsConfirmation(p_negative)
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("product").get(pk=review_id)
        now = timezone.now()
        reply, created = BrandReply.objects.get_or_create(
            review=review, defaults={"author": staff, "body": body, "p_negative": p_negative,
                                     "warning_overridden": needs_confirmation})
        if not created:
            reply.body, reply.p_negative, reply.edited_at = body, p_negative, now
            reply.warning_overridden = needs_confirmation
            reply.save(update_fields=["body", "p_negative", "edited_at", "warning_overridden"])
        FollowUp.objects.filter(review=review, first_reply_at__isnull=True).update(first_reply_at=now)
        live.review_changed(product_id=review.product_id, review_id=review.pk)
        if created:
            notify(recipient=review.author, kind="reviews.brand_reply", actor=staff,
                   message=f"The brand replied to your review “{review.title}”.",
                   url=_review_url(review), dedupe_key=f"brand-reply-{reply.pk}")
            send_on_commit(signals.brand_replied, sender="reviews", review_id=review.pk, reply_id=reply.pk,
                           staff_id=staff.pk, reviewer_id=review.author_id)
    return reply
