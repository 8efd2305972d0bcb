"""Ideas and idea comments as moderated content: what the moderation adapters call, and the
checks idea services run before a member writes.

The adapter callables (hide, restore, delete, edit) run inside moderation's transaction and
must be idempotent: each is a conditional update, so hiding hidden content or restoring
visible content changes nothing. Permissions are moderation's business, not checked here.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from community.events import send_on_commit
from community.markdown import extract_mentions, render_markdown
from community.models import User
from ideas import clock, signals
from ideas.models import Idea, IdeaComment, Status
from ideas.services._core import IdeaActionRefused, bump_idea, lock_idea, push_idea_state
from moderation.services import (
    ActionRefused,
    added_text,
    check_can_act,
    hold_for_approval,
    needs_approval,
    scan_for_spam,
)
from moderation.services.flags import HOLD_REASON


def check_member_may(*, user, action: str, text: str = "") -> None:
    """Moderation's limits (suspension, trust level, rate limits) for an idea write, raised
    as IdeaActionRefused so pages show the message like any other refusal."""
    try:
        check_can_act(user=user, action=action, text=text)
    except ActionRefused as refusal:
        raise IdeaActionRefused(refusal.message) from None


def screen_new_content(*, obj, author, text: str) -> bool:
    """After a member's idea or comment is saved (inside its transaction): hold it for
    approval when HEARTH_PREMODERATE says so, then raise spam flags. Returns whether it is
    held."""
    held = needs_approval(user=author, obj_or_model=obj)
    if held:
        hold_for_approval(obj=obj)
    scan_for_spam(user=author, text=text, obj=obj)
    return held


def check_member_may_edit(*, user, before: str, after: str) -> None:
    """Moderation's limits for a member editing their own idea text: a suspension, and the
    new members' link rule for what the edit adds (edits have no rate limit)."""
    check_member_may(user=user, action="idea_edit", text=added_text(before, after))


def screen_edited_content(*, obj, author, before: str, after: str) -> None:
    """After a member's edit is saved (inside its transaction): the spam scan a new idea
    gets, counting only what the edit added as typed."""
    scan_for_spam(user=author, text=after, obj=obj, typed=added_text(before, after))


def _render(text: str) -> str:
    names = extract_mentions(text)
    mentionable = set(
        User.objects.filter(username__in=names, is_active=True).values_list("username", flat=True)
    ) if names else set()
    return render_markdown(text, mentionable={name.lower() for name in mentionable})


# --- Ideas ----------------------------------------------------------------------------------

def _was_held(idea: Idea) -> bool:
    return idea.hidden_by_id is None and idea.hidden_reason == HOLD_REASON


def hide_idea(idea: Idea, *, reason: str, actor) -> None:
    """Hide the idea from everyone but its creator (who sees ``reason``) and community
    managers. Hiding again only replaces the reason; the time first hidden is kept."""
    changed = Idea.objects.filter(pk=idea.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_reason=reason[:300], hidden_by=actor
    )
    if not changed:
        Idea.objects.filter(pk=idea.pk).update(hidden_reason=reason[:300], hidden_by=actor)
    idea.refresh_from_db(fields=["hidden_at", "hidden_reason", "hidden_by"])
    bump_idea(idea.pk)


def restore_idea(idea: Idea, *, actor) -> None:
    """Make the idea visible again. A new idea held for approval and still in review is
    published when a community manager approves it: its first milestone's window starts now,
    as when staff approve an idea from its page."""
    from ideas.services.submission import apply_decision

    locked = lock_idea(idea.pk)
    if locked.hidden_at is None:
        return
    publish = (
        actor is not None and _was_held(locked) and locked.status == Status.IN_REVIEW
        and locked.published_at is None and locked.deleted_at is None
    )
    Idea.objects.filter(pk=idea.pk).update(hidden_at=None, hidden_reason="", hidden_by=None)
    locked.hidden_at, locked.hidden_reason, locked.hidden_by = None, "", None
    if publish:
        apply_decision(locked, actor=actor, to_status=Status.GATHERING_SUPPORT,
                       comment="Approved by a community manager.", now=clock.now())
    elif locked.published_at is not None:
        push_idea_state(locked.pk)
    if locked.deleted_at is None:
        # Visible again, or for the first time after being held: announced as on submission
        # (receivers ignore a repeat), so a held idea earns its points on approval.
        send_on_commit(signals.idea_submitted, sender=Idea, idea_id=locked.pk, creator_id=locked.creator_id)
    idea.refresh_from_db()


