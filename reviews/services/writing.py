"""Writes for reviews. Each service checks permission and validity, writes in one
transaction, and announces its effects after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from community.deferred import enqueue_on_commit
from community.events import send_on_commit
from community.models import ProductPage, User
from community.roles import is_brand_staff, is_community_manager
from community.services.notifications import notify
from moderation.services import ActionRefused, added_text, check_can_act, record_activity, scan_for_spam
from reviews import live, sentiment, signals
from reviews.models import (
    BrandReply,
    FollowUp,
    FollowUpNote,
    HelpfulVote,
    ProductRating,
    PurchaseRecord,
    Review,
    ReviewAcknowledgement,
    ReviewHideRecord,
    ReviewRevision,
    SentimentFeedback,
)

logger = logging.getLogger(__name__)


def _review_url(review: Review) -> str:
    return f"{review.product.url or ''}#review-{review.pk}"


def _bump_rating(product_id: int, rating: int, step: int) -> None:
    ProductRating.objects.get_or_create(product_id=product_id)
    ProductRating.objects.filter(product_id=product_id).update(
        count=F("count") + step, total=F("total") + step * rating,
        **{f"stars_{rating}": F(f"stars_{rating}") + step},
    )


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
            review.sentiment = Review.Sentiment.PENDING
            review.save(update_fields=["rating", "title", "body", "verified_owner", "edited_at",
                                       "text_version", "sentiment"])
            review.refresh_from_db(fields=["text_version"])
            created = False
        if rating <= 2:
            # Low stars need no model: the follow-up opens now, even if scoring is down.
            _flag(review=review, p_negative=None)
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


# --- Moderation (called by the moderation app through the adapters in reviews/moderation.py,
# inside its transaction, after it has checked the moderator's permission) -------------------

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


# --- Sentiment and follow-ups --------------------------------------------------------------

def _flag(*, review: Review, p_negative: float | None) -> FollowUp | None:
    """Open the review's follow-up (once) and acknowledge the reviewer. Inside a transaction."""
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
        acknowledgement = ReviewAcknowledgement.load()
        if acknowledgement.enabled:
            notify(recipient=review.author, kind="reviews.acknowledgement",
                   message=acknowledgement.message, url=_review_url(review),
                   dedupe_key=f"review-ack-{review.pk}")
        send_on_commit(signals.review_flagged_negative, sender="reviews", review_id=review.pk,
                               product_id=review.product_id, author_id=review.author_id,
                               follow_up_id=follow_up.pk, p_negative=p_negative)
    return follow_up


def apply_score(*, review_id: int, text_version: int | None, p_negative: float, backend: str) -> bool:
    """Store a score for the review's current text and apply the flag rule. A score for
    an older version of the text is dropped (returns False). Idempotent."""
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("product").filter(pk=review_id).first()
        if review is None or (text_version is not None and review.text_version != text_version):
            return False
        review.p_negative, review.sentiment_backend = p_negative, backend
        review.sentiment, review.scored_at = Review.Sentiment.SCORED, timezone.now()
        review.save(update_fields=["p_negative", "sentiment_backend", "sentiment", "scored_at"])
        if sentiment.is_flagged(p_negative=p_negative, rating=review.rating):
            _flag(review=review, p_negative=p_negative)
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
    for review, score in zip(reviews, scores, strict=True):
        version = (only_version or {}).get(review.pk, review.text_version)
        apply_score(review_id=review.pk, text_version=version, p_negative=score.p_negative,
                    backend=score.backend)
    return f"scored {len(reviews)}"


