"""Demo data: a community manager's day. Members at every trust level, flagged profiles
(one hidden by its flags), a profile held for approval, an item past the stall alarm, a week
of past moderator actions for the dashboard, and a suspected like ring. Safe to run again."""

import contextlib
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from community.demo import DEMO_PASSWORD
from community.models import User
from moderation.models import MemberTrust, ModerationAction, QueueItem
from moderation.services.flags import flag_content, hold_for_approval
from moderation.services.limits import ActionRefused
from moderation.services.rings import report_suspected_ring

TRUST = {"alice": 2, "bob": 1, "carol": 0, "dan": 3, "erin": 1}

TROUBLEMAKERS = [
    # username, display name, bio
    ("quickdeals", "Quick Deals 4U",
     "Cheap kettles!!! http://deals.example http://deals2.example http://x.example"),
    ("grumbler", "Grumbler", "Everyone here is an idiot and the brand staff are clowns."),
    ("offtopicolly", "Olly", "Ask me about my crypto newsletter, nothing to do with kettles."),
    ("newbie", "New Member", "Hi! Just bought the Ember Kettle."),
]

FLAGS = [
    # flagger, target, reason, note
    ("alice", "quickdeals", "spam", ""),
    ("bob", "quickdeals", "spam", "Same links in three places"),
    ("dan", "grumbler", "abusive", "Insults staff"),
    ("erin", "offtopicolly", "off_topic", ""),
    ("carol", "offtopicolly", "other", "Looks like a promotion account"),
]


def seed(log, context) -> dict:
    members = dict(context.get("members", {}))
    for username, name, bio in TROUBLEMAKERS:
        members[username] = _member(username, name, bio)
    for username, level in TRUST.items():
        if username in members:
            MemberTrust.objects.update_or_create(
                user=members[username], defaults={"level": level, "earned_level": min(level, 2)}
            )

    for flagger, target, reason, note in FLAGS:
        if flagger in members and target in members:
            with contextlib.suppress(ActionRefused):  # already flagged on an earlier run
                flag_content(flagger=members[flagger], obj=members[target], reason=reason, note=note)
    if not QueueItem.objects.filter(object_id=members["newbie"].pk, kind="premoderation").exists():
        hold_for_approval(obj=members["newbie"])

    # The grumbler's flag has waited long enough to raise the stall alarm.
    QueueItem.objects.filter(object_id=members["grumbler"].pk, status="pending").update(
        created_at=timezone.now() - timedelta(hours=5)
    )

    manager = members.get("maya")
    if manager and not ModerationAction.objects.filter(extra__demo=True).exists():
        now = timezone.now()
        for days_ago, count in [(6, 3), (5, 1), (4, 4), (3, 2), (2, 5), (1, 2)]:
            for n in range(count):
                ModerationAction.objects.create(
                    actor=manager, action=ModerationAction.Kind.DISMISS,
                    created_at=now - timedelta(days=days_ago),
                    snapshot="(earlier demo activity)", reason="Flag did not break the guidelines",
                    extra={"demo": True, "n": n},
                )
    if "carol" in members and "erin" in members:
        report_suspected_ring(
            user_ids=[members["carol"].pk, members["erin"].pk],
            evidence={"mutual_likes_7_days": 46, "share_of_their_likes": "88%"},
        )
    pending = QueueItem.objects.filter(status="pending").count()
    log(f"moderation: {pending} items waiting in the queue, trust levels for {len(TRUST)} members")
    return {"members": members}


def _member(username: str, display_name: str, bio: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.com", "display_name": display_name, "bio": bio},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    return user
