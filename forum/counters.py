"""Rebuild the forum's denormalised counters from source rows.

Definitions (the services keep to the same ones when they move counters with F()):
- Post.like_count: Like rows of the post.
- Topic.reply_count: replies (post number > 1) neither hidden nor deleted.
- Topic.like_count: likes of the topic's posts that are neither hidden nor deleted.
- Topic.last_post_at / last_post_author: the latest post neither hidden nor deleted (the
  opening post's time and author when none is left).
- Topic.last_post_number: the highest post number given out (never goes down).
- Category.topic_count: topics neither hidden nor deleted; Category.post_count: posts
  neither hidden nor deleted in those topics.
"""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from forum.models import Category, Like, Post, Topic

LIVE_POST = Q(is_hidden=False, deleted_at__isnull=True)


def _int_subquery(queryset, field: str):
    return Coalesce(Subquery(queryset.values(field)[:1], output_field=IntegerField()), Value(0))


def _post_like_counts():
    likes = Like.objects.filter(post=OuterRef("pk")).values("post").annotate(n=Count("id"))
    return _int_subquery(likes, "n")


def _topic_expressions() -> dict:
    live_posts = Post.objects.filter(LIVE_POST, topic=OuterRef("pk"))
    replies = live_posts.filter(post_number__gt=1).values("topic").annotate(n=Count("id"))
    likes = live_posts.values("topic").annotate(n=Sum("like_count"))
    numbers = Post.objects.filter(topic=OuterRef("pk")).values("topic").annotate(n=Max("post_number"))
    latest = live_posts.order_by("-post_number")
    return {
        "actual_replies": _int_subquery(replies, "n"),
        "actual_likes": _int_subquery(likes, "n"),
        "actual_last_number": _int_subquery(numbers, "n"),
        "actual_last_at": Coalesce(Subquery(latest.values("created_at")[:1]), F("created_at")),
        "actual_last_author": Coalesce(Subquery(latest.values("author_id")[:1]), F("author_id")),
    }


def _category_expressions() -> dict:
    live_topics = Topic.objects.filter(category=OuterRef("pk"), is_hidden=False, deleted_at__isnull=True)
    topics = live_topics.values("category").annotate(n=Count("id"))
    posts = (
        Post.objects.filter(LIVE_POST, topic__category=OuterRef("pk"), topic__is_hidden=False,
                            topic__deleted_at__isnull=True)
        .values("topic__category")
        .annotate(n=Count("id"))
    )
    return {"actual_topics": _int_subquery(topics, "n"), "actual_posts": _int_subquery(posts, "n")}


def _topic_drift():
    return ~Q(reply_count=F("actual_replies")) | ~Q(like_count=F("actual_likes")) | ~Q(
        last_post_number__gte=F("actual_last_number")
    ) | ~Q(last_post_at=F("actual_last_at")) | ~Q(last_post_author_id=F("actual_last_author"))


def _fix_topics(queryset) -> int:
    expressions = _topic_expressions()
    drifted = list(queryset.annotate(**expressions).filter(_topic_drift()).values_list("pk", flat=True))
    if drifted:
        Topic.objects.filter(pk__in=drifted).update(
            reply_count=expressions["actual_replies"],
            like_count=expressions["actual_likes"],
            last_post_number=expressions["actual_last_number"],
            last_post_at=expressions["actual_last_at"],
            last_post_author_id=expressions["actual_last_author"],
        )
    return len(drifted)


def _fix_categories(queryset) -> int:
    expressions = _category_expressions()
    drifted = list(
        queryset.annotate(**expressions)
        .exclude(topic_count=F("actual_topics"), post_count=F("actual_posts"))
        .values_list("pk", flat=True)
    )
    if drifted:
        Category.objects.filter(pk__in=drifted).update(
            topic_count=expressions["actual_topics"], post_count=expressions["actual_posts"]
        )
    return len(drifted)


def recompute_topic(topic_id: int) -> int:
    return _fix_topics(Topic.objects.filter(pk=topic_id))


def recompute_category(category_id: int) -> int:
    return _fix_categories(Category.objects.filter(pk=category_id))


def recompute_forum_counters() -> int:
    """Rebuild every forum counter; returns how many rows (posts, topics, categories) had
    drifted."""
    actual = _post_like_counts()
    drifted_posts = list(
        Post.objects.annotate(actual=actual).exclude(like_count=F("actual")).values_list("pk", flat=True)
    )
    if drifted_posts:
        Post.objects.filter(pk__in=drifted_posts).update(like_count=_post_like_counts())
    return len(drifted_posts) + _fix_topics(Topic.objects.all()) + _fix_categories(Category.objects.all())
