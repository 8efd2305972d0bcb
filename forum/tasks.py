"""Thin Celery tasks for forum notifications: fetch by id, notify, and stay idempotent (every
notification carries a dedupe_key, so a task that runs twice notifies once)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from community.markdown import extract_mentions
from community.models import User
from community.services.notifications import notify
from forum.models import Post
from forum.visibility import readers_q

WATCHER_BATCH = getattr(settings, "HEARTH_FORUM_NOTIFY_BATCH", 200)


def _readable_post(post_id: int) -> Post | None:
    """The post, if it may still be read (not hidden or deleted, nor its topic). In a
    members-only category only its readers are told (``_may_read``, ``readers_q``)."""
    return Post.objects.live().select_related("topic__category", "author").filter(pk=post_id).first()


def _may_read(post: Post, member: User) -> bool:
    if post.topic.category.members_group_id is None:
        return True
    return User.objects.filter(readers_q(post.topic.category), pk=member.pk).exists()


@shared_task(acks_late=True)
def notify_watchers(post_id: int, after_user_id: int = 0) -> int:
    """Notify the topic's watchers of a new reply, in batches: each run handles one batch
    and enqueues the next, so a topic with thousands of watchers never holds one worker for
    long. Members mentioned in the post get the mention instead."""
    post = _readable_post(post_id)
    if post is None:
        return 0
    mentioned = set(extract_mentions(post.body))
    watchers = list(
        User.objects.filter(
            pk__gt=after_user_id,
            is_active=True,
            forum_subscriptions__topic_id=post.topic_id,
            forum_subscriptions__is_watching=True,
        )
        .filter(readers_q(post.topic.category))
        .exclude(pk=post.author_id)
        .order_by("pk")[:WATCHER_BATCH]
    )
    message = f"{post.author.name} replied in “{post.topic.title}”"
    sent = 0
    for watcher in watchers:
        if watcher.username.lower() in mentioned:
            continue
        if notify(recipient=watcher, kind="forum.reply", message=message, url=post.get_absolute_url(),
                  actor=post.author, dedupe_key=f"forum.reply:{post.pk}"):
            sent += 1
    if len(watchers) == WATCHER_BATCH:
        notify_watchers.delay(post_id, watchers[-1].pk)
    return sent


@shared_task(acks_late=True)
def notify_mentions(post_id: int) -> int:
    """Notify the members @mentioned in a post (not its author). Also runs after an edit:
    members already told about this post are not told again."""
    post = _readable_post(post_id)
    if post is None:
        return 0
    names = extract_mentions(post.body)
    if not names:
        return 0
    sent = 0
    message = f"{post.author.name} mentioned you in “{post.topic.title}”"
    members = (User.objects.filter(username__in=names, is_active=True).filter(readers_q(post.topic.category))
               .exclude(pk=post.author_id))
    for member in members:
        if notify(recipient=member, kind="forum.mention", message=message, url=post.get_absolute_url(),
                  actor=post.author, dedupe_key=f"forum.mention:{post.pk}"):
            sent += 1
    return sent


@shared_task(acks_late=True)
def notify_like(post_id: int, liker_id: int) -> bool:
    post = _readable_post(post_id)
    liker = User.objects.filter(pk=liker_id).first()
    if post is None or liker is None or not post.likes.filter(user_id=liker_id).exists():
        return False
    if not _may_read(post, post.author):  # the author left the category's group since
        return False
    return bool(notify(
        recipient=post.author, kind="forum.like",
        message=f"{liker.name} liked your post in “{post.topic.title}”",
        url=post.get_absolute_url(), actor=liker, dedupe_key=f"forum.like:{post.pk}:{liker_id}",
    ))


@shared_task(acks_late=True)
def notify_accepted(post_id: int, actor_id: int) -> bool:
    post = _readable_post(post_id)
    if post is None or post.topic.accepted_answer_id != post.pk or post.author_id == actor_id:
        return False
    if not _may_read(post, post.author):
        return False
    actor = User.objects.filter(pk=actor_id).first()
    return bool(notify(
        recipient=post.author, kind="forum.accepted",
        message=f"Your reply was accepted as the answer to “{post.topic.title}”",
        url=post.get_absolute_url(), actor=actor, dedupe_key=f"forum.accepted:{post.pk}",
    ))
