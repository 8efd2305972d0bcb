"""Merging a duplicate idea into its original, and undoing it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from community.events import send_on_commit
from community.models import User
from ideas import clock, rules, signals
from ideas.models import Idea, Status, StatusChange, Support
from ideas.services._core import (
    IdeaActionRefused,
    advance_milestones,
    change_status,
    push_idea_state,
)


def _lock_pair(first_id: int, second_id: int) -> tuple[Idea, Idea]:
    # Lock in id order so two merges touching the same ideas cannot deadlock.
    rows = {
        idea.pk: idea
        for idea in Idea.objects.select_for_update(of=("self",)).select_related("next_milestone")
        .filter(pk__in=[first_id, second_id]).order_by("pk")
    }
    if first_id not in rows or second_id not in rows:
        raise IdeaActionRefused("That idea does not exist.")
    return rows[first_id], rows[second_id]


def merge_idea(*, actor: User, duplicate_id: int, original_id: int, comment: str = "") -> int:
    """Merge ``duplicate`` into ``original``: its supports move to the original unless the
    member already supports the original or created it (each member counts once), the
    duplicate points to the original, and its creator and supporters are told.

    Guarantees: only community managers merge; both counters change by exactly the number
    of moved rows, under both row locks; every moved row remembers where it came from, so
    ``unmerge_idea`` restores exactly. Returns how many supports moved.
    """
    if not rules.can_merge(actor):
        raise IdeaActionRefused("Only community managers can merge ideas.")
    if duplicate_id == original_id:
        raise IdeaActionRefused("An idea cannot be merged into itself.")
    now = clock.now()
    with transaction.atomic():
        duplicate, original = _lock_pair(duplicate_id, original_id)
        if duplicate.effective_status not in rules.MERGEABLE:
            raise IdeaActionRefused(
                f"An idea that is {duplicate.effective_status_label.lower()} cannot be merged."
            )
        if original.status == Status.MERGED:
            raise IdeaActionRefused("The original is itself merged: merge into the idea it points to.")
        if original.published_at is None:
            raise IdeaActionRefused("Merge into a published idea.")
        already = Support.objects.filter(idea=original).values("user_id")
        moving = Support.objects.filter(idea=duplicate).exclude(user_id__in=already).exclude(
            user_id=original.creator_id
        )
        moved = moving.update(idea=original, moved_from=duplicate)
        if moved:
            Idea.objects.filter(pk=original.pk).update(support_count=F("support_count") + moved)
            Idea.objects.filter(pk=duplicate.pk).update(support_count=F("support_count") - moved)
            original.refresh_from_db(fields=["support_count"])
            duplicate.refresh_from_db(fields=["support_count"])
        # The deadline and next milestone stay as they were, so undoing the merge restores
        # them exactly (a merged idea gathers nothing, whatever they say).
        duplicate.merged_into = original
        change_status(
            duplicate, to_status=Status.MERGED, actor=actor, now=now,
            comment=comment.strip() or f'Merged into "{original.title}": its supporters now count there.',
            extra_fields=("merged_into",),
        )
        send_on_commit(
            signals.idea_merged, sender=Idea, idea_id=duplicate.pk, original_id=original.pk,
            actor_id=actor.pk, moved_supports=moved, undone=False,
        )
        if original.status == Status.GATHERING_SUPPORT and not advance_milestones(original, now=now):
            push_idea_state(original.pk)
    return moved


def unmerge_idea(*, actor: User, duplicate_id: int, comment: str = "") -> int:
    """Undo a merge: the supports that moved go back (those whose members withdrew meanwhile
    stay withdrawn), and the duplicate returns to the status it had before the merge.
    Returns how many supports moved back."""
    if not rules.can_merge(actor):
        raise IdeaActionRefused("Only community managers can undo a merge.")
    now = clock.now()
    with transaction.atomic():
        probe = Idea.objects.filter(pk=duplicate_id).values_list("merged_into_id", flat=True).first()
        if probe is None:
            raise IdeaActionRefused("This idea is not merged.")
        duplicate, original = _lock_pair(duplicate_id, probe)
        if duplicate.merged_into_id != original.pk:
            raise IdeaActionRefused("This idea changed meanwhile; reload and try again.")
        merge = (
            StatusChange.objects.filter(idea=duplicate, to_status=Status.MERGED)
            .order_by("-created_at", "-pk").first()
        )
        previous = merge.from_status if merge else Status.GATHERING_SUPPORT
        moved = Support.objects.filter(idea=original, moved_from=duplicate).update(
            idea=duplicate, moved_from=None
        )
        if moved:
            Idea.objects.filter(pk=original.pk).update(support_count=F("support_count") - moved)
            Idea.objects.filter(pk=duplicate.pk).update(support_count=F("support_count") + moved)
            duplicate.refresh_from_db(fields=["support_count"])
        duplicate.merged_into = None
        change_status(
            duplicate, to_status=previous, actor=actor, now=now,
            comment=comment.strip() or f'No longer merged into "{original.title}".',
            extra_fields=("merged_into",),
        )
        send_on_commit(
            signals.idea_merged, sender=Idea, idea_id=duplicate.pk, original_id=original.pk,
            actor_id=actor.pk, moved_supports=moved, undone=True,
        )
        push_idea_state(original.pk)
    return moved
