"""Which domain signal makes which webhook event. Each is a recorder
(``community.events.record_with``): it runs inside the transaction of the write that sent
the signal and only writes delivery rows and their outbox rows."""

from __future__ import annotations

from collections.abc import Callable

from badges import signals as badges_signals
from community.events import record_with
from forum import signals as forum_signals
from ideas import signals as ideas_signals
from reviews import signals as reviews_signals
from rewards import signals as rewards_signals
from webhooks import payloads, services

BINDINGS = [
    (forum_signals.topic_created, "post.created", payloads.topic_created),
    (forum_signals.post_created, "post.created", payloads.post_created),
    (forum_signals.answer_accepted, "topic.solved", payloads.topic_solved),
    (ideas_signals.idea_status_changed, "idea.status_changed", payloads.idea_status_changed),
    (ideas_signals.idea_milestone_reached, "idea.milestone_reached", payloads.idea_milestone_reached),
    (reviews_signals.review_published, "review.published", payloads.review_published),
    (reviews_signals.review_flagged_negative, "review.flagged_negative", payloads.review_flagged_negative),
    (reviews_signals.followup_resolved, "follow_up.resolved", payloads.follow_up_resolved),
    (badges_signals.level_changed, "member.level_changed", payloads.member_level_changed),
    (badges_signals.badge_granted, "badge.granted", payloads.badge_granted),
    (rewards_signals.redemption_created, "redemption.created", payloads.redemption_created),
]


def _recorder(event_type: str, build: Callable) -> Callable:
    def record(sender=None, **payload) -> None:
        services.record_event(event_type=event_type, build=lambda: build(**payload))

    return record


def connect() -> None:
    for signal, event_type, build in BINDINGS:
        record_with(signal, _recorder(event_type, build),
                    uid=f"webhooks:{event_type}:{build.__name__}")
