"""Event kinds the engine understands and the content each one points at.

Kinds are the keys of PointRule rows; a reversal is recorded under ``<kind>.reversed``.
Sources are named by "app_label.model" so badges never imports the content apps: their
content types are looked up (or created) by name.
"""

from django.contrib.contenttypes.models import ContentType

TOPIC_CREATED = "topic_created"
REPLY_CREATED = "reply_created"
LIKE_RECEIVED = "like_received"
ANSWER_ACCEPTED = "answer_accepted"
IDEA_SUBMITTED = "idea_submitted"
IDEA_SUPPORT_RECEIVED = "idea_support_received"
IDEA_SUPPORTED = "idea_supported"
IDEA_MILESTONE = "idea_milestone"
REVIEW_WRITTEN = "review_written"
REVIEW_VERIFIED_OWNER = "review_verified_owner"
REVIEW_HELPFUL = "review_helpful"
FLAG_UPHELD = "flag_upheld"
CHALLENGE_COMPLETED = "challenge_completed"

REVERSED_SUFFIX = ".reversed"

# kind -> (source "app_label.model", whether several members can earn it on one source,
#          whether it also counts per source for per-post/per-idea badges)
SOURCES = {
    TOPIC_CREATED: "forum.topic",
    REPLY_CREATED: "forum.post",
    LIKE_RECEIVED: "forum.post",
    ANSWER_ACCEPTED: "forum.post",
    IDEA_SUBMITTED: "ideas.idea",
    IDEA_SUPPORT_RECEIVED: "ideas.idea",
    IDEA_SUPPORTED: "ideas.idea",
    IDEA_MILESTONE: "ideas.idea",
    REVIEW_WRITTEN: "reviews.review",
    REVIEW_VERIFIED_OWNER: "reviews.review",
    REVIEW_HELPFUL: "reviews.review",
    FLAG_UPHELD: "moderation.flag",
    CHALLENGE_COMPLETED: "badges.challenge",
}
# Kinds counted per source (SourceTally), for "50 likes on one post" and "1,000 supporters".
TALLIED = {LIKE_RECEIVED, IDEA_SUPPORT_RECEIVED}


def reversal_of(kind: str) -> str:
    return kind + REVERSED_SUFFIX


def base_kind(reason: str) -> str:
    return reason.removesuffix(REVERSED_SUFFIX)


def content_type_for(label: str) -> ContentType:
    """The content type for "app_label.model", created if the model is not installed yet
    (the content apps may arrive later; the row is then reused by them)."""
    app_label, model = label.split(".")
    try:
        return ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        # Not cached on purpose: a row created inside a transaction that rolls back must not
        # outlive it. The migration creates the usual ones, so this path is rare.
        return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]
