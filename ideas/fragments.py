"""Cached idea comments for the idea page (see ``community.fragments``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from community import fragments
from ideas.models import IdeaComment

CONTENT_TEMPLATE = "ideas/includes/comment_content.html"


def _cacheable(comment: IdeaComment) -> bool:
    # A hidden comment carries a notice that depends on who reads it (its author or a
    # community manager): rendered in full on every request, never stored.
    return comment.hidden_at is None and comment.deleted_at is None


def _parts(comment: IdeaComment) -> tuple:
    return (comment.pk, comment.created_at, comment.edited_at, comment.body_html,
            *fragments.member_parts(comment.author))


def _render(comment: IdeaComment) -> tuple[str]:
    # The comment shows its date, not a relative time: one piece.
    return (render_to_string(CONTENT_TEMPLATE, {"comment": comment}),)


def attach_comment_fragments(comments: list[IdeaComment]) -> None:
    """Give each comment every reader sees alike its cached ``cached_html`` (one cache trip)."""
    fragments.attach(comments, kind="idea-comment", parts=_parts, render=_render, cacheable=_cacheable)
