"""Hiding, deleting and editing reviews and brand replies.

The moderation_* and moderator_* services are called by the moderation app through the
adapters in reviews/moderation.py, inside its transaction, after it has checked the
moderator's permission."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from community.deferred import enqueue_on_commit
from community.models import User
from community.roles import is_community_manager
from reviews import live
from reviews.models import BrandReply, Review, ReviewHideRecord, ReviewRevision
from reviews.services._common import _bump_rating


def hide_review(*, actor: User, review_id: int, reason: str) -> Review:
    """Hide a review that breaks the guidelines. Community managers only; brand staff can
    never hide reviews. Every change is logged; ratings follow. (Restoring goes through the
    moderation queue: ``moderation_restore_review``.)"""
    if not is_community_manager(actor):
        raise PermissionDenied("Only community managers can hide reviews.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say which guideline the review breaks."})
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review_id)
        _set_review_hidden(review, hidden=True, reason=reason, actor=actor)
    return review


def _set_review_hidden(review: Review, *, hidden: bool, reason: str, actor: User | None) -> None:
    """Hide or restore a locked review, once: rating totals follow and a ReviewHideRecord
    logs it (``actor`` None: hidden automatically by members' flags)."""
    if (review.hidden_at is not None) == hidden:
        return
    review.hidden_at = timezone.now() if hidden else None
    review.hidden_by = actor if hidden else None
    review.hidden_reason = reason[:300] if hidden else ""
    review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    if review.deleted_at is None:
        _bump_rating(review.product_id, review.rating, -1 if hidden else +1)
    ReviewHideRecord.objects.create(review=review, actor=actor, hidden=hidden, reason=reason[:300])
    live.review_changed(product_id=review.product_id, review_id=review.pk)


def _locked_review(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


def moderation_hide_review(review: Review, *, reason: str, actor: User | None) -> None:
    _set_review_hidden(_locked_review(review), hidden=True, reason=reason, actor=actor)


def moderation_restore_review(review: Review, *, actor: User | None) -> None:
    _set_review_hidden(_locked_review(review), hidden=False, reason="restored by moderation", actor=actor)


def soft_delete_review(review: Review, *, actor: User | None) -> None:
    """Remove a review from the site for good; the row stays for the log and the follow-up."""
    review = _locked_review(review)
    if review.deleted_at is not None:
        return
    review.deleted_at = timezone.now()
    review.save(update_fields=["deleted_at"])
    if review.hidden_at is None:
        _bump_rating(review.product_id, review.rating, -1)
    live.review_changed(product_id=review.product_id, review_id=review.pk)


def moderator_edit_review(review: Review, *, data: dict, actor: User) -> None:
    """A community manager's correction of a review's title and body (the rating stays the
    customer's). The previous text is kept as a revision and the new text is scored again."""
    review = _locked_review(review)
    ReviewRevision.objects.create(review=review, rating=review.rating, title=review.title,
                                  body=review.body, written_at=review.edited_at or review.created_at)
    review.title, review.body = data["title"].strip(), data["body"].strip()
    review.text_version = F("text_version") + 1
    review.sentiment = Review.Sentiment.PENDING
    review.save(update_fields=["title", "body", "text_version", "sentiment"])
    review.refresh_from_db(fields=["text_version"])
    from reviews.tasks import score_review

    enqueue_on_commit(score_review, review.pk, review.text_version)
    live.review_changed(product_id=review.product_id, review_id=review.pk)


def _locked_reply(reply: BrandReply) -> BrandReply:
    return BrandReply.objects.select_for_update().select_related("review").get(pk=reply.pk)


def _reply_changed(reply: BrandReply) -> None:
    live.review_changed(product_id=reply.review.product_id, review_id=reply.review_id)


def moderation_hide_reply(reply: BrandReply, *, reason: str, actor: User | None) -> None:
    reply = _locked_reply(reply)
    if reply.hidden_at is None:
        reply.hidden_at, reply.hidden_reason = timezone.now(), reason[:300]
        reply.save(update_fields=["hidden_at", "hidden_reason"])
        _reply_changed(reply)


def moderation_restore_reply(reply: BrandReply, *, actor: User | None) -> None:
    reply = _locked_reply(reply)
    BrandReply.objects.filter(pk=reply.pk).update(hidden_at=None, hidden_reason="")
    _reply_changed(reply)


def soft_delete_reply(reply: BrandReply, *, actor: User | None) -> None:
    reply = _locked_reply(reply)
    BrandReply.objects.filter(pk=reply.pk, deleted_at__isnull=True).update(deleted_at=timezone.now())
    _reply_changed(reply)


def moderator_edit_reply(reply: BrandReply, *, data: dict, actor: User) -> None:
    reply = _locked_reply(reply)
    BrandReply.objects.filter(pk=reply.pk).update(body=data["body"].strip(), edited_at=timezone.now())
    _reply_changed(reply)
