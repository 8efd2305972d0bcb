"""Writes for the forum. Each service checks permission and validity (forum.rules), writes
inside one transaction, and announces its effects only after commit: the domain signal
(forum.signals), the live event to readers of the topic, and Celery tasks for notifications.

Counters move with F() under a lock on the topic row; rare operations that can change many
counters at once (delete, hide) rebuild the topic's and category's counters from source rows
instead of adjusting them, so they cannot drift.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from community import cache_versions
from community.deferred import enqueue_on_commit
from community.events import send_on_commit
from community.markdown import extract_mentions, render_markdown
from community.models import User
from community.realtime import send_now, send_to_group_on_commit
from forum import rules, signals
from forum.counters import recompute_category, recompute_forum_counters, recompute_topic
from forum.models import Category, Like, Post, PostRevision, Topic, TopicReadState, TopicSubscription
from moderation.services import (
    added_text,
    check_can_act,
    first_visit_today,
    hold_for_approval,
    needs_approval,
    reading_seconds,
    report_activity,
    scan_for_spam,
)

__all__ = [
    "accept_answer", "apply_edit", "apply_hidden", "apply_soft_delete", "delete_post", "edit_post",
    "hide_post", "like_post", "lock_topic", "mark_topic_read", "move_topic", "note_reading",
    "note_visit", "pin_topic", "post_reply",
    "recompute_forum_counters", "set_topic_flag", "start_topic", "topic_group", "unaccept_answer",
    "unhide_post", "unlike_post", "watch_topic",
]


def topic_group(topic_id: int) -> str:
    """The channel-layer group of readers of one topic."""
    return f"forum.topic.{topic_id}"


def _bump_topic(topic_id: int) -> None:
    """After commit, make cached pages that show the topic stale: its own pages and the
    forum's listings (community.cache_versions)."""
    cache_versions.bump("topic", topic_id)
    cache_versions.bump("forum", 0)


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


def _watch_automatically(*, user: User, topic_id: int) -> None:
    # ignore_conflicts keeps an explicit "stop watching" (is_watching=False) as it is.
    TopicSubscription.objects.bulk_create(
        [TopicSubscription(topic_id=topic_id, user=user, is_watching=True)], ignore_conflicts=True
    )


def start_topic(
    *, author: User, category: Category, title: str, body: str, client_token: uuid.UUID | None = None
) -> Topic:
    """Open a topic in ``category`` with its first post.

    Guarantees: only members allowed in the category start topics (restricted categories:
    community managers and brand staff); title and body are validated; moderation's limits
    apply (``ActionRefused``: suspension, first-day caps, links below TL1, rate limits); a
    resubmitted form (same ``client_token``) returns the topic it already created; a new
    member's topic is held for approval when HEARTH_PREMODERATE["forum.topic"] says so, and
    the text is scanned for spam; the author watches the topic; ``topic_created`` is sent
    after commit.
    """
    rules.check_start_topic(author, category)
    title = rules.clean_title(title)
    body = rules.clean_body(body)
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
            )
            post = Post.objects.create(
                topic=topic, author=author, post_number=1, body=body, body_html=body_html,
                created_at=now, client_token=client_token,
            )
            Category.objects.filter(pk=category.pk).update(
                topic_count=F("topic_count") + 1, post_count=F("post_count") + 1
            )
            _watch_automatically(user=author, topic_id=topic.pk)
            _bump_topic(topic.pk)
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
            _bump_topic(locked.pk)
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


def edit_post(*, editor: User, post: Post, body: str, title: str | None = None) -> Post:
    """Replace the text of ``post`` (and the topic's title, when editing the opening post).

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
    if editor.pk == post.author_id:
        added = added_text(_scanned_text(post, body=post.body), _scanned_text(post, body=body, title=title))
        check_can_act(user=editor, action="post_edit", text=added)
    return apply_edit(editor=editor, post=post, body=body, title=title, check=True)


def _scanned_text(post: Post, *, body: str, title: str | None = None) -> str:
    """What moderation reads of a post: an opening post comes with its topic's title."""
    if post.post_number == 1:
        return f"{title if title is not None else post.topic.title}\n{body}"
    return body


def apply_edit(*, editor: User, post: Post, body: str, title: str | None, check: bool = False) -> Post:
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
        if current.body == body and not title_changed:
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
        _bump_topic(current.topic_id)
        if extract_mentions(body):
            from forum import tasks

            enqueue_on_commit(tasks.notify_mentions, current.pk)
    return current


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
        _bump_topic(topic.pk)
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
        _bump_topic(topic.pk)
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
        _bump_topic(topic.pk)
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
            _bump_topic(topic.pk)
    return bool(changed)


