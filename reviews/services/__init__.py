"""Writes for reviews. Each service checks permission and validity, writes in one
transaction, and announces its effects after commit.

Callers import from this package (``from reviews import services``); the modules below it
are split by concern: writing (reviews, helpful votes, brand replies), moderation (hide,
delete, edit), scoring (sentiment and the negative flag), follow_ups (the brand's work
queue) and products (rating rebuilds, purchase imports).
"""

from reviews.services.follow_ups import (
    ALLOWED_TRANSITIONS,
    can_work_follow_ups,
    escalate_overdue_follow_ups,
    mark_missed_negative,
    update_follow_up,
)
from reviews.services.moderation import (
    hide_review,
    moderation_hide_reply,
    moderation_hide_review,
    moderation_restore_reply,
    moderation_restore_review,
    moderator_edit_reply,
    moderator_edit_review,
    soft_delete_reply,
    soft_delete_review,
)
from reviews.services.products import (
    import_purchase_rows,
    recompute_product_ratings,
    record_order_purchases,
)
from reviews.services.scoring import apply_score, rescore_reviews, score_reviews, sweep_pending_reviews
from reviews.services.writing import (
    ReplyNeedsConfirmation,
    mark_helpful,
    reply_as_brand,
    save_review,
    score_reply,
)

__all__ = [
    "ALLOWED_TRANSITIONS", "ReplyNeedsConfirmation", "apply_score", "can_work_follow_ups",
    "escalate_overdue_follow_ups", "hide_review", "import_purchase_rows", "mark_helpful",
    "mark_missed_negative",
    "moderation_hide_reply", "moderation_hide_review", "moderation_restore_reply",
    "moderation_restore_review", "moderator_edit_reply", "moderator_edit_review",
    "recompute_product_ratings", "record_order_purchases", "reply_as_brand", "rescore_reviews", "save_review",
    "score_reply", "score_reviews", "soft_delete_reply", "soft_delete_review",
    "sweep_pending_reviews", "update_follow_up",
]
