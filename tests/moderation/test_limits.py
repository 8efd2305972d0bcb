from datetime import timedelta

import pytest
from django.utils import timezone

from moderation.services.limits import ActionRefused, check_can_act
from moderation.services.members import lift_suspension, suspend_member
from tests.factories import CommunityManagerFactory, UserFactory
from tests.moderation.factories import flag_profile, member_at

pytestmark = pytest.mark.django_db


def test_a_new_member_gets_three_topics_on_their_first_day_and_is_told_when_they_can_post_again():
    newcomer = member_at(0)
    for _ in range(3):
        check_can_act(user=newcomer, action="topic")
    with pytest.raises(ActionRefused) as refused:
        check_can_act(user=newcomer, action="topic")
    assert "3 times on their first day" in refused.value.message
    assert refused.value.retry_at == newcomer.date_joined + timedelta(days=1)


def test_a_new_member_gets_ten_replies_on_their_first_day():
    newcomer = member_at(0)
    for _ in range(10):
        check_can_act(user=newcomer, action="reply")
    with pytest.raises(ActionRefused):
        check_can_act(user=newcomer, action="reply")


def test_first_day_caps_end_after_the_first_day(settings):
    settings.HEARTH_TRUST_RATE_LIMITS = {0: {}}
    veteran = member_at(0, date_joined=timezone.now() - timedelta(days=2))
    for _ in range(5):
        check_can_act(user=veteran, action="topic")


def test_a_refused_rate_limit_gives_back_the_first_day_slot(settings):
    settings.HEARTH_TRUST_RATE_LIMITS = {0: {"topic": (1, 3600)}}
    newcomer = member_at(0)
    check_can_act(user=newcomer, action="topic")
    for _ in range(3):
        with pytest.raises(ActionRefused, match="1 per hour"):
            check_can_act(user=newcomer, action="topic")
    from django.core.cache import cache
    assert cache.get(f"moderation:firstday:{newcomer.pk}:topic") == 1


@pytest.mark.parametrize(("level", "allowed"), [(0, 5), (1, 10), (2, 20), (3, 40)])
def test_each_trust_level_has_its_own_flag_limit(level, allowed):
    member = member_at(level, date_joined=timezone.now() - timedelta(days=30))
    for _ in range(allowed):
        check_can_act(user=member, action="flag")
    with pytest.raises(ActionRefused, match=f"{allowed} per day at your trust level"):
        check_can_act(user=member, action="flag")


def test_new_members_cannot_post_links_or_images_until_trust_level_one():
    with pytest.raises(ActionRefused, match="cannot post links or images"):
        check_can_act(user=member_at(0), action="reply", text="see https://example.com")
    with pytest.raises(ActionRefused):
        check_can_act(user=member_at(0), action="reply", text="![pic](/media/x.png)")
    check_can_act(user=member_at(0), action="reply", text="no links here")
    check_can_act(user=member_at(1), action="reply", text="see https://example.com")


def test_suspended_members_cannot_post_vote_review_or_flag_and_are_told_until_when():
    member = member_at(3)
    suspension = suspend_member(actor=CommunityManagerFactory(), user=member, days=2, reason="Insults")
    for action in ["topic", "reply", "support", "review", "flag", "like"]:
        with pytest.raises(ActionRefused) as refused:
            check_can_act(user=member, action=action)
        assert "suspended until" in refused.value.message and "Insults" in refused.value.message
    with pytest.raises(ActionRefused, match="suspended"):
        flag_profile(UserFactory(), by=member)
    lift_suspension(actor=CommunityManagerFactory(), suspension_id=suspension.pk, reason="Apologised")
    check_can_act(user=member, action="reply")


def test_a_permanent_suspension_says_so():
    member = UserFactory()
    suspend_member(actor=CommunityManagerFactory(), user=member, days=None, reason="Spam account")
    with pytest.raises(ActionRefused, match="suspended permanently: Spam account"):
        check_can_act(user=member, action="reply")


def test_an_ended_suspension_no_longer_applies():
    member = UserFactory()
    from moderation.models import Suspension
    Suspension.objects.create(user=member, reason="old", starts_at=timezone.now() - timedelta(days=3),
                              ends_at=timezone.now() - timedelta(days=1))
    check_can_act(user=member, action="reply")


def test_community_managers_are_never_limited():
    manager = CommunityManagerFactory()
    for _ in range(50):
        check_can_act(user=manager, action="topic", text="https://example.com")


def test_managers_cannot_be_suspended_from_the_queue_and_nobody_suspends_themselves():
    manager = CommunityManagerFactory()
    with pytest.raises(ActionRefused):
        suspend_member(actor=manager, user=manager, days=1, reason="x")
    with pytest.raises(ActionRefused):
        suspend_member(actor=manager, user=CommunityManagerFactory(), days=1, reason="x")
