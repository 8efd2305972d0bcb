"""Cached review text for product pages (see ``community.fragments``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from community import fragments
from reviews.models import Review

# The review's content before and after its time (see reviews/includes/review_content.html).
PIECES = ("reviews/includes/review_content_head.html", "reviews/includes/review_content_tail.html")


def _cacheable(review: Review) -> bool:
    # The product page lists visible reviews only; checked again so a hidden or deleted one
    # reaching a list by mistake is rendered in full, never stored.
    return review.hidden_at is None and review.deleted_at is None


def _parts(review: Review) -> tuple:
    return (review.pk, review.rating, review.title, review.body, review.created_at, review.edited_at,
            review.verified_owner, *fragments.member_parts(review.author))


def _render(review: Review) -> tuple[str, str]:
    return tuple(render_to_string(template, {"review": review}) for template in PIECES)


def attach_review_fragments(reviews: list[Review]) -> None:
    """Give each review its cached ``cached_html`` (one cache trip for the page)."""
    fragments.attach(reviews, kind="review", parts=_parts, render=_render, cacheable=_cacheable,
                     when=lambda review: review.created_at)
