"""What a member reads: watching topics, read positions, and reading reported to trust levels."""

from __future__ import annotations

from django.db import connection

from community.models import User
from forum import rules
from forum.models import Post, Topic, TopicReadState, TopicSubscription
from moderation.services import first_visit_today, reading_seconds, report_activity


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
