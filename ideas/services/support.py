"""Supporting ideas and withdrawing support."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from community.events import send_on_commit
from ideas import clock, signals
from ideas.models import Idea, Status, Support
from ideas.services._core import IdeaActionRefused, advance_milestones, lock_idea, push_idea_state
from ideas.services.moderation import check_member_may

EXPIRED_MESSAGE = "This idea has expired: its deadline passed before it reached the next milestone."


def check_cast_support(*, user, idea: Idea, now) -> None:
    """Raise IdeaActionRefused with the reason ``user`` may not support ``idea`` now."""
    if not (user and user.is_authenticated):
        raise IdeaActionRefused("Log in to support ideas.")
    if idea.published_at is None or idea.deleted_at is not None:
        raise IdeaActionRefused("That idea does not exist.")
    if idea.hidden_at is not None:
        raise IdeaActionRefused("This idea is hidden by the moderators: it cannot be supported.")
    if idea.creator_id == user.pk:
        raise IdeaActionRefused("You cannot support your own idea.")
    past_deadline = idea.status == Status.GATHERING_SUPPORT and idea.deadline and idea.deadline <= now
    if past_deadline or idea.status == Status.EXPIRED:
        raise IdeaActionRefused(EXPIRED_MESSAGE)
    if idea.status != Status.GATHERING_SUPPORT:
        raise IdeaActionRefused(
            f"This idea is {idea.get_status_display().lower()}: it no longer gathers support."
        )


def cast_support(*, user, idea_id: int) -> bool:
    """Add ``user``'s support to the idea. Returns True if it was added, False if they
    already supported it (supporting twice changes nothing).

    Guarantees: hidden ideas are refused; moderation's limits for "support" apply (supporting
    twice does not use them up); at most one support per member and idea (unique constraint); the counter
    moves with the row in one transaction under the idea's row lock, so concurrent supports
    are all counted exactly; a milestone reached in time extends the deadline at once.
    """
    now = clock.now()
    with transaction.atomic():
        idea = lock_idea(idea_id)
        check_cast_support(user=user, idea=idea, now=now)
        if Support.objects.filter(idea=idea, user=user).exists():
            return False
        check_member_may(user=user, action="support")
        try:
            with transaction.atomic():
                Support.objects.create(idea=idea, user=user, created_at=now)
        except IntegrityError:
            return False
        Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
        idea.refresh_from_db(fields=["support_count"])
        send_on_commit(
            signals.idea_supported, sender=Idea, idea_id=idea.pk, user_id=user.pk, creator_id=idea.creator_id,
            support_count=idea.support_count,
        )
        if not advance_milestones(idea, now=now):
            push_idea_state(idea.pk)
    return True


def withdraw_support(*, user, idea_id: int) -> bool:
    """Remove ``user``'s support. Returns False if they had none. Only while the idea
    gathers support: a closed idea keeps the supporters it was decided with."""
    with transaction.atomic():
        idea = lock_idea(idea_id)
        if not (user and user.is_authenticated):
            raise IdeaActionRefused("Log in to manage your support.")
        if idea.effective_status != Status.GATHERING_SUPPORT:
            raise IdeaActionRefused("This idea no longer gathers support, so support cannot be withdrawn.")
        deleted, _ = Support.objects.filter(idea=idea, user=user).delete()
        if not deleted:
            return False
        Idea.objects.filter(pk=idea.pk, support_count__gt=0).update(support_count=F("support_count") - 1)
        idea.refresh_from_db(fields=["support_count"])
        send_on_commit(
            signals.idea_support_withdrawn, sender=Idea, idea_id=idea.pk, user_id=user.pk,
            creator_id=idea.creator_id, support_count=idea.support_count,
        )
        push_idea_state(idea.pk)
    return True


def recompute_support_counts() -> int:
    """Rebuild every idea's support_count from Support rows; returns how many drifted."""
    actual = Coalesce(
        Subquery(
            Support.objects.filter(idea=OuterRef("pk")).values("idea").annotate(n=Count("id")).values("n")
        ),
        Value(0),
    )
    drifted = Idea.objects.annotate(actual=actual).exclude(support_count=F("actual")).count()
    if drifted:
        Idea.objects.update(support_count=actual)
    return drifted
