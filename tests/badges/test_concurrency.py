
import pytest

from badges import tasks
from badges.models import BadgeGrant, EventCount, PointsEntry, SourceTally, UserPoints
from badges.services import inbox
from badges.services.ledger import record_event
from badges.services.recompute import recompute_points
from tests.badges.factories import next_source
from tests.factories import UserFactory
from tests.parallel import errors_of, run_at_once


@pytest.mark.django_db
def test_a_points_event_delivered_twice_records_once():
    member, liker = UserFactory(), UserFactory()
    post = next_source()
    for _ in range(2):
        inbox.enqueue("record", kind="like_received", user_id=member.pk, source_id=post,
                      actor_id=liker.pk)
    assert tasks.drain_events.apply(throw=True).result == 2
    assert PointsEntry.objects.filter(user=member).count() == 1


def _all_succeed(fn, n):
    assert errors_of(run_at_once(fn, n)) == []


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_deliveries_grant_once_on_postgresql(badge_defaults):
    member = UserFactory()
    post = next_source()
    _all_succeed(lambda i: record_event(kind="reply_created", user_id=member.pk,
                                           source_id=post), 8)
    assert PointsEntry.objects.filter(user=member).count() == 1
    assert UserPoints.objects.get(user=member).total == 2
    assert BadgeGrant.objects.filter(user=member, badge__slug="first-post").count() == 1


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_on_one_post_count_exactly_and_grant_the_badge_once(badge_defaults, settings):
    settings.HEARTH_BADGES_DAILY_CAP = 8
    author = UserFactory()
    likers = [UserFactory() for _ in range(12)]
    post = next_source()
    _all_succeed(lambda i: record_event(kind="like_received", user_id=author.pk,
                                           source_id=post, actor_id=likers[i].pk), 12)
    assert SourceTally.objects.get(source_id=post, kind="like_received").count == 12
    assert EventCount.objects.get(user=author, kind="like_received").count == 12
    # The daily cap holds under concurrency: 8 points, not 12.
    assert UserPoints.objects.get(user=author).total == 8
    assert BadgeGrant.objects.filter(user=author, badge__slug="nice-post").count() == 1
    assert recompute_points() == 0


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_two_batches_touching_the_same_members_concurrently_stay_exact_on_postgresql(
        badge_defaults, settings):
    from badges.services.ledger import record_events

    settings.HEARTH_BADGES_DAILY_CAP = 30
    authors = [UserFactory() for _ in range(3)]
    likers = [UserFactory() for _ in range(20)]
    posts = [next_source() for _ in authors]

    def batch(i):
        # Both batches like every author's post; half their likes are the same (replays).
        chosen = likers[i * 5:i * 5 + 15]
        record_events(events=[
            {"kind": "like_received", "user_id": author.pk, "source_id": post,
             "actor_id": liker.pk}
            for author, post in zip(reversed(authors), reversed(posts), strict=True) for liker in chosen
        ])

    _all_succeed(batch, 2)
    for author, post in zip(authors, posts, strict=True):
        assert PointsEntry.objects.filter(user=author).count() == 20
        assert SourceTally.objects.get(source_id=post, kind="like_received").count == 20
        assert UserPoints.objects.get(user=author).total == 20
        assert BadgeGrant.objects.filter(user=author, badge__slug="nice-post").count() == 1
    assert recompute_points() == 0