def watch_topic(*, user: User, topic: Topic, watching: bool) -> None:
    """Start or stop watching ``topic``. Stopping is remembered: replying later does not
    re-subscribe the member."""
    if not user.is_authenticated:
        raise rules.PermissionDenied("Log in to watch topics.")
    if not rules.can_see_topic(user, topic):
        raise rules.PermissionDenied("This topic is not available.")
    TopicSubscription.objects.update_or_create(
        topic=topic, user=user, defaults={"is_watching": watching}
    )


def mark_topic_read(*, user: User, topic: Topic, post_number: int) -> None:
    """Record that ``user`` has read ``topic`` up to ``post_number``. One upsert, none when
    the position ``topic`` was loaded with is already there; the read position only ever
    moves forward (reading page 1 again keeps the place on page 3)."""
    if not user.is_authenticated or post_number < 1:
        return
    # A topic loaded for this reader carries their position (``with_read_state``): when it is
    # already at or past this page, there is nothing to write and no statement to send.
    known = getattr(topic, "last_read", None)
    if known is not None and known >= post_number:
        return
    table = connection.ops.quote_name(TopicReadState._meta.db_table)
    # Raw SQL because the ORM's upsert cannot keep the larger of the old and new values. The
    # WHERE makes re-reading a page write nothing at all (no new row version, no WAL flush).
    sql = (
        f"INSERT INTO {table} (user_id, topic_id, last_read_post_number) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (user_id, topic_id) DO UPDATE SET last_read_post_number = "
        f"excluded.last_read_post_number "
        f"WHERE excluded.last_read_post_number > {table}.last_read_post_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, topic.pk, post_number])


def note_visit(*, user: User) -> None:
    """Count the member's visit for the day (trust levels), at most once a day: a cache check,
    no query."""
    if user.is_authenticated and first_visit_today(user):
        report_activity(user=user, amounts={"visit": 1})


def note_reading(*, user: User, topic: Topic, posts: list[Post]) -> None:
    """Report a topic page view to the trust levels (see ``note_page_read``). Uses what the
    page already loaded (``topic.last_read`` from ``with_read_state``): no query here."""
    note_page_read(user=user, last_read=getattr(topic, "last_read", None), posts=readable_words(posts))


def readable_words(posts: list[Post]) -> list[tuple[int, int]]:
    """(post number, words) of the readable posts of a page, as ``note_page_read`` takes them."""
    return [(post.post_number, len(post.body.split())) for post in posts if not post.is_deleted]


def note_page_read(*, user: User, last_read: int | None, posts: list[tuple[int, int]]) -> None:
    """Report a topic page view to the trust levels: the topic entered (first time only), the
    posts on the page the reader had not seen before (``posts`` holds the page's readable
    posts as (post number, words)), an estimate of the time spent reading them, and the
    day's visit. The cache and a task: no query here."""
    if not user.is_authenticated:
        return
    new_words = [words for number, words in posts if number > (last_read or 0)]
    report_activity(user=user, amounts={
        "visit": 1 if first_visit_today(user) else 0,
        "topic_entered": 1 if last_read is None else 0,
        "post_read": len(new_words),
        "seconds_reading": reading_seconds(user=user, words=sum(new_words), posts=len(new_words)),
    })


def lock_topic(*, actor: User, topic: Topic, locked: bool) -> None:
    """Lock (no more replies) or unlock ``topic``. Community managers only."""
    rules.check_moderate(actor)
    set_topic_flag(topic=topic, field="is_locked", value=locked)


def pin_topic(*, actor: User, topic: Topic, pinned: bool) -> None:
    """Pin ``topic`` to the top of its category's latest list. Community managers only."""
    rules.check_moderate(actor)
    set_topic_flag(topic=topic, field="is_pinned", value=pinned)


def set_topic_flag(*, topic: Topic, field: str, value: bool) -> bool:
    """Set ``is_locked`` or ``is_pinned`` (no permission check: ``lock_topic``, ``pin_topic``
    and the moderation queue check). Returns whether anything changed; idempotent."""
    if field not in {"is_locked", "is_pinned"}:
        raise ValueError(f"not a topic flag: {field}")
    changed = Topic.objects.filter(pk=topic.pk).exclude(**{field: value}).update(**{field: value})
    if changed:
        _bump_topic(topic.pk)
    setattr(topic, field, value)
    return bool(changed)


def move_topic(*, actor: User, topic: Topic, category: Category, check: bool = True) -> bool:
    """Move ``topic`` to ``category``. Community managers only (``check=False`` for the
    moderation queue, which has checked). Both categories' counters are rebuilt from rows in
    the same transaction; moving to the category it is in changes nothing."""
    if check:
        rules.check_moderate(actor)
    with transaction.atomic():
        current = Topic.objects.select_for_update().get(pk=topic.pk)
        if current.category_id == category.pk:
            return False
        previous = current.category_id
        current.category = category
        # save() (not update()) so the search index's category filter follows.
        current.save(update_fields=["category"])
        recompute_category(previous)
        recompute_category(category.pk)
        _bump_topic(current.pk)
    topic.category = category
    return True
