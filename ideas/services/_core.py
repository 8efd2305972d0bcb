"""Steps shared by the idea services. Each expects to run inside the caller's
``transaction.atomic`` with the idea row locked (``select_for_update``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction

from community import cache_versions
from community.deferred import enqueue_on_commit
from community.events import send_on_commit
from community.realtime import send_now
from community.refusals import NotPermitted
from community.services.notifications import notify
from ideas import signals
from ideas.models import Idea, Milestone, MilestoneReached, StatusChange

LIST_GROUP = "ideas.list"


class IdeaActionRefused(PermissionDenied, NotPermitted):
    """A member may not do this to this idea; the message says why, for the page. Still a
    PermissionDenied for the code that catches that; a NotPermitted of community.refusals'
    vocabulary, so a view that does not catch it answers 403 with the message."""


def idea_group(idea_id: int) -> str:
    return f"ideas.idea.{idea_id}"


def lock_idea(idea_id: int) -> Idea:
    try:
        # Only the idea row is locked; the milestone is read alongside for the goal.
        return Idea.objects.select_for_update(of=("self",)).select_related("next_milestone").get(pk=idea_id)
    except Idea.DoesNotExist:
        raise IdeaActionRefused("That idea does not exist.") from None


def ladder() -> list[Milestone]:
    return list(Milestone.objects.order_by("supporters"))


def first_unreached(count: int, milestones: list[Milestone]) -> Milestone | None:
    return next((m for m in milestones if m.supporters > count), None)


def start_window(idea: Idea, *, now: datetime) -> None:
    """Give a freshly published (or republished) idea its next goal and deadline; milestones
    its supporters already passed stay passed."""
    target = first_unreached(idea.support_count, ladder())
    idea.next_milestone = target
    idea.deadline = now + timedelta(days=target.window_days) if target else None


def change_status(idea: Idea, *, to_status: str, actor, comment: str, now: datetime,
                  extra_fields: tuple[str, ...] = ()) -> StatusChange:
    """Move the locked ``idea`` to ``to_status``, record the history row, and after commit
    announce it, push it live and notify the creator and every supporter (in batches)."""
    from ideas.tasks import notify_status_change

    from_status = idea.status
    idea.status = to_status
    idea.status_changed_at = now
    idea.save(update_fields=["status", "status_changed_at", "deadline", "next_milestone",
                             *extra_fields])
    change = StatusChange.objects.create(
        idea=idea, from_status=from_status, to_status=to_status, actor=actor,
        comment=comment.strip(), created_at=now,
    )
    send_on_commit(
        signals.idea_status_changed, sender=Idea, idea_id=idea.pk, creator_id=idea.creator_id,
        status_change_id=change.pk, from_status=from_status, to_status=to_status,
        actor_id=actor.pk if actor else None,
    )
    enqueue_on_commit(notify_status_change, change.pk)
    push_idea_state(idea.pk)
    return change


def advance_milestones(idea: Idea, *, now: datetime) -> list[int]:
    """Apply every milestone the locked ``idea`` has reached in time: each earns the next
    window (counted from now); the last makes it achieved. Returns the milestones reached."""
    reached: list[int] = []
    milestones = None
    while (
        idea.status == "gathering_support"
        and idea.next_milestone_id
        and idea.deadline and idea.deadline > now
        and idea.support_count >= idea.next_milestone.supporters
    ):
        milestones = milestones or ladder()
        goal = idea.next_milestone.supporters
        MilestoneReached.objects.get_or_create(idea=idea, supporters=goal, defaults={"reached_at": now})
        reached.append(goal)
        following = first_unreached(goal, milestones)
        is_final = following is None
        send_on_commit(
            signals.idea_milestone_reached, sender=Idea, idea_id=idea.pk, creator_id=idea.creator_id,
            supporters=goal, is_final=is_final,
        )
        notify(
            recipient=idea.creator, kind="ideas.milestone",
            message=f'Your idea "{idea.title}" reached {goal:,} supporters.'
            + (" The brand will now review it." if is_final else ""),
            url=idea.get_absolute_url(), dedupe_key=f"ideas.milestone:{idea.pk}:{goal}",
        )
        if is_final:
            idea.next_milestone = None
            idea.deadline = None
            change_status(idea, to_status="achieved", actor=None, now=now,
                          comment=f"Reached {goal:,} supporters: the idea is now awaiting staff review.")
        else:
            idea.next_milestone = following
            idea.deadline = now + timedelta(days=following.window_days)
            idea.save(update_fields=["next_milestone", "deadline"])
    if reached:
        push_idea_state(idea.pk)
    return reached


def idea_state(idea: Idea) -> dict:
    """What live pages need to update an idea's numbers."""
    goal = idea.next_milestone.supporters if idea.next_milestone_id else None
    return {
        "idea": idea.pk,
        "support_count": idea.support_count,
        "goal": goal,
        "percent": idea.progress_percent,
        "status": idea.effective_status,
        "status_label": idea.effective_status_label,
        "days_left": idea.days_left,
    }


def bump_idea(idea_id: int) -> None:
    """After commit, make cached pages that show the idea stale: its page and the idea list
    (community.cache_versions)."""
    cache_versions.bump("idea", idea_id)
    cache_versions.bump("ideas", 0)


def push_idea_state(idea_id: int) -> None:
    """After commit, send the idea's current numbers to everyone viewing it or the list. The
    row is read after commit so concurrent supports each push the latest count."""
    bump_idea(idea_id)

    def send() -> None:
        idea = Idea.objects.select_related("next_milestone").filter(pk=idea_id).first()
        # Hidden and deleted ideas leak nothing to live pages.
        if idea is None or idea.published_at is None or idea.hidden_at is not None or idea.deleted_at:
            return
        event = {"type": "idea.update", **idea_state(idea)}
        send_now(idea_group(idea_id), event)
        send_now(LIST_GROUP, event)

    transaction.on_commit(send, robust=True)
