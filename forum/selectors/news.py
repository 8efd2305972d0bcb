"""What members missed, for the activity digest and the home page (outreach). Each read is for
a batch of members at once, a fixed number of queries however many."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from forum import visibility
from forum.models import (
    Post,
    Topic,
)


@dataclass(frozen=True)
class TopicNews:
    topic_id: int
    title: str
    url: str
    posts: int  # new posts since the date asked about
    category: str = ""


def replies_to_topics_of(*, member_ids: Iterable[int], since: datetime.datetime,
                         limit: int = 5) -> dict[int, list[TopicNews]]:
    """For each member, the live topics they started that others replied to after ``since``,
    with how many replies (most first, at most ``limit``). One query."""
    rows = (Post.objects.filter(visibility.post_live(), topic__author_id__in=list(member_ids),
                                created_at__gt=since, post_number__gt=1)
            .exclude(author_id=F("topic__author_id"))
            .values("topic__author_id", "topic_id", "topic__title", "topic__slug")
            .annotate(posts=Count("id")).order_by("-posts", "topic_id"))
    found: dict[int, list[TopicNews]] = defaultdict(list)
    for row in rows:
        mine = found[row["topic__author_id"]]
        if len(mine) < limit:
            topic = Topic(pk=row["topic_id"], slug=row["topic__slug"])
            mine.append(TopicNews(topic_id=row["topic_id"], title=row["topic__title"],
                                  url=topic.get_absolute_url(), posts=row["posts"]))
    return dict(found)


def hot_topics_where_posted(*, member_ids: Iterable[int], since: datetime.datetime,
                            per_category: int = 3, categories: int = 2,
                            ) -> dict[int, list[tuple[str, list[TopicNews]]]]:
    """Hearth has no watched categories: for each member, the open categories (no members
    group) they posted in, most-posted first (at most ``categories``), each with its busiest
    live topics since ``since`` that the member did not start (at most ``per_category``, from
    the category's ``2 * per_category`` busiest). Two queries."""
    ids = list(member_ids)
    posted = (Post.objects.filter(visibility.post_live(), author_id__in=ids,
                                  topic__category__members_group__isnull=True)
              .values("author_id", "topic__category_id").annotate(posts=Count("id"))
              .order_by("author_id", "-posts", "topic__category_id"))
    wanted: dict[int, list[int]] = defaultdict(list)
    for row in posted:
        if len(wanted[row["author_id"]]) < categories:
            wanted[row["author_id"]].append(row["topic__category_id"])
    category_ids = {category_id for chosen in wanted.values() for category_id in chosen}
    if not category_ids:
        return {}
    topics = (Topic.objects.filter(visibility.topic_readable(), category_id__in=category_ids,
                                   last_post_at__gt=since)
              .annotate(new_posts=Count("posts", filter=Q(posts__created_at__gt=since,
                                                           posts__is_hidden=False,
                                                           posts__deleted_at__isnull=True)))
              .filter(new_posts__gt=0)
              # The busiest few of each category, ranked in the database: a busy category's
              # thousands of topics never reach Python.
              .annotate(rank=Window(RowNumber(), partition_by=[F("category_id")],
                                    order_by=[F("new_posts").desc(), F("last_post_at").desc()]))
              .filter(rank__lte=per_category * 2).select_related("category")
              .order_by("category_id", "rank")
              .only("id", "slug", "title", "author_id", "category__name"))
    by_category: dict[int, list[Topic]] = defaultdict(list)
    for topic in topics:
        by_category[topic.category_id].append(topic)
    found: dict[int, list[tuple[str, list[TopicNews]]]] = {}
    for member_id, chosen in wanted.items():
        sections = []
        for category_id in chosen:
            hot = [TopicNews(topic_id=t.pk, title=t.title, url=t.get_absolute_url(),
                             posts=t.new_posts, category=t.category.name)
                   for t in by_category.get(category_id, []) if t.author_id != member_id]
            if hot:
                sections.append((hot[0].category, hot[:per_category]))
        if sections:
            found[member_id] = sections
    return found


MENTION_KIND = "forum.mention"


def mentions_of(*, member_ids: Iterable[int], since: datetime.datetime,
                limit: int = 5) -> dict[int, list[tuple[str, str]]]:
    """For each member, the forum mentions of them since ``since`` (message, url), newest
    first: the mention notifications community keeps. One query."""
    from community.selectors import notifications_of_kind

    return notifications_of_kind(member_ids=member_ids, kind=MENTION_KIND, since=since, limit=limit)
