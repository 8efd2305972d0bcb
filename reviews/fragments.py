"""Cached review text for product pages (see ``community.fragments``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from community import fragments
from reviews.models import Review

CONTENT_TEMPLATE = "reviews/includes/review_content.html"


def _cacheable(review: Review) -> bool:
    # The product page lists visible reviews only; checked again so a hidden or deleted one
    # reaching a list by mistake is rendered in full, never stored.
    return review.hidden_at is None and review.deleted_at is None


def _parts(review: Review) -> tuple:
    return (review.pk, review.rating, review.title, review.body, review.created_at, review.edited_at,
            review.verified_owner, *fragments.member_parts(review.author))


def _render(review: Review) -> str:
    return render_to_string(CONTENT_TEMPLATE, {"review": review, "natural_time_mark": fragments.TIME_MARK})


def attach_review_fragments(reviews: list[Review]) -> None:
    """Give each review its cached ``cached_html`` (one cache trip for the page)."""
    fragments.attach(reviews, kind="review", parts=_parts, render=_render, cacheable=_cacheable,
                     when=lambda review: review.created_at)
