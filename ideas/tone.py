"""The ideas' source for the tone trend (``community.tone``): comments shown on idea pages,
in id order, each with its idea's product category."""

from __future__ import annotations

from community.tone import ToneItem, register_source
from ideas.models import IdeaComment
from ideas.visibility import idea_readable


def comments_after(*, after_id: int, limit: int) -> list[ToneItem]:
    comments = (IdeaComment.objects.visible().filter(idea_readable("idea__"), pk__gt=after_id)
                .select_related("idea__category")
                .only("id", "body", "created_at", "idea__category__name").order_by("pk")[:limit])
    return [ToneItem(object_id=comment.pk, text=comment.body,
                     area=f"Ideas · {comment.idea.category.name if comment.idea.category else 'General'}",
                     written_at=comment.created_at) for comment in comments]


def register() -> None:
    register_source("ideas.IdeaComment", comments_after)
