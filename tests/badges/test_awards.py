import datetime

import pytest
from django.utils import timezone

from badges.models import Badge, BadgeGrant, ChallengeProgress, PointsEntry, UserPoints
from badges.services.awards import backfill_badges
from badges.services.ledger import record_event, reverse_event, reverse_source
from community.models import Notification
from tests.badges.factories import ChallengeFactory, next_source, suspend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def held(user) -> set[str]:
    return set(BadgeGrant.objects.current().filter(user=user).values_list("badge__slug", flat=True))


def repeat(kind, user, n, **kwargs):
    for _ in range(n):
        record_event(kind=kind, user_id=user.pk, source_id=next_source(), **kwargs)


def likes_on_one_post(author, n):
    post = next_source()
    for _ in range(n):
        record_event(kind="like_received", user_id=author.pk, source_id=post,
                     actor_id=UserFactory().pk)
    return post


def test_first_post_is_granted_for_a_first_reply_and_notified():
    member = UserFactory()
    repeat("reply_created", member, 1)
    assert held(member) == {"first-post"}
    note = Notification.objects.get(recipient=member, kind="badges.badge_granted")
    assert "First Post" in note.message


def test_conversation_starter_needs_ten_topics():
    member = UserFactory()
    repeat("topic_created", member, 9)
    assert "conversation-starter" not in held(member)
    repeat("topic_created", member, 1)
    assert "conversation-starter" in held(member)


@pytest.mark.parametrize(("likes", "expected"), [
    (9, set()), (10, {"nice-post"}), (25, {"nice-post", "good-post"}),
    (50, {"nice-post", "good-post", "great-post"}),
])
def test_post_badges_count_likes_on_one_post(likes, expected, settings):
    settings.HEARTH_BADGES_DAILY_CAP = 10_000
    author = UserFactory()
    likes_on_one_post(author, likes)
    assert held(author) & {"nice-post", "good-post", "great-post"} == expected


def test_likes_spread_over_posts_do_not_make_a_nice_post():
    author = UserFactory()
    for _ in range(5):
        likes_on_one_post(author, 2)
    assert "nice-post" not in held(author)


def test_nice_post_is_granted_once_per_post():
    author = UserFactory()
    first, second = likes_on_one_post(author, 10), likes_on_one_post(author, 11)
    grants = BadgeGrant.objects.filter(user=author, badge__slug="nice-post")
    assert sorted(grants.values_list("source_id", flat=True)) == sorted([first, second])


@pytest.mark.parametrize(("answers", "expected"), [
    (1, {"solver"}), (10, {"solver", "problem-solver"}),
    (50, {"solver", "problem-solver", "master-solver"}),
])
def test_solver_badges_count_accepted_answers(answers, expected):
    member, asker = UserFactory(), UserFactory()
    repeat("answer_accepted", member, answers, actor_id=asker.pk)
    assert held(member) & {"solver", "problem-solver", "master-solver"} == expected


def test_solver_is_not_earned_on_your_own_topic():
    member = UserFactory()
    repeat("answer_accepted", member, 1, actor_id=member.pk)
    assert "solver" not in held(member)


def test_visionary_needs_an_idea_with_a_hundred_supporters(settings):
    settings.HEARTH_BADGES_DAILY_CAP = 10_000
    creator = UserFactory()
    idea = next_source()
    for _ in range(99):
        record_event(kind="idea_support_received", user_id=creator.pk, source_id=idea,
                     actor_id=UserFactory().pk)
    assert "visionary" not in held(creator)
    record_event(kind="idea_support_received", user_id=creator.pk, source_id=idea,
                 actor_id=UserFactory().pk)
    assert "visionary" in held(creator)


def test_great_visionary_is_defined_for_a_thousand_supporters():
    badge = Badge.objects.get(slug="great-visionary")
    assert badge.params == {"kind": "idea_support_received", "threshold": 1000}


def test_critic_badges_count_reviews():
    member = UserFactory()
    repeat("review_written", member, 1)
    assert "critic" in held(member)
    repeat("review_written", member, 9)
    assert "seasoned-critic" in held(member)


def test_verified_owner_badge_follows_a_verified_review():
    member = UserFactory()
    repeat("review_verified_owner", member, 1)
    assert "verified-owner" in held(member)


def test_community_guardian_needs_ten_upheld_flags():
    member = UserFactory()
    repeat("flag_upheld", member, 9)
    assert "community-guardian" not in held(member)
    repeat("flag_upheld", member, 1)
    assert "community-guardian" in held(member)


def test_welcome_and_anniversary_come_from_the_backfill():
    from tests.factories import image_upload

    old = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=400))
    complete = UserFactory(bio="Hello", display_name="Jo")
    complete.avatar.save("me.png", image_upload(), save=True)
    newcomer = UserFactory(bio="")
    backfill_badges()
    assert "anniversary" in held(old)
    assert "welcome" in held(complete)
    assert held(newcomer) == set()


def test_a_badge_is_granted_once_whatever_the_replays():
    member = UserFactory()
    post = next_source()
    for _ in range(3):
        record_event(kind="reply_created", user_id=member.pk, source_id=post)
    backfill_badges()
    backfill_badges()
    assert BadgeGrant.objects.filter(user=member, badge__slug="first-post").count() == 1
    assert Notification.objects.filter(recipient=member, kind="badges.badge_granted").count() == 1


