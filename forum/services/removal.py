"""Taking posts out of view: soft deletion, and hiding and showing again.

Rare operations that can change many counters at once rebuild the topic's and category's
counters from source rows instead of adjusting them, so they cannot drift."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from community.events import send_on_commit
from community.models import User
from community.realtime import send_to_group_on_commit
from forum import rules, signals
from forum.counters import recompute_category, recompute_topic
from forum.models import Post, Topic
from forum.services._common import _announce_published, _bump_topic, _enqueue_post_notifications, topic_group


def delete_post(*, actor: User, post: Post) -> Post:
    """Soft-delete ``post``: its body is never shown again, a placeholder keeps its place so
    replies that quote it still make sense. Deleting the opening post deletes the topic.

    Guarantees: only the author or a community manager deletes; deleting twice changes
    nothing; an accepted answer that is deleted stops being the answer; topic and category
    counters are rebuilt from source rows; after commit: ``post_deleted`` and a live refresh.
    """
    rules.check_delete(actor, post)
    return apply_soft_delete(actor=actor, post=post)


def apply_soft_delete(*, actor: User, post: Post) -> Post:
    """The write behind ``delete_post`` (no permission check: callers have done it; the
    moderation queue uses it). Idempotent."""
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=post.topic_id)
        current = Post.objects.select_for_update().get(pk=post.pk)
        if current.deleted_at is not None:
            return current
        now = timezone.now()
        current.deleted_at = now
        current.deleted_by = actor
        current.save(update_fields=["deleted_at", "deleted_by"])
        if current.post_number == 1:
            topic.deleted_at = now
            topic.save(update_fields=["deleted_at"])
        if topic.accepted_answer_id == current.pk:
            Topic.objects.filter(pk=topic.pk).update(accepted_answer=None)
        recompute_topic(topic.pk)
        recompute_category(topic.category_id)
        send_on_commit(signals.post_deleted, sender=Post, post_id=current.pk, topic_id=topic.pk,
                       author_id=current.author_id, actor_id=actor.pk if actor else None,
                       was_first_post=current.post_number == 1)
        send_to_group_on_commit(
            topic_group(topic.pk), {"type": "topic.post_changed", "post_id": current.pk}
        )
        _bump_topic(topic.pk, topic.product_id)
    return current


def apply_hidden(*, post: Post, hidden: bool, reason: str = "") -> Post:
    """Hide or show ``post`` (and its topic, for the opening post), without a permission
    check: ``hide_post``/``unhide_post`` check, and the moderation app calls this for
    automatic hides and holds (no actor) and for its queue. Idempotent, except that hiding a
    hidden post again replaces the reason its author reads (a manager's decision replaces
    "pending review"). Showing a post again sends the notifications a held post never sent
    (each carries a dedupe key, so nobody is told twice). The ``post`` passed in is updated
    too: moderation reads it again (``is_hidden``) in the same transaction."""
    current = _write_hidden(post=post, hidden=hidden, reason=reason)
    post.is_hidden, post.hidden_reason = current.is_hidden, current.hidden_reason
    return current


def _write_hidden(*, post: Post, hidden: bool, reason: str) -> Post:
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=post.topic_id)
        current = Post.objects.select_for_update().get(pk=post.pk)
        if current.is_hidden == hidden:
            if hidden and reason and current.hidden_reason != reason[:200]:
                current.hidden_reason = reason[:200]
                current.save(update_fields=["hidden_reason"])
            return current
        current.is_hidden = hidden
        current.hidden_reason = reason[:200] if hidden else ""
        current.save(update_fields=["is_hidden", "hidden_reason"])
        if not hidden and current.deleted_at is None:
            _enqueue_post_notifications(current)
            current.topic = topic
            _announce_published(current)
        if current.post_number == 1:
            topic.is_hidden = hidden
            topic.save(update_fields=["is_hidden"])
        recompute_topic(topic.pk)
        recompute_category(topic.category_id)
        send_to_group_on_commit(
            topic_group(topic.pk), {"type": "topic.post_changed", "post_id": current.pk}
        )
        _bump_topic(topic.pk, topic.product_id)
        if not hidden and current.post_number == topic.last_post_number:
            # An approved reply arrives for readers who never had it, as a new reply does.
            send_to_group_on_commit(topic_group(topic.pk), {
                "type": "topic.post_created", "post_id": current.pk, "post_number": current.post_number})
    return current


def hide_post(*, actor: User, post: Post, reason: str) -> Post:
    """Hide ``post`` from everyone but community managers and its author (who sees why).
    Hiding the opening post hides the topic. Community managers only; the moderation app
    drives this from flags."""
    rules.check_moderate(actor)
    return apply_hidden(post=post, hidden=True, reason=reason)


def unhide_post(*, actor: User, post: Post) -> Post:
    """Show a hidden post again. Community managers only."""
    rules.check_moderate(actor)
    return apply_hidden(post=post, hidden=False)
