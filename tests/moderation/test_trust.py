from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Notification
from moderation import signals
from moderation.models import DailyActivity, MemberTrust, ModerationAction
from moderation.services.trust import (
    record_activity,
    refresh_all_trust_levels,
    refresh_trust_level,
    set_trust_override,
)
from moderation.tasks import refresh_trust_levels
from tests.factories import CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def reach_tl1(user):
    record_activity(user=user, kind="topic_entered", amount=5)
    record_activity(user=user, kind="post_read", amount=30)
    record_activity(user=user, kind="seconds_reading", amount=600)


def test_activity_counters_add_up_and_a_visit_counts_once_a_day():
    member = UserFactory()
    record_activity(user=member, kind="post_read", amount=3)
    record_activity(user=member, kind="post_read", amount=2)
    record_activity(user=member, kind="visit")
    record_activity(user=member, kind="visit")
    trust = MemberTrust.objects.get(user=member)
    assert trust.posts_read == 5 and trust.days_visited == 1
    assert DailyActivity.objects.get(user=member).posts_read == 5


def test_a_member_is_promoted_to_tl1_after_reading_enough_and_is_told(django_capture_on_commit_callbacks):
    member = UserFactory()
    record_activity(user=member, kind="topic_entered", amount=5)
    record_activity(user=member, kind="post_read", amount=30)
    assert refresh_trust_level(user_id=member.pk) == 0  # no reading time yet
    record_activity(user=member, kind="seconds_reading", amount=600)
    events = []
    signals.trust_level_changed.connect(lambda **kw: events.append(kw), weak=False, dispatch_uid="tr1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            refresh_trust_levels.delay()
    finally:
        signals.trust_level_changed.disconnect(dispatch_uid="tr1")
    assert MemberTrust.objects.get(user=member).level == 1
    assert events[0]["old_level"] == 0 and events[0]["new_level"] == 1 and events[0]["actor_id"] is None
    assert Notification.objects.filter(recipient=member, kind="moderation.trust_level").exists()


def test_tl2_needs_visits_likes_given_and_received_and_replies():
    member = UserFactory()
    reach_tl1(member)
    MemberTrust.objects.filter(user=member).update(days_visited=15)
    record_activity(user=member, kind="like_given")
    record_activity(user=member, kind="topic_replied", amount=3)
    assert refresh_trust_level(user_id=member.pk) == 1
    record_activity(user=member, kind="like_received")
    assert refresh_trust_level(user_id=member.pk) == 2


def test_tl3_is_judged_over_the_rolling_window_and_lost_again(settings):
    settings.HEARTH_TRUST_TL3 = {"window_days": 10, "days_visited": 3, "topics_replied": 2,
                                 "topics_entered": 0, "posts_read": 5, "likes_given": 0, "likes_received": 0,
                                 "max_upheld_flags_against": 0}
    member = UserFactory()
    MemberTrust.objects.create(user=member, level=2, earned_level=2)
    today = timezone.localdate()
    for offset in range(3):
        DailyActivity.objects.create(user=member, date=today - timedelta(days=offset), posts_read=2,
                                     topics_replied=1)
    assert refresh_trust_level(user_id=member.pk) == 3
    # The window moves on: old activity no longer counts and TL3 is lost (TL2 is kept).
    for row in DailyActivity.objects.filter(user=member):
        DailyActivity.objects.filter(pk=row.pk).update(date=row.date - timedelta(days=30))
    assert refresh_trust_level(user_id=member.pk) == 2


def test_tl1_and_tl2_are_never_lost_to_inactivity():
    member = UserFactory()
    MemberTrust.objects.create(user=member, level=2, earned_level=2)
    assert refresh_all_trust_levels() == 0
    assert MemberTrust.objects.get(user=member).level == 2


def test_staff_override_sets_tl4_is_logged_and_wins_over_activity():
    member, manager = UserFactory(), CommunityManagerFactory()
    assert set_trust_override(actor=manager, user=member, level=4, reason="Long-time helper") == 4
    reach_tl1(member)
    assert refresh_trust_level(user_id=member.pk) == 4
    entry = ModerationAction.objects.get(action="trust")
    assert entry.actor == manager and entry.extra["new_override"] == 4
    assert set_trust_override(actor=manager, user=member, level=None, reason="Back to computed") == 1


def test_only_community_managers_override_trust_levels():
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        set_trust_override(actor=UserFactory(), user=UserFactory(), level=4, reason="x")


def test_the_days_visit_is_marked_once_and_a_process_asks_the_cache_once_a_day(monkeypatch):
    from django.core.cache import cache

    from moderation.services import trust

    member, other = UserFactory(), UserFactory()
    asked = []
    real_add = cache.add
    monkeypatch.setattr(cache, "add", lambda key, *a, **kw: asked.append(key) or real_add(key, *a, **kw))
    assert trust.first_visit_today(member) is True
    assert trust.first_visit_today(member) is False
    assert trust.first_visit_today(member) is False
    assert len(asked) == 1  # the later pages of the day cost no round trip
    # Another process (no memory of it) still finds the day's marker in the shared cache.
    trust.forget_marked_visits()
    assert trust.first_visit_today(member) is False
    assert trust.first_visit_today(other) is True
    # The next day counts again.
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda: tomorrow)
    assert trust.first_visit_today(member) is True
