"""Comments on ideas, rendered with the site's shared Markdown renderer."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from community.markdown import extract_mentions, render_markdown
from community.models import User
from community.services.notifications import notify
from ideas import clock, rules
from ideas.models import Idea, IdeaComment, Status
from ideas.services._core import IdeaActionRefused, bump_idea
from ideas.services.moderation import check_member_may, screen_new_content
from moderation.services import record_activity

CLOSED_TO_COMMENTS = {Status.MERGED, Status.ARCHIVED}


def add_comment(*, author: User, idea_id: int, body: str) -> IdeaComment:
    """Add ``author``'s comment to a published idea (or, before publication, a discussion
    between its creator and staff). Guarantees: moderation's limits are checked first; the
    HTML stored is sanitized; the comment is held for approval when
    HEARTH_PREMODERATE["ideas.ideacomment"] says so and scanned for spam; the counter moves
    with the row and counts only visible comments; the creator and mentioned members are
    notified after commit, unless the comment was held or hidden as spam."""
    if not (author and author.is_authenticated and author.is_active):
        raise IdeaActionRefused("Log in to comment.")
    body = (body or "").strip()
    if not body:
        raise IdeaActionRefused("Write something before posting your comment.")
    now = clock.now()
    idea = Idea.objects.select_related("creator").filter(pk=idea_id).first()
    if idea is None or not rules.can_view(author, idea):
        raise IdeaActionRefused("That idea does not exist.")
    if idea.status in CLOSED_TO_COMMENTS:
        raise IdeaActionRefused(f"This idea is {idea.get_status_display().lower()}: comments are closed.")
    check_member_may(user=author, action="comment", text=body)
    with transaction.atomic():
        names = extract_mentions(body)
        members = {
            user.username.lower(): user
            for user in User.objects.filter(username__in=names, is_active=True)
        } if names else {}
        comment = IdeaComment.objects.create(
            idea=idea, author=author, body=body,
            body_html=render_markdown(body, mentionable=set(members)), created_at=now,
        )
        Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
        bump_idea(idea.pk)
        # Held or hidden as spam, the comment moves the count back down (hide_comment).
        screen_new_content(obj=comment, author=author, text=body)
        comment.refresh_from_db(fields=["hidden_at", "hidden_reason", "hidden_by"])
        if comment.hidden_at is not None:
            return comment
        # Trust counts the threads a member replied in (Discourse's "replied in 3 topics"): an
        # idea's comments are its thread, so only the member's first comment on it counts.
        if not IdeaComment.objects.filter(idea=idea, author=author).exclude(pk=comment.pk).exists():
            record_activity(user=author, kind="topic_replied")
        announce_comment(comment, idea=idea, mentioned=list(members.values()))
    return comment


def announce_comment(comment: IdeaComment, *, idea: Idea, mentioned: list[User] | None = None) -> None:
    """Tell the idea's creator and the members mentioned (who can see the idea) about a
    visible comment. Idempotent (one dedupe key per comment): a held comment is announced
    when it is approved, and restoring one announced before notifies no one twice."""
    author = comment.author
    if mentioned is None:
        names = extract_mentions(comment.body)
        mentioned = list(User.objects.filter(username__in=names, is_active=True)) if names else []
    url = f"{idea.get_absolute_url()}#comment-{comment.pk}"
    if idea.creator_id != author.pk:
        notify(recipient=idea.creator, kind="ideas.comment", actor=author, url=url,
               message=f'{author.name} commented on your idea "{idea.title}".',
               dedupe_key=f"ideas.comment:{comment.pk}")
    for member in mentioned:
        if member.pk in (author.pk, idea.creator_id) or not rules.can_view(member, idea):
            continue
        notify(recipient=member, kind="ideas.mention", actor=author, url=url,
               message=f'{author.name} mentioned you on the idea "{idea.title}".',
               dedupe_key=f"ideas.comment:{comment.pk}")


def recompute_comment_counts() -> int:
    from django.db.models import Count, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    actual = Coalesce(
        Subquery(
            IdeaComment.objects.visible().filter(idea=OuterRef("pk")).values("idea")
            .annotate(n=Count("id")).values("n")
        ),
        Value(0),
    )
    drifted = Idea.objects.annotate(actual=actual).exclude(comment_count=F("actual")).count()
    if drifted:
        Idea.objects.update(comment_count=actual)
    return drifted
