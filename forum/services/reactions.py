"""Members' reactions to posts: likes, and the topic's accepted answer."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from community.deferred import enqueue_on_commit
from community.events import send_on_commit
from community.models import User
from community.realtime import send_now, send_to_group_on_commit
from forum import rules, signals
from forum.models import Like, Post, Topic
from forum.services._common import _bump_topic, _live, _record_on_commit, topic_group
from moderation.services import check_can_act


def like_post(*, user: User, post: Post) -> bool:
    """Like ``post`` as ``user``. Returns False if they already did.

    Guarantees: one like per member per post (a unique constraint, so concurrent clicks
    cannot double count); never one's own, a hidden or a deleted post; moderation's like
    limits apply (``ActionRefused``); likes given and received count for trust levels; counters move with
    F(); after commit: ``post_liked``, the new count to the topic's readers, and a
    notification to the author.
    """
    rules.check_like(user, post)
    if Like.objects.filter(post=post, user=user).exists():
        return False
    check_can_act(user=user, action="like")
    with transaction.atomic():
        try:
            with transaction.atomic():
                Like.objects.create(post=post, user=user)
        except IntegrityError:
            return False
        _record_on_commit(user, "like_given")
        _record_on_commit(post.author, "like_received")
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
        Topic.objects.filter(pk=post.topic_id).update(like_count=F("like_count") + 1)
        send_on_commit(signals.post_liked, sender=Post, post_id=post.pk, topic_id=post.topic_id,
                       author_id=post.author_id, actor_id=user.pk)
        _push_like_count(post)
        _bump_topic(post.topic_id)
        from forum import tasks

        enqueue_on_commit(tasks.notify_like, post.pk, user.pk)
    return True


def unlike_post(*, user: User, post: Post) -> bool:
    """Withdraw ``user``'s like of ``post``. Returns False if there was none. Counters drop
    exactly once however many times it is called."""
    if not user.is_authenticated:
        raise rules.PermissionDenied("Log in to like posts.")
    with transaction.atomic():
        deleted, _ = Like.objects.filter(post=post, user=user).delete()
        if not deleted:
            return False
        Post.objects.filter(pk=post.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
        if _live(post):
            Topic.objects.filter(pk=post.topic_id, like_count__gt=0).update(
                like_count=F("like_count") - 1
            )
        send_on_commit(signals.post_unliked, sender=Post, post_id=post.pk, topic_id=post.topic_id,
                       author_id=post.author_id, actor_id=user.pk)
        _push_like_count(post)
        _bump_topic(post.topic_id)
    return True


def _push_like_count(post: Post) -> None:
    """Tell the topic's readers the like count, read after commit so that concurrent likes
    each push the latest total."""

    post_id, topic_id = post.pk, post.topic_id

    def send() -> None:
        count = Post.objects.filter(pk=post_id).values_list("like_count", flat=True).first()
        if count is not None:
            send_now(topic_group(topic_id),
                     {"type": "topic.post_liked", "post_id": post_id, "like_count": count})

    # A named function, not a functools.partial: Django's robust handler logs the callback's
    # __qualname__ when it fails (the database went away), which a partial lacks.
    transaction.on_commit(send, robust=True)


def accept_answer(*, actor: User, post: Post) -> bool:
    """Mark ``post`` as the accepted answer of its topic (replacing any earlier one).
    Returns False if it already was.

    Guarantees: only the topic's author or a community manager; only a visible reply of the
    topic (not the opening post); after commit: ``answer_accepted``, a live event, and a
    notification to the answer's author.
    """
    rules.check_accept(actor, post)
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=post.topic_id)
        if topic.accepted_answer_id == post.pk:
            return False
        previous = topic.accepted_answer_id
        topic.accepted_answer = post
        topic.save(update_fields=["accepted_answer"])
        send_on_commit(signals.answer_accepted, sender=Topic, topic_id=topic.pk, post_id=post.pk,
                       answer_author_id=post.author_id, topic_author_id=topic.author_id,
                       actor_id=actor.pk, previous_post_id=previous)
        send_to_group_on_commit(
            topic_group(topic.pk), {"type": "topic.answer_changed", "post_id": post.pk}
        )
        _bump_topic(topic.pk, topic.product_id)
        from forum import tasks

        enqueue_on_commit(tasks.notify_accepted, post.pk, actor.pk)
    return True


def unaccept_answer(*, actor: User, topic: Topic) -> bool:
    """Clear the accepted answer of ``topic``. Same permission as accepting."""
    if not rules.can_accept(actor, topic):
        raise rules.PermissionDenied("Only the topic's author or a community manager can do this.")
    with transaction.atomic():
        changed = Topic.objects.filter(pk=topic.pk, accepted_answer__isnull=False).update(
            accepted_answer=None
        )
        if changed:
            send_to_group_on_commit(
                topic_group(topic.pk), {"type": "topic.answer_changed", "post_id": None}
            )
            _bump_topic(topic.pk, topic.product_id)
    return bool(changed)
