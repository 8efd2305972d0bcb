"""The event types endpoints may subscribe to (docs/webhooks.md lists their payloads)."""

EVENT_TYPES = {
    "post.created": "A post was published in the forum (a new topic's opening post or a reply)",
    "topic.solved": "A forum topic got an accepted answer",
    "idea.status_changed": "An idea changed status",
    "idea.milestone_reached": "An idea reached a supporter milestone",
    "review.published": "A product review was published",
    "review.flagged_negative": "A review was flagged negative and a follow-up opened",
    "follow_up.resolved": "A negative review's follow-up was closed",
    "member.level_changed": "A member's level changed",
    "badge.granted": "A member earned a badge",
    "redemption.created": "A member redeemed a reward",
}

EVENT_CHOICES = list(EVENT_TYPES.items())

# Sent only when staff ask for it ("Send a test event" on an endpoint's page): no endpoint
# subscribes to it, and it says nothing about the community.
TEST_EVENT = "webhook.test"

# What a delivery may carry: the events endpoints subscribe to and the test event.
DELIVERY_EVENT_CHOICES = [*EVENT_CHOICES, (TEST_EVENT, "A test event staff sent to the endpoint")]
