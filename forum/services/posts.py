"""Writing posts: opening a topic, replying, editing."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from community import cache_versions
from community.deferred import enqueue_on_commit
from community.events import send_on_commit
from community.markdown import extract_mentions
from community.models import ProductPage, User
from community.realtime import send_to_group_on_commit
from forum import rules, signals
from forum.models import Category, Post, PostRevision, Topic, TopicSubscription
from forum.services._common import (
    _announce_published,
    _bump_topic,
    _enqueue_post_notifications,
    _live,
    _record_on_commit,
    render_body,
    topic_group,
)
from moderation.services import added_text, check_can_act, hold_for_approval, needs_approval, scan_for_spam


def _watch_automatically(*, user: User, topic_id: int) -> None:
    # ignore_conflicts keeps an explicit "stop watching" (is_watching=False) as it is.
    TopicSubscription.objects.bulk_create(
        [TopicSubscription(topic_id=topic_id, user=user, is_watching=True)], ignore_conflicts=True
    )


def start_topic(
    *, author: User, category: Category, title: str, body: str, client_token: uuid.UUID | None = None,
    product: ProductPage | None = None,
) -> Topic:
    """Open a topic in ``category`` with its first post.

    Guarantees: only members allowed in the category start topics (restricted categories:
    community managers and brand staff); title and body are validated; moderation's limits
    apply (``ActionRefused``: suspension, first-day caps, links below TL1, rate limits); a
    resubmitted form (same ``client_token``) returns the topic it already created; a new
    member's topic is held for approval when HEARTH_PREMODERATE["forum.topic"] says so, and
    the text is scanned for spam; the author watches the topic; ``topic_created`` is sent
    after commit. ``product`` (optional) makes it a question about a live, public product
    (``ValidationError`` code ``product`` otherwise); the product's page goes stale with it.
    """
    rules.check_start_topic(author, category)
    title = rules.clean_title(title)
    body = rules.clean_body(body)
    rules.check_product(product)
    if client_token is not None:
        existing = _post_by_token(author=author, client_token=client_token)
        if existing is not None:
            return existing.topic
    check_can_act(user=author, action="topic", text=f"{title}\n{body}")
    body_html = render_body(body)
    try:
        with transaction.atomic():
            now = timezone.now()
            topic = Topic.objects.create(
                category=category, author=author, title=title, created_at=now,
                last_post_at=now, last_post_author=author, last_post_number=1,
                product=product,
            )
            post = Post.objects.create(
                topic=topic, author=author, post_number=1, body=body, body_html=body_html,
                created_at=now, client_token=client_token,
            )
            Category.objects.filter(pk=category.pk).update(
                topic_count=F("topic_count") + 1, post_count=F("post_count") + 1
            )
            _watch_automatically(user=author, topic_id=topic.pk)
            _bump_topic(topic.pk, topic.product_id)
            _enqueue_post_notifications(post)
            held = _moderate_new_post(post=post, author=author, text=f"{title}\n{body}", kind=Topic)
            if not held:
                _announce_published(post)
    except IntegrityError:
        existing = _post_by_token(author=author, client_token=client_token) if client_token else None
        if existing is None:
            raise
        return existing.topic
    return topic


def _post_by_token(*, author: User, client_token: uuid.UUID) -> Post | None:
    return (
        Post.objects.select_related("topic")
        .filter(author=author, client_token=client_token)
        .first()
    )


def post_reply(
    *,
    author: User,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    client_token: uuid.UUID | None = None,
) -> Post:
    """Add a reply to ``topic`` (optionally quoting ``reply_to``).

    Guarantees: refused on a locked topic (except for community managers), on a topic the
    author may not see, and for empty or too long text; one post per ``client_token`` however
    often the form is submitted; post numbers are gap-free and unique per topic (assigned
    under a lock on the topic row); counters move with F(); the author watches the topic;
    after commit: ``post_created``, a live event to the topic's readers, notifications to
    watchers and mentioned members (in a task). Moderation's limits apply before writing
    (``ActionRefused``); a new member's reply is held for approval when
    HEARTH_PREMODERATE["forum.post"] says so; the text is scanned for spam; the first reply
    of a member in a topic counts towards their trust level.
    """
    rules.check_reply(author, topic)
    body = rules.clean_body(body)
    if reply_to is not None and (
        reply_to.topic_id != topic.pk or reply_to.is_deleted or not rules.can_see_post(author, reply_to)
    ):
        raise rules.ValidationError("You can only quote a post of this topic.", code="reply_to")
    if client_token is not None:
        existing = _post_by_token(author=author, client_token=client_token)
        if existing is not None:
            return existing
    check_can_act(user=author, action="reply", text=body)
    body_html = render_body(body)
    try:
        with transaction.atomic():
            locked = Topic.objects.select_for_update().get(pk=topic.pk)
            if client_token is not None:
                # Checked under the lock: a concurrent submit of the same form waits here and
                # then finds the post the first one created.
                existing = _post_by_token(author=author, client_token=client_token)
                if existing is not None:
                    return existing
            rules.check_reply(author, locked)
            first_reply_here = not Post.objects.filter(topic=locked, author=author).exists()
            number = locked.last_post_number + 1
            post = Post.objects.create(
                topic=locked, author=author, post_number=number, reply_to=reply_to, body=body,
                body_html=body_html, created_at=timezone.now(), client_token=client_token,
            )
            Topic.objects.filter(pk=locked.pk).update(
                last_post_number=number,
                reply_count=F("reply_count") + 1,
                last_post_at=post.created_at,
                last_post_author=author,
            )
            if _live(locked):
                Category.objects.filter(pk=locked.category_id).update(post_count=F("post_count") + 1)
            _watch_automatically(user=author, topic_id=locked.pk)
            _bump_topic(locked.pk, locked.product_id)
            send_to_group_on_commit(
                topic_group(locked.pk),
                {"type": "topic.post_created", "post_id": post.pk, "post_number": number},
            )
            _enqueue_post_notifications(post)
            if not _moderate_new_post(post=post, author=author, text=body, kind=Post):
                _announce_published(post)
            if first_reply_here:
                _record_on_commit(author, "topic_replied")
    except IntegrityError:
        existing = _post_by_token(author=author, client_token=client_token) if client_token else None
        if existing is None:
            raise
        return existing
    return post


def _moderate_new_post(*, post: Post, author: User, text: str, kind: type) -> bool:
    """Hold a new member's post for approval (its notifications and ``topic_created`` /
    ``post_created`` go out when it is approved) and let the spam scanner flag it. Inside the
    writing transaction, so a held post is never visible, not even for a moment. Returns
    whether the post is held."""
    held = needs_approval(user=author, obj_or_model=kind)
    if held:
        hold_for_approval(obj=post)
    scan_for_spam(user=author, text=text, obj=post)
    return held


# ``product`` left out of an edit: the topic keeps the product it is about.
UNCHANGED = object()


def edit_post(*, editor: User, post: Post, body: str, title: str | None = None,
              product: ProductPage | None | object = UNCHANGED) -> Post:
    """Replace the text of ``post`` (and the topic's title and the product it is about, or
    None for none, when editing the opening post; a product must be live and public).

    Guarantees: only the author or a community manager edits, never a deleted post; an
    author's edit meets moderation's checks for what it adds (suspension, new members' links:
    ActionRefused) and the spam scan, as a new post does; the earlier text is kept as a
    numbered PostRevision (the visible edit history); an unchanged text records nothing;
    members newly mentioned are notified; after commit: ``post_edited`` and a live refresh of
    the post for the topic's readers.
    """
    rules.check_edit(editor, post)
    body = rules.clean_body(body)
    title = rules.clean_title(title) if title is not None and post.post_number == 1 else None
    if post.post_number != 1:
        product = UNCHANGED
    elif product is not UNCHANGED:
        rules.check_product(product)
    if editor.pk == post.author_id:
        added = added_text(_scanned_text(post, body=post.body), _scanned_text(post, body=body, title=title))
        check_can_act(user=editor, action="post_edit", text=added)
    return apply_edit(editor=editor, post=post, body=body, title=title, check=True, product=product)


def _scanned_text(post: Post, *, body: str, title: str | None = None) -> str:
    """What moderation reads of a post: an opening post comes with its topic's title."""
    if post.post_number == 1:
        return f"{title if title is not None else post.topic.title}\n{body}"
    return body


