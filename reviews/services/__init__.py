"""Writes for reviews. Each service checks permission and validity, writes in one
transaction, and announces its effects after commit.

Callers import from this package (``from reviews import services``); the modules below it
are split by concern."""

from reviews.services.writing import (
    ALLOWED_TRANSITIONS,
    ReplyNeedsConfirmation,
    apply_score,
    can_work_follow_ups,
    escalate_overdue_follow_ups,
    hide_review,
    import_purchase_rows,
    mark_helpful,
    moderation_hide_reply,
    moderation_hide_review,
    moderation_restore_reply,
    moderation_restore_review,
    moderator_edit_reply,
    moderator_edit_review,
    recompute_product_ratings,
    reply_as_brand,
    rescore_reviews,
    save_review,
    score_reply,
    score_reviews,
    soft_delete_reply,
    soft_delete_review,
    sweep_pending_reviews,
    update_follow_up,
)

__all__ = [
    "ALLOWED_TRANSITIONS", "ReplyNeedsConfirmation", "apply_score", "can_work_follow_ups",
    "escalate_overdue_follow_ups", "hide_review", "import_purchase_rows", "mark_helpful",
    "moderation_hide_reply", "moderation_hide_review", "moderation_restore_reply",
    "moderation_restore_review", "moderator_edit_reply", "moderator_edit_review",
    "recompute_product_ratings", "reply_as_brand", "rescore_reviews", "save_review",
    "score_reply", "score_reviews", "soft_delete_reply", "soft_delete_review",
    "sweep_pending_reviews", "update_follow_up",
]