def soft_delete_idea(idea: Idea, *, actor) -> None:
    """Remove the idea from every page but the moderators' (the row, its supports and its
    history stay, for the audit log and for counts)."""
    Idea.objects.filter(pk=idea.pk, deleted_at__isnull=True).update(deleted_at=timezone.now())
    idea.refresh_from_db(fields=["deleted_at"])
    bump_idea(idea.pk)


def moderator_edit_idea(idea: Idea, *, data: dict, actor) -> None:
    """A community manager corrects an idea's title or description."""
    title, description = data["title"].strip(), data["description"].strip()
    Idea.objects.filter(pk=idea.pk).update(
        title=title, slug=Idea.slug_for(title), description=description,
        description_html=_render(description),
    )
    bump_idea(idea.pk)
    idea.refresh_from_db()
    if idea.published_at is not None:
        from community.deferred import enqueue_on_commit
        from ideas.tasks import embed_idea

        enqueue_on_commit(embed_idea, idea.pk)


# --- Comments -------------------------------------------------------------------------------

def _count_comment(idea_id: int, delta: int) -> None:
    if delta < 0:
        Idea.objects.filter(pk=idea_id, comment_count__gt=0).update(comment_count=F("comment_count") - 1)
    else:
        Idea.objects.filter(pk=idea_id).update(comment_count=F("comment_count") + 1)


def _shown_comment(comment: IdeaComment):
    return IdeaComment.objects.filter(pk=comment.pk, hidden_at__isnull=True, deleted_at__isnull=True)


def hide_comment(comment: IdeaComment, *, reason: str, actor) -> None:
    """Hide the comment from everyone but its author and community managers; the idea's
    public comment count drops once."""
    changed = _shown_comment(comment).update(
        hidden_at=timezone.now(), hidden_reason=reason[:300], hidden_by=actor
    )
    if changed:
        _count_comment(comment.idea_id, -1)
    else:
        IdeaComment.objects.filter(pk=comment.pk, hidden_at__isnull=False).update(
            hidden_reason=reason[:300], hidden_by=actor
        )
    comment.refresh_from_db(fields=["hidden_at", "hidden_reason", "hidden_by"])
    bump_idea(comment.idea_id)


def restore_comment(comment: IdeaComment, *, actor) -> None:
    """Show the comment again; a held comment is announced to the idea's creator and the
    members it mentions now (once: announcements are deduplicated)."""
    from ideas.services.comments import announce_comment

    changed = IdeaComment.objects.filter(
        pk=comment.pk, hidden_at__isnull=False, deleted_at__isnull=True
    ).update(hidden_at=None, hidden_reason="", hidden_by=None)
    if changed:
        _count_comment(comment.idea_id, +1)
        bump_idea(comment.idea_id)
    comment.refresh_from_db(fields=["hidden_at", "hidden_reason", "hidden_by"])
    if changed:
        idea = Idea.objects.select_related("creator").get(pk=comment.idea_id)
        if idea.hidden_at is None and idea.deleted_at is None:
            announce_comment(comment, idea=idea)


def soft_delete_comment(comment: IdeaComment, *, actor) -> None:
    """Delete the comment (the row stays for the log); the count drops if it was visible."""
    now = timezone.now()
    was_visible = _shown_comment(comment).update(deleted_at=now)
    if was_visible:
        _count_comment(comment.idea_id, -1)
    else:
        IdeaComment.objects.filter(pk=comment.pk, deleted_at__isnull=True).update(deleted_at=now)
    comment.refresh_from_db(fields=["deleted_at"])
    bump_idea(comment.idea_id)


def moderator_edit_comment(comment: IdeaComment, *, data: dict, actor) -> None:
    body = data["body"].strip()
    IdeaComment.objects.filter(pk=comment.pk).update(
        body=body, body_html=_render(body), edited_at=timezone.now()
    )
    comment.refresh_from_db(fields=["body", "body_html", "edited_at"])
    bump_idea(comment.idea_id)


__all__ = [
    "check_member_may", "check_member_may_edit", "hide_comment", "hide_idea", "moderator_edit_comment",
    "moderator_edit_idea", "restore_comment", "restore_idea", "screen_edited_content", "screen_new_content",
    "soft_delete_comment", "soft_delete_idea",
]