def apply_edit(*, editor: User, post: Post, body: str, title: str | None, check: bool = False,
               product: ProductPage | None | object = UNCHANGED) -> Post:
    """The write behind ``edit_post``, also used by the moderation queue (which has checked
    the editor already): the earlier text becomes a PostRevision, so a moderator's edit shows
    in the post's history like any other."""
    body = rules.clean_body(body)
    body_html = render_body(body)
    with transaction.atomic():
        current = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
        if check:
            rules.check_edit(editor, current)
        if current.deleted_at is not None:
            return current
        title_changed = title is not None and title != current.topic.title
        previous_product_id = current.topic.product_id
        product_changed = (product is not UNCHANGED and current.post_number == 1
                           and getattr(product, "pk", None) != previous_product_id)
        if current.body == body and not title_changed and not product_changed:
            return current
        before = _scanned_text(current, body=current.body)
        now = timezone.now()
        revision_number = current.edit_count + 1
        if current.body != body:
            PostRevision.objects.create(
                post=current, number=revision_number, body=current.body, editor=editor, replaced_at=now
            )
            current.body = body
            current.body_html = body_html
            current.edit_count = revision_number
            current.edited_at = now
            # save() (not update()) so the search index picks up the new text.
            current.save(update_fields=["body", "body_html", "edit_count", "edited_at"])
        if title_changed:
            current.topic.title = title
            current.topic.save(update_fields=["title"])
        if product_changed:
            current.topic.product = product
            current.topic.save(update_fields=["product"])
            if previous_product_id is not None:
                # The product it was about no longer lists it.
                cache_versions.bump("product", previous_product_id)
        if editor.pk == current.author_id:
            # A moderator's edit is not the author's writing: only the author's is scanned.
            after = _scanned_text(current, body=current.body)
            scan_for_spam(user=editor, text=after, obj=current, typed=added_text(before, after))
        send_on_commit(signals.post_edited, sender=Post, post_id=current.pk, topic_id=current.topic_id,
                       author_id=current.author_id, editor_id=editor.pk,
                       revision_number=current.edit_count)
        send_to_group_on_commit(
            topic_group(current.topic_id), {"type": "topic.post_changed", "post_id": current.pk}
        )
        _bump_topic(current.topic_id, current.topic.product_id)
        if extract_mentions(body):
            from forum import tasks

            enqueue_on_commit(tasks.notify_mentions, current.pk)
    return current
