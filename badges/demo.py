"""Demo points, badges and a running challenge, so profiles and leaderboards look lived-in.

Events go through the engine like real ones, with fixed source ids: running it again adds
nothing (the ledger's unique key)."""

import datetime

from django.utils import timezone

from badges.models import Challenge
from badges.services.awards import backfill_badges
from badges.services.ledger import record_event

# username -> list of (kind, count, days ago of the first, actor username or None)
ACTIVITY = {
    "alice": [("topic_created", 12, 40, None), ("reply_created", 40, 35, None),
              ("like_received", 30, 30, "bob"), ("answer_accepted", 11, 25, "carol"),
              ("review_written", 4, 10, None), ("review_verified_owner", 2, 10, None)],
    "bob": [("topic_created", 3, 20, None), ("reply_created", 25, 18, None),
            ("like_received", 12, 15, "alice"), ("idea_submitted", 2, 12, None),
            ("idea_support_received", 40, 10, "dan")],
    "carol": [("reply_created", 10, 9, None), ("review_written", 11, 8, None),
              ("review_helpful", 6, 4, "erin"), ("flag_upheld", 3, 3, None)],
    "dan": [("reply_created", 6, 5, None), ("answer_accepted", 2, 2, "bob"),
            ("like_received", 4, 1, "carol")],
    "erin": [("reply_created", 2, 1, None), ("idea_submitted", 1, 1, None)],
}
DEMO_SOURCE_BASE = 900_000_000  # far from real ids, so demo entries never collide with content


def seed(log, context) -> dict:
    members = context["members"]
    now = timezone.now()
    recorded = 0
    for m_index, (username, activity) in enumerate(ACTIVITY.items()):
        user = members.get(username)
        if user is None:
            continue
        for k_index, (kind, count, days_ago, actor_name) in enumerate(activity):
            actor = members.get(actor_name) if actor_name else None
            for i in range(count):
                when = now - datetime.timedelta(days=days_ago) + datetime.timedelta(hours=i * 3)
                source = DEMO_SOURCE_BASE + m_index * 100_000 + k_index * 1_000 + i
                if record_event(kind=kind, user_id=user.pk, source_id=source,
                                actor_id=actor.pk if actor else None, now=min(when, now)):
                    recorded += 1
    Challenge.objects.get_or_create(
        title="Review 3 products this month",
        defaults={"description": "Tell other customers what you think of three products.",
                  "kind": "review_written", "goal": 3, "reward_points": 30,
                  "starts_at": now - datetime.timedelta(days=2),
                  "ends_at": now + datetime.timedelta(days=28)})
    Challenge.objects.get_or_create(
        title="Answer 5 questions this week",
        defaults={"description": "Reply to members who are waiting for help.",
                  "kind": "reply_created", "goal": 5, "reward_points": 20,
                  "starts_at": now - datetime.timedelta(days=1),
                  "ends_at": now + datetime.timedelta(days=6)})
    backfill_badges()
    log(f"badges: {recorded} new ledger entries, challenges running")
    return {}
