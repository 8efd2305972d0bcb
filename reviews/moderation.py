"""Reviews and brand replies as moderated content (see docs/moderation.md).

Members flag them from the product page; community managers hide, restore, delete (a soft
delete: the row stays for the log and the follow-up) and edit them from the moderation queue.
Brand staff have no part in this: they cannot hide reviews.
"""

from __future__ import annotations

from django import forms

from moderation.registry import ModerationAdapter
from reviews import selectors, services
from reviews.models import BrandReply, Review


class ReviewModerationForm(forms.Form):
    title = forms.CharField(max_length=120)
    body = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, data=None, *, obj: Review):
        super().__init__(data, initial={"title": obj.title, "body": obj.body})


class BrandReplyModerationForm(forms.Form):
    body = forms.CharField(max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, data=None, *, obj: BrandReply):
        super().__init__(data, initial={"body": obj.body})


def _can_see_review(review_id: int, user) -> bool:
    """As the product page shows it: a visible review of a live, public product."""
    return selectors.visible_review(review_id=review_id, viewer=user) is not None


def _review_excerpt(review: Review) -> str:
    return f"{review.rating}★ {review.title}: {review.body}"[:300]


REVIEW_ADAPTER = ModerationAdapter(
    label="review",
    author=lambda review: review.author,
    excerpt=_review_excerpt,
    url=lambda review: review.get_absolute_url(),
    is_hidden=lambda review: not review.is_visible,
    hide=services.moderation_hide_review,
    restore=services.moderation_restore_review,
    delete=services.soft_delete_review,
    edit_form=ReviewModerationForm,
    edit=services.moderator_edit_review,
    prefetch=lambda queryset: queryset.select_related("author", "product"),
    can_see=lambda review, user: _can_see_review(review.pk, user),
)

BRAND_REPLY_ADAPTER = ModerationAdapter(
    label="brand reply",
    author=lambda reply: reply.author,
    excerpt=lambda reply: reply.body[:300],
    url=lambda reply: reply.get_absolute_url(),
    is_hidden=lambda reply: not reply.is_visible,
    hide=services.moderation_hide_reply,
    restore=services.moderation_restore_reply,
    delete=services.soft_delete_reply,
    edit_form=BrandReplyModerationForm,
    edit=services.moderator_edit_reply,
    prefetch=lambda queryset: queryset.select_related("author", "review__product"),
    # The review card shows a reply only while it and its review are visible.
    can_see=lambda reply, user: reply.is_visible and _can_see_review(reply.review_id, user),
)