def sweep_pending_reviews(*, batch_size: int = 64, limit: int = 1000) -> str:
    """Score reviews still pending (model was down, worker was down)."""
    ids = list(Review.objects.filter(sentiment=Review.Sentiment.PENDING)
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    results = [score_reviews(review_ids=ids[i:i + batch_size]) for i in range(0, len(ids), batch_size)]
    return f"{len(ids)} pending: {', '.join(results) or 'none'}"


def rescore_reviews(*, batch_size: int = 64, progress: Callable[[int, int], None] | None = None) -> int:
    """Score every review again with the current model, in batches. Idempotent."""
    ids = list(Review.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        result = score_reviews(review_ids=ids[start:start + batch_size])
        if result == "pending":
            raise sentiment.SentimentUnavailable("the model cannot load")
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)


ALLOWED_TRANSITIONS = {
    FollowUp.Status.OPEN: {FollowUp.Status.IN_PROGRESS, FollowUp.Status.WAITING,
                           FollowUp.Status.RESOLVED, FollowUp.Status.NOT_NEGATIVE},
    FollowUp.Status.IN_PROGRESS: {FollowUp.Status.WAITING, FollowUp.Status.RESOLVED,
                                  FollowUp.Status.NOT_NEGATIVE},
    FollowUp.Status.WAITING: {FollowUp.Status.IN_PROGRESS, FollowUp.Status.RESOLVED,
                              FollowUp.Status.NOT_NEGATIVE},
    FollowUp.Status.RESOLVED: {FollowUp.Status.IN_PROGRESS},
    FollowUp.Status.NOT_NEGATIVE: {FollowUp.Status.OPEN},
}


def can_work_follow_ups(user: User) -> bool:
    return is_brand_staff(user) or is_community_manager(user)


def update_follow_up(*, actor: User, follow_up_id: int, status: str | None = None,
                     assignee: User | None | bool = False, note: str = "") -> FollowUp:
    """Move a follow-up along its states, (re)assign it, and/or add an internal note.

    Guarantees: brand staff and community managers only; only allowed transitions; the
    assignee must be able to work follow-ups; "not negative" records labelled feedback for
    the model; closing sends followup_resolved after commit. ``assignee=False`` leaves it.
    """
    if not can_work_follow_ups(actor):
        raise PermissionDenied("Follow-ups are for brand staff and community managers.")
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().select_related("review").get(pk=follow_up_id)
        fields = []
        if status and status != follow_up.status:
            if status not in ALLOWED_TRANSITIONS.get(follow_up.status, set()):
                raise ValidationError({"status": f"A follow-up cannot go from "
                                       f"{follow_up.get_status_display().lower()} to {status}."})
            follow_up.status = status
            follow_up.closed_at = timezone.now() if status in FollowUp.CLOSED else None
            fields += ["status", "closed_at"]
            if status == FollowUp.Status.NOT_NEGATIVE:
                SentimentFeedback.objects.update_or_create(
                    review=follow_up.review,
                    defaults={"text": follow_up.review.text, "negative": False, "given_by": actor})
            if status in FollowUp.CLOSED:
                send_on_commit(signals.followup_resolved, sender="reviews", follow_up_id=follow_up.pk,
                                       review_id=follow_up.review_id, actor_id=actor.pk, status=status)
        if assignee is not False and assignee != follow_up.assignee:
            if assignee is not None and not can_work_follow_ups(assignee):
                raise ValidationError({"assignee": "Assign follow-ups to brand staff or community managers."})
            follow_up.assignee = assignee
            fields.append("assignee")
        if fields:
            follow_up.save(update_fields=fields)
        if note.strip():
            FollowUpNote.objects.create(follow_up=follow_up, author=actor, body=note.strip())
        if fields or note.strip():
            live.follow_up_changed(follow_up_id=follow_up.pk)
    return follow_up


def escalate_overdue_follow_ups() -> int:
    """Notify every community manager once about each overdue open follow-up."""
    overdue = list(FollowUp.objects.filter(due_at__lt=timezone.now(), escalated_at__isnull=True)
                   .exclude(status__in=FollowUp.CLOSED).select_related("review__product"))
    if not overdue:
        return 0
    managers = list(User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__permissions__codename="moderate_community")).distinct())
    for follow_up in overdue:
        with transaction.atomic():
            if not FollowUp.objects.filter(pk=follow_up.pk, escalated_at__isnull=True).update(
                    escalated_at=timezone.now()):
                continue
            for manager in managers:
                notify(recipient=manager, kind="reviews.follow_up_overdue",
                       message=f"Overdue follow-up: “{follow_up.review.title}” on "
                               f"{follow_up.review.product.title}.",
                       url=f"/staff/follow-ups/{follow_up.pk}/",
                       dedupe_key=f"follow-up-overdue-{follow_up.pk}")
    return len(overdue)


def recompute_product_ratings() -> int:
    """Rebuild every ProductRating from visible reviews; returns how many rows drifted."""
    drifted = 0
    actual = {
        row["product_id"]: row for row in Review.objects.visible().values("product_id").annotate(
            count=Count("id"), total=Sum("rating"),
            **{f"stars_{n}": Count("id", filter=Q(rating=n)) for n in range(1, 6)})
    }
    existing = {r.product_id: r for r in ProductRating.objects.all()}
    for product_id in set(actual) | set(existing):
        want = actual.get(product_id, {"count": 0, "total": 0, **{f"stars_{n}": 0 for n in range(1, 6)}})
        row = existing.get(product_id) or ProductRating.objects.create(product_id=product_id)
        values = {k: want[k] or 0 for k in ["count", "total"] + [f"stars_{n}" for n in range(1, 6)]}
        if any(getattr(row, k) != v for k, v in values.items()):
            drifted += 1
            ProductRating.objects.filter(pk=product_id).update(**values)
    return drifted


def import_purchase_rows(rows: list[dict]) -> tuple[int, list[tuple[int, str]]]:
    """Validate and store purchase rows one by one. Returns (stored, [(line, reason)])."""
    from django.core.validators import validate_email

    stored, rejected = 0, []
    for line, row in enumerate(rows, start=2):
        email = (row.get("email") or "").strip().lower()
        sku = (row.get("sku") or "").strip()
        try:
            validate_email(email)
        except ValidationError:
            rejected.append((line, f"invalid email {email!r}"))
            continue
        if not sku or len(sku) > 64:
            rejected.append((line, "missing or too long SKU"))
            continue
        purchased_on = (row.get("purchased_on") or "").strip() or None
        if purchased_on:
            from datetime import date

            try:
                purchased_on = date.fromisoformat(purchased_on)
            except ValueError:
                rejected.append((line, f"purchased_on must be YYYY-MM-DD, not {purchased_on!r}"))
                continue
        _, created = PurchaseRecord.objects.get_or_create(
            email=email, sku=sku, defaults={"order_reference": (row.get("order_reference") or "")[:64],
                                            "purchased_on": purchased_on})
        if created:
            stored += 1
        else:
            rejected.append((line, f"duplicate purchase of {sku} by {email}"))
    return stored, rejected
