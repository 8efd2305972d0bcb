"""Channel groups of the reviews app and the events sent to them (after commit)."""

from community import cache_versions
from community.realtime import send_to_group_on_commit

FOLLOW_UP_GROUP = "reviews.follow_ups"
# ("product", 0): every list of products by rating.
CATALOGUE = 0


def product_group(product_id: int) -> str:
    return f"reviews.product.{product_id}"


def review_changed(*, product_id: int, review_id: int) -> None:
    """A review appeared, changed, got or lost its brand reply, or was hidden: the product's
    cached pages go stale and its readers are told, after commit."""
    cache_versions.bump("product", product_id)
    cache_versions.bump("product", CATALOGUE)  # the ratings lists (the home page's top rated)
    send_to_group_on_commit(product_group(product_id),
                            {"type": "reviews.review_changed", "review_id": review_id})


def helpful_count(*, product_id: int, review_id: int, count: int) -> None:
    cache_versions.bump("product", product_id)
    send_to_group_on_commit(product_group(product_id), {"type": "reviews.helpful_count",
                                                        "review_id": review_id, "helpful_count": count})


def follow_up_changed(*, follow_up_id: int) -> None:
    """A follow-up was opened (a review was flagged) or moved, reassigned or noted."""
    send_to_group_on_commit(FOLLOW_UP_GROUP, {"type": "reviews.follow_up_changed",
                                              "follow_up_id": follow_up_id})
