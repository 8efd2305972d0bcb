"""Submitting, revising and resubmitting ideas, and staff decisions on them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction

from community.deferred import enqueue_on_commit
from community.events import send_on_commit
from community.images import reencode_within
from community.markdown import render_markdown
from community.models import ProductCategory, ProductPage, User
from ideas import clock, rules, signals
from ideas.models import Idea, IdeaImage, Status
from ideas.services._core import IdeaActionRefused, change_status, lock_idea, start_window
from ideas.services.moderation import (
    check_member_may,
    check_member_may_edit,
    screen_edited_content,
    screen_new_content,
)

MAX_IMAGES = 5


def _render(text: str) -> str:
    from community.markdown import extract_mentions

    names = extract_mentions(text)
    mentionable = set(
        User.objects.filter(username__in=names, is_active=True).values_list("username", flat=True)
    ) if names else set()
    return render_markdown(text, mentionable={name.lower() for name in mentionable})


def _store_images(idea: Idea, images: list, *, start: int = 0) -> None:
    for position, image in enumerate(images, start=start):
        IdeaImage.objects.create(
            idea=idea,
            position=position,
            image=reencode_within(
                image, max_side=settings.HEARTH_IDEAS_IMAGE_MAX_SIDE, name=f"{uuid.uuid4().hex[:12]}"
            ),
        )


def _delete_files_on_commit(names: list[str]) -> None:
    storage = IdeaImage._meta.get_field("image").storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete, robust=True)


def submit_idea(*, creator: User, title: str, description: str, category: ProductCategory | None = None,
                product: ProductPage | None = None, images: list | None = None) -> Idea:
    """Create an idea in review. ``images`` are decoded, validated PIL images
    (community.images.open_validated_image); each is re-encoded before it is stored.

    Guarantees: moderation's limits are checked first (IdeaActionRefused says why and when
    the member may submit again); at most five images; the idea is held for approval when
    HEARTH_PREMODERATE["ideas.idea"] says so and scanned for spam; nothing is announced
    (idea_submitted) unless the idea and its images commit together.
    """
    if not creator.is_authenticated or not creator.is_active:
        raise IdeaActionRefused("Log in to submit an idea.")
    images = images or []
    if len(images) > MAX_IMAGES:
        raise IdeaActionRefused(f"An idea can have at most {MAX_IMAGES} images.")
    if product is not None and category is None:
        category = product.category
    check_member_may(user=creator, action="idea", text=f"{title}\n{description}")
    now = clock.now()
    with transaction.atomic():
        idea = Idea.objects.create(
            creator=creator, title=title.strip(), slug=Idea.slug_for(title),
            description=description.strip(), description_html=_render(description),
            category=category, product=product, status=Status.IN_REVIEW,
            created_at=now, status_changed_at=now,
        )
        idea.status_changes.create(from_status="", to_status=Status.IN_REVIEW, actor=creator, created_at=now)
        _store_images(idea, images)
        held = screen_new_content(obj=idea, author=creator, text=f"{idea.title}\n{idea.description}")
        if not held:  # a held idea is announced when a community manager approves it
            send_on_commit(signals.idea_submitted, sender=Idea, idea_id=idea.pk, creator_id=creator.pk)
    idea.refresh_from_db(fields=["hidden_at", "hidden_reason", "hidden_by"])
    return idea


def revise_idea(*, user: User, idea_id: int, title: str, description: str,
                category: ProductCategory | None = None, product: ProductPage | None = None,
                images: list | None = None, remove_image_ids: list[int] | None = None) -> Idea:
    """The creator edits an idea that is in review or needs work; an idea that needed work
    goes back to review. Guarantees the image limit counts kept and new images together, and
    the edit meets moderation's checks (suspension, new members' links in what it adds) and
    the spam scan, as a new idea does."""
    now = clock.now()
    with transaction.atomic():
        idea = lock_idea(idea_id)
        if idea.creator_id != user.pk:
            raise IdeaActionRefused("Only the member who submitted this idea can edit it.")
        if idea.status not in (Status.IN_REVIEW, Status.NEEDS_WORK):
            raise IdeaActionRefused("This idea can no longer be edited.")
        before, after = f"{idea.title}\n{idea.description}", f"{title.strip()}\n{description.strip()}"
        check_member_may_edit(user=user, before=before, after=after)
        removed = idea.images.filter(pk__in=remove_image_ids or [])
        _delete_files_on_commit([image.image.name for image in removed])
        removed.delete()
        kept = idea.images.count()
        images = images or []
        if kept + len(images) > MAX_IMAGES:
            raise IdeaActionRefused(
                f"An idea can have at most {MAX_IMAGES} images: remove some before adding more."
            )
        if product is not None and category is None:
            category = product.category
        idea.title = title.strip()
        idea.slug = Idea.slug_for(title)
        idea.description = description.strip()
        idea.description_html = _render(description)
        idea.category = category
        idea.product = product
        idea.save(update_fields=["title", "slug", "description", "description_html", "category", "product"])
        _store_images(idea, images, start=kept)
        screen_edited_content(obj=idea, author=user, before=before, after=after)
        if idea.status == Status.NEEDS_WORK:
            change_status(idea, to_status=Status.IN_REVIEW, actor=user, now=now,
                          comment="Revised and resubmitted for review.")
            send_on_commit(signals.idea_submitted, sender=Idea, idea_id=idea.pk, creator_id=user.pk)
    return idea


def resubmit_expired_idea(*, user: User, idea_id: int) -> Idea:
    """The creator sends an expired idea back to review, once. It keeps its supporters and
    its history; when staff approve it again it gets a fresh window for its next milestone."""
    now = clock.now()
    with transaction.atomic():
        idea = lock_idea(idea_id)
        if idea.creator_id != user.pk:
            raise IdeaActionRefused("Only the member who submitted this idea can resubmit it.")
        if idea.effective_status != Status.EXPIRED:
            raise IdeaActionRefused("Only an expired idea can be resubmitted.")
        if idea.resubmission_count >= 1:
            raise IdeaActionRefused("This idea has already been resubmitted once.")
        if idea.status == Status.GATHERING_SUPPORT:
            # The periodic job has not recorded the expiry yet: record it first, so the
            # history says what happened.
            _expire(idea, now=now)
        idea.resubmission_count += 1
        idea.deadline = None
        change_status(idea, to_status=Status.IN_REVIEW, actor=user, now=now,
                      comment="Resubmitted after expiring.", extra_fields=("resubmission_count",))
        send_on_commit(signals.idea_submitted, sender=Idea, idea_id=idea.pk, creator_id=user.pk)
    return idea


def decide_idea(*, actor: User, idea_id: int, to_status: str, comment: str = "") -> Idea:
    """A staff decision: approve or send back a submission, or decide an achieved idea's fate.

    Guarantees: only community managers and brand staff decide; only the transitions in
    ideas.rules.STAFF_TRANSITIONS happen; every decision but approval carries a public
    comment; publishing sets the first milestone's deadline; the creator and all supporters
    are notified after commit.
    """
    now = clock.now()
    if not rules.can_review(actor):
        raise IdeaActionRefused("Only community managers and brand staff can change an idea's status.")
    comment = (comment or "").strip()
    with transaction.atomic():
        idea = lock_idea(idea_id)
        current = idea.effective_status
        if current == Status.EXPIRED and idea.status == Status.GATHERING_SUPPORT:
            _expire(idea, now=now)
        if to_status not in rules.STAFF_TRANSITIONS.get(current, ()):
            label = Status(to_status).label if to_status in Status.values else to_status
            raise IdeaActionRefused(
                f"An idea that is {Status(current).label.lower()} cannot be moved to {label.lower()}."
            )
        if not comment and to_status not in rules.COMMENT_OPTIONAL:
            raise IdeaActionRefused("Write a comment explaining this decision to the community.")
        if idea.hidden_at is not None or idea.deleted_at is not None:
            raise IdeaActionRefused(
                "This idea is hidden by moderation: approve or restore it from the moderation queue first."
            )
        apply_decision(idea, actor=actor, to_status=to_status, comment=comment, now=now)
    return idea


def apply_decision(idea: Idea, *, actor: User, to_status: str, comment: str, now) -> None:
    """Move the locked ``idea`` to ``to_status`` (already checked). Publishing starts the
    first milestone's window, announces ``idea_published`` and stores the embedding."""
    extra: tuple[str, ...] = ()
    if to_status == Status.GATHERING_SUPPORT:
        if idea.published_at is None:
            idea.published_at = now
            extra = ("published_at",)
        start_window(idea, now=now)
        if idea.next_milestone is None:
            to_status = Status.ACHIEVED
    else:
        idea.deadline = None
        idea.next_milestone = None
    change_status(idea, to_status=to_status, actor=actor, comment=comment, now=now, extra_fields=extra)
    if to_status == Status.GATHERING_SUPPORT:
        send_on_commit(signals.idea_published, sender=Idea, idea_id=idea.pk, creator_id=idea.creator_id,
                       actor_id=actor.pk)
        from ideas.tasks import embed_idea

        enqueue_on_commit(embed_idea, idea.pk)


def _expire(idea: Idea, *, now) -> None:
    goal = idea.next_milestone.supporters if idea.next_milestone_id else 0
    idea.deadline = None
    idea.next_milestone = None
    change_status(
        idea, to_status=Status.EXPIRED, actor=None, now=now,
        comment=f"The deadline passed with {idea.support_count:,} of the {goal:,} supporters needed.",
    )
