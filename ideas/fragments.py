"""Cached parts of the idea pages: the cards of the idea list and an idea's comments
(content-addressed, see ``community.fragments``), and the head, body and side of an idea's
page every reader sees alike (keyed by the idea's version, ``community.cache_versions``)."""

from __future__ import annotations

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from community import cache_versions, fragments
from ideas import selectors
from ideas.models import Idea, IdeaComment

CONTENT_TEMPLATE = "ideas/includes/comment_content.html"
CARD_TEMPLATE = "ideas/includes/idea_card_content.html"


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


# --- The cards of the idea list --------------------------------------------------------

def _card_cacheable(idea: Idea) -> bool:
    # Hidden ideas are listed only to community managers and their creators, marked: they
    # are rendered in full, as hidden content is everywhere else.
    return idea.hidden_at is None and idea.deleted_at is None


def _card_parts(idea: Idea) -> tuple:
    """Everything a card shows: the deadline's days and the status follow the clock, so they
    are part of the key, and a card is never shown past the day it was rendered for."""
    images = idea.images.all()
    milestone = idea.next_milestone.supporters if idea.next_milestone_id else None
    return (idea.pk, idea.slug, idea.title, idea.effective_status,
            idea.category.name if idea.category else None, idea.creator.name,
            idea.comment_count, idea.support_count, milestone,
            idea.days_left, idea.deadline, timezone.get_current_timezone_name(),
            images[0].image.url if images else None)


def _render_card(idea: Idea) -> tuple[str]:
    return (render_to_string(CARD_TEMPLATE, {"idea": idea}),)


def attach_card_fragments(ideas: list[Idea]) -> None:
    """Give each card every reader sees alike its cached ``card_html`` (one cache trip for the
    page). Whether the reader supports the idea is added around it (``idea_card.html``): the
    list's cards were rendered for every reader, 20 includes of includes, most of a signed-in
    list page's time."""
    fragments.attach(ideas, kind="idea-card", parts=_card_parts, render=_render_card,
                     cacheable=_card_cacheable, attr="card_html")


# --- The parts of an idea's page every reader sees alike --------------------------------

# The head (title, status, proposer, product), the body (description, images, merged
# duplicates, status history) and the side (milestone timeline, recent supporters). What
# differs per reader (the support box, flag buttons, moderation notices, the creator's and
# staff's panels, comments' controls and the comment form) is rendered around them on every
# request. Hidden, deleted and unpublished ideas are never cached: their notices depend on
# the reader.
PAGE_PARTS = {
    "head": "ideas/includes/detail_head.html",
    "body": "ideas/includes/detail_body.html",
    "side": "ideas/includes/detail_side.html",
}
# The idea's version (bumped after every change to it, its supports, status, comments and
# merges) and the members' (a name, an avatar or a hidden profile) keep the parts current;
# this bounds what no version follows: a role label, a renamed product (as the anonymous
# page cache's MAX_AGE does).
PAGE_PARTS_TIMEOUT = 60


def _page_cacheable(idea: Idea) -> bool:
    return idea.is_public and idea.hidden_at is None and idea.deleted_at is None


def _page_key(idea: Idea, version: tuple) -> tuple:
    # The version and the row's own state: a change whose version bump has not run (a write
    # in a transaction not yet committed, as in tests) still makes a new key.
    creator = idea.creator
    return (idea.pk, version, idea.title, idea.description_html, idea.status, idea.effective_status,
            idea.status_changed_at, idea.published_at, idea.deadline, idea.next_milestone_id,
            idea.support_count, idea.merged_into_id, idea.resubmission_count,
            idea.product_id,
            idea.category.name if idea.category else None,
            creator.pk, creator.username, creator.name, str(creator.public_avatar or ""))


def _render_page_parts(idea: Idea) -> dict[str, str]:
    selectors.load_page_parts(idea)
    context = {
        "idea": idea,
        "supporters": selectors.recent_supporters(idea=idea),
        "timeline": selectors.timeline(idea=idea, ladder=selectors.milestone_ladder()),
    }
    return {name: render_to_string(template, context) for name, template in PAGE_PARTS.items()}


def idea_page_parts(idea: Idea) -> dict[str, SafeString]:
    """The head, body and side of ``idea``'s page as every reader sees them: from the cache
    (one round trip for the versions, one for the parts) or rendered and stored."""
    if not _page_cacheable(idea):
        return _safe(_render_page_parts(idea))
    versions = cache_versions.versions_of([("idea", idea.pk), cache_versions.MEMBERS])
    if None in versions.values():  # the cache is unreachable: nothing is stored
        return _safe(_render_page_parts(idea))
    key = fragments.fragment_key("idea-page", _page_key(idea, tuple(versions.values())))
    parts = cache.get(key)
    if not isinstance(parts, dict) or parts.keys() != PAGE_PARTS.keys():
        parts = _render_page_parts(idea)
        cache.set(key, parts, PAGE_PARTS_TIMEOUT)
    return _safe(parts)


def _safe(parts: dict[str, str]) -> dict[str, SafeString]:
    # Rendered by our autoescaping templates (above, now or when stored).
    return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308
