"""What the reviews services share: a review's address and the product's rating counters."""

from __future__ import annotations

from django.db.models import F

from reviews.models import ProductRating, Review


def _review_url(review: Review) -> str:
    return f"{review.product.url or ''}#review-{review.pk}"


def _bump_rating(product_id: int, rating: int, step: int) -> None:
    ProductRating.objects.get_or_create(product_id=product_id)
    ProductRating.objects.filter(product_id=product_id).update(
        count=F("count") + step, total=F("total") + step * rating,
        **{f"stars_{rating}": F(f"stars_{rating}") + step},
    )