def test_backfill_grants_what_was_missed():
    member = UserFactory()
    repeat("review_written", member, 1)
    BadgeGrant.objects.filter(user=member).delete()
    assert backfill_badges()["granted"] == 1
    assert "critic" in held(member)


def test_backfill_revokes_auto_revoke_badges_whose_criteria_no_longer_hold():
    author = UserFactory()
    likers = [UserFactory() for _ in range(10)]
    post = next_source()
    for liker in likers:
        record_event(kind="like_received", user_id=author.pk, source_id=post, actor_id=liker.pk)
    assert "nice-post" in held(author)
    reverse_event(kind="like_received", source_id=post, user_id=author.pk, variant=likers[0].pk)
    assert backfill_badges()["revoked"] == 1
    assert "nice-post" not in held(author)


def test_backfill_keeps_badges_that_are_not_auto_revoke():
    member = UserFactory()
    review = next_source()
    record_event(kind="review_written", user_id=member.pk, source_id=review)
    reverse_source(source_label="reviews.review", source_id=review)
    backfill_badges()
    assert "critic" in held(member)


def test_backfill_grants_nothing_to_suspended_members():
    member = UserFactory()
    repeat("review_written", member, 1)
    BadgeGrant.objects.filter(user=member).delete()
    suspend(member, days=1)
    backfill_badges()
    assert held(member) == set()


def test_reaching_a_level_notifies_once():
    member, asker = UserFactory(), UserFactory()
    repeat("answer_accepted", member, 16, actor_id=asker.pk)  # 240 points
    assert not Notification.objects.filter(recipient=member, kind="badges.level_up").exists()
    repeat("answer_accepted", member, 1, actor_id=asker.pk)  # 255: Silver
    notes = Notification.objects.filter(recipient=member, kind="badges.level_up")
    assert [n.message for n in notes] == ["You reached Silver level with 255 points."]


def test_challenge_progress_completion_and_reward_granted_once():
    member = UserFactory()
    challenge = ChallengeFactory(kind="review_written", goal=3, reward_points=50)
    repeat("review_written", member, 2)
    progress = ChallengeProgress.objects.get(challenge=challenge, user=member)
    assert (progress.count, progress.completed_at) == (2, None)
    repeat("review_written", member, 2)
    progress.refresh_from_db()
    assert progress.completed_at is not None
    rewards = PointsEntry.objects.filter(user=member, reason="challenge_completed")
    assert [r.points for r in rewards] == [50]
    assert UserPoints.objects.get(user=member).total == 4 * 10 + 50
    assert Notification.objects.filter(recipient=member,
                                       kind="badges.challenge_completed").count() == 1


def test_a_challenge_can_grant_a_badge():
    badge = Badge.objects.create(slug="launch-week", name="Launch Week", description="Supported",
                                 criteria="challenge")
    member, creator = UserFactory(), UserFactory()
    ChallengeFactory(kind="idea_supported", goal=2, reward_points=10, badge=badge)
    repeat("idea_supported", member, 2, actor_id=creator.pk, variant=0)
    assert "launch-week" in held(member)


def test_events_outside_the_window_do_not_count():
    member = UserFactory()
    now = timezone.now()
    expired = ChallengeFactory(starts_at=now - datetime.timedelta(days=10),
                               ends_at=now - datetime.timedelta(days=1))
    future = ChallengeFactory(starts_at=now + datetime.timedelta(days=1),
                              ends_at=now + datetime.timedelta(days=5))
    repeat("review_written", member, 3)
    assert not ChallengeProgress.objects.filter(challenge__in=[expired, future]).exists()


def test_a_reversed_event_stops_counting_toward_a_running_challenge():
    member = UserFactory()
    challenge = ChallengeFactory(kind="review_written", goal=3)
    review = next_source()
    record_event(kind="review_written", user_id=member.pk, source_id=review)
    reverse_source(source_label="reviews.review", source_id=review)
    assert ChallengeProgress.objects.get(challenge=challenge, user=member).count == 0


def test_a_revoked_badge_earned_again_is_reinstated_and_notified_again():
    member = UserFactory()
    repeat("reply_created", member, 1)
    grant = BadgeGrant.objects.get(user=member, badge__slug="first-post")
    BadgeGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())  # as a backfill would
    repeat("reply_created", member, 1)
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert BadgeGrant.objects.filter(user=member, badge__slug="first-post").count() == 1
    assert Notification.objects.filter(recipient=member, kind="badges.badge_granted").count() == 2


def test_one_batch_granting_many_badges_grants_and_notifies_each_once():
    from badges.services.ledger import record_events

    members = [UserFactory() for _ in range(12)]
    record_events(events=[{"kind": "reply_created", "user_id": member.pk, "source_id": next_source()}
                          for member in members for _ in range(2)])
    for member in members:
        assert held(member) == {"first-post"}
    assert Notification.objects.filter(kind="badges.badge_granted").count() == 12
    for member in members:
        member.refresh_from_db()
        assert member.unread_notification_count == 1
