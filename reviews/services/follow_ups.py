"""Follow-ups of negative reviews: their states, assignment, notes and escalation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community.events import send_on_commit
from community.models import User
from community.refusals import Refusal
from community.roles import is_brand_staff, is_community_manager
from community.services.notifications import notify
from reviews import live, signals
from reviews.models import FollowUp, FollowUpNote, Review, SentimentFeedback

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


def mark_missed_negative(*, actor: User, review_id: int) -> FollowUp:
    """Staff say an unflagged review is negative after all ("missed: this is negative").

    Guarantees: brand staff and community managers only; the review gets its follow-up as
    if the model had flagged it (the same signal, the live queue), with a note saying who
    marked it; the text is stored as labelled feedback that retraining learns from; a review
    already flagged, hidden or deleted is refused with the reason."""
    from reviews.services.scoring import flag_review

    if not can_work_follow_ups(actor):
        raise PermissionDenied("Only brand staff and community managers mark missed negatives.")
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None or review.hidden_at or review.deleted_at:
            raise Refusal("That review is not shown any more.")
        if review.flagged_negative:
            raise Refusal("That review is already in the follow-up queue.")
        SentimentFeedback.objects.update_or_create(
            review=review, defaults={"text": review.text, "negative": True, "given_by": actor})
        follow_up = flag_review(review=review, p_negative=review.p_negative)
        FollowUpNote.objects.create(follow_up=follow_up, author=actor,
                                    body="Marked as negative by hand: the model had not flagged it.")
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
