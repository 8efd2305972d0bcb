"""What the forum's services share: the topic's reader group, cache staleness after a change,
rendering text, and the announcements a post makes once it is visible."""

from __future__ import annotations

from community import cache_versions
from community.deferred import enqueue_on_commit
from community.events import send_on_commit
from community.markdown import extract_mentions, render_markdown
from community.models import User
from forum import signals
from forum.models import Post, Topic
from moderation.services import report_activity


def topic_group(topic_id: int) -> str:
    """The channel-layer group of readers of one topic."""
    return f"forum.topic.{topic_id}"


def access_group(user_id: int) -> str:
    """The channel-layer group of one member's sockets on members-only topics: told when the
    member leaves a group, so each checks again whether the topic is still open to them."""
    return f"forum.access.{user_id}"


def _bump_topic(topic_id: int, product_id: int | None = None) -> None:
    """After commit, make cached pages that show the topic stale: its own pages, the forum's
    listings and, for a question about a product, the product's page, which lists it
    (community.cache_versions)."""
    cache_versions.bump("topic", topic_id)
    cache_versions.bump("forum", 0)
    if product_id is not None:
        cache_versions.bump("product", product_id)


def render_body(body: str) -> str:
    """Markdown to sanitized HTML, linking @mentions of members who exist."""
    names = extract_mentions(body)
    mentionable: set[str] = set()
    if names:
        mentionable = {
            name.lower()
            for name in User.objects.filter(username__in=names, is_active=True).values_list(
                "username", flat=True
            )
        }
    return render_markdown(body, mentionable=mentionable)


def _live(post_or_topic) -> bool:
    return not post_or_topic.is_hidden and post_or_topic.deleted_at is None


def _announce_published(post: Post) -> None:
    """``topic_created`` (opening post) or ``post_created``, after commit: the post is now
    visible to the community. Sent again when a hidden or held post is shown: receivers
    treat a repeat as a no-op (badges' ledger keys), so a held post earns on approval."""
    if post.post_number == 1:
        send_on_commit(signals.topic_created, sender=Topic, topic_id=post.topic_id, post_id=post.pk,
                       category_id=post.topic.category_id, author_id=post.author_id)
    else:
        send_on_commit(signals.post_created, sender=Post, post_id=post.pk, topic_id=post.topic_id,
                       author_id=post.author_id, post_number=post.post_number,
                       reply_to_id=post.reply_to_id)


def _record_on_commit(user: User, kind: str, amount: int = 1) -> None:
    report_activity(user=user, amounts={kind: amount})


def _enqueue_post_notifications(post: Post) -> None:
    from forum import tasks

    if post.post_number > 1:
        enqueue_on_commit(tasks.notify_watchers, post.pk)
    if extract_mentions(post.body):
        enqueue_on_commit(tasks.notify_mentions, post.pk)
