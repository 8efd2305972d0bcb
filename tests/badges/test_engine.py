"""The batched path of the points engine: same guarantees as one event at a time, with a
number of statements that does not grow with the batch."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from badges.models import BadgeGrant, EventCount, PointsEntry, PointsPeriod, SourceTally, UserPoints
from badges.services.ledger import record_event, record_events
from badges.services.recompute import recompute_points
from tests.badges.factories import next_source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def total(user) -> int:
    return UserPoints.objects.get(user=user).total


def likes(author, likers, post):
    return [{"kind": "like_received", "user_id": author.pk, "source_id": post,
             "actor_id": liker.pk} for liker in likers]


def test_a_batch_replayed_adds_nothing():
    author, likers = UserFactory(), [UserFactory() for _ in range(3)]
    post = next_source()
    batch = [{"kind": "reply_created", "user_id": author.pk, "source_id": post}]
    batch += likes(author, likers, post)
    assert record_events(events=batch) == 4
    assert record_events(events=batch) == 0
    assert record_events(events=batch + batch) == 0
    assert PointsEntry.objects.filter(user=author).count() == 4
    assert total(author) == 2 + 3
    assert EventCount.objects.get(user=author, kind="like_received").count == 3
    assert SourceTally.objects.get(source_id=post, kind="like_received").count == 3
    assert recompute_points() == 0


def test_an_event_twice_in_one_batch_counts_once():
    author, liker = UserFactory(), UserFactory()
    post = next_source()
    assert record_events(events=likes(author, [liker, liker], post)) == 1
    assert total(author) == 1


def test_the_daily_cap_cuts_across_a_batch_in_order(settings):
    settings.HEARTH_BADGES_DAILY_CAP = 5
    author = UserFactory()
    topics = [{"kind": "topic_created", "user_id": author.pk, "source_id": next_source()}
              for _ in range(2)]
    # 5 + 5 would be 10: the second topic is cut to 0; the accepted answer is exempt.
    answer = {"kind": "answer_accepted", "user_id": author.pk, "source_id": next_source(),
              "actor_id": UserFactory().pk}
    assert record_events(events=topics + [answer]) == 3
    points = list(PointsEntry.objects.filter(user=author).order_by("pk")
                  .values_list("reason", "points", "rule_points"))
    assert points == [("topic_created", 5, 5), ("topic_created", 0, 5), ("answer_accepted", 15, 15)]
    assert total(author) == 20
    day = PointsPeriod.objects.get(user=author, kind="day")
    assert (day.points, day.capped_points) == (20, 5)
    # The next batch finds the cap used up.
    record_events(events=[{"kind": "reply_created", "user_id": author.pk, "source_id": next_source()}])
    assert total(author) == 20
    assert recompute_points() == 0


def test_a_batch_keeps_each_members_order_around_a_withdrawn_like():
    author, liker = UserFactory(), UserFactory()
    post = next_source()
    record_events(events=[
        {"kind": "like_received", "user_id": author.pk, "source_id": post, "actor_id": liker.pk,
         "occurrence": 1},
        {"kind": "like_received", "user_id": author.pk, "source_id": post, "variant": liker.pk,
         "reverse": True},
        {"kind": "like_received", "user_id": author.pk, "source_id": post, "actor_id": liker.pk,
         "occurrence": 2},
    ])
    reasons = list(PointsEntry.objects.filter(user=author).order_by("pk").values_list("reason", flat=True))
    assert reasons == ["like_received", "like_received.reversed", "like_received"]
    assert total(author) == 1
    assert recompute_points() == 0


def test_self_credit_and_suspended_members_are_dropped_from_a_batch():
    author, inactive = UserFactory(), UserFactory(is_active=False)
    post = next_source()
    added = record_events(events=[
        {"kind": "like_received", "user_id": author.pk, "source_id": post, "actor_id": author.pk},
        {"kind": "topic_created", "user_id": inactive.pk, "source_id": next_source()},
        {"kind": "reply_created", "user_id": author.pk, "source_id": post},
    ])
    assert added == 1
    assert not PointsEntry.objects.filter(user=inactive).exists()


def test_badges_are_checked_once_per_member_and_badge_in_a_batch():
    author = UserFactory()
    likers = [UserFactory() for _ in range(12)]
    post = next_source()
    record_events(events=likes(author, likers, post))
    assert BadgeGrant.objects.filter(user=author, badge__slug="nice-post").count() == 1
    record_events(events=likes(author, [UserFactory()], post))
    assert BadgeGrant.objects.filter(user=author, badge__slug="nice-post").count() == 1


def _statements(events) -> int:
    with CaptureQueriesContext(connection) as captured:
        record_events(events=events)
    return len(captured)


def test_a_batch_takes_the_same_statements_for_ten_members_as_for_fifty():
    members = [UserFactory() for _ in range(50)]
    record_event(kind="reply_created", user_id=members[0].pk, source_id=next_source())  # config

    def batch(size):
        return [{"kind": "reply_created", "user_id": member.pk, "source_id": next_source()}
                for member in members[:size]]

    # Warm every member past their first-post badge so only the steady state is measured.
    record_events(events=batch(50))
    assert _statements(batch(10)) == _statements(batch(50))
