"""The forum's source for the tone trend (``community.tone``): posts shown on their pages,
in id order, each with the category it was written in."""

from __future__ import annotations

from community.tone import ToneItem, register_source
from forum.models import Post
from forum.visibility import post_live


def posts_after(*, after_id: int, limit: int) -> list[ToneItem]:
    posts = (Post.objects.filter(post_live(), pk__gt=after_id).select_related("topic__category")
             .only("id", "body", "created_at", "topic__category__name").order_by("pk")[:limit])
    return [ToneItem(object_id=post.pk, text=post.body, area=f"Forum · {post.topic.category.name}",
                     written_at=post.created_at) for post in posts]


def register() -> None:
    register_source("forum.Post", posts_after)
