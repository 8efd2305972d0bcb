import io

import pytest
from django.core.management import call_command

from badges.models import BadgeGrant, Challenge, PointsEntry
from badges.services.ledger import record_events
from badges.services.recompute import recompute_points
from tests.badges.factories import next_source
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_profiles_and_boards_and_is_idempotent(client, site_tree):
    call_command("seed_demo", stdout=io.StringIO())
    entries, grants = PointsEntry.objects.count(), BadgeGrant.objects.count()
    assert entries > 100
    assert grants > 5
    assert Challenge.objects.count() == 2
    call_command("seed_demo", stdout=io.StringIO())
    assert (PointsEntry.objects.count(), BadgeGrant.objects.count()) == (entries, grants)
    assert recompute_points() == 0
    rows = client.get("/leaderboard/").context["board"].rows
    assert rows[0].user.username == "alice"
    assert "Conversation Starter" in client.get("/u/alice/").content.decode()


def test_a_batch_of_events_keeps_every_guarantee():
    author, liker = UserFactory(), UserFactory()
    post = next_source()
    like = {"kind": "like_received", "user_id": author.pk, "source_id": post,
            "actor_id": liker.pk}
    added = record_events(events=[
        {"kind": "reply_created", "user_id": author.pk, "source_id": post},
        like, like,
        {"kind": "like_received", "user_id": author.pk, "source_id": post, "variant": liker.pk,
         "reverse": True},
        {"kind": "like_received", "user_id": author.pk, "source_id": post, "actor_id": author.pk},
    ])
    assert added == 3  # reply, one like, its reversal; the duplicate and the self-like add nothing
    assert recompute_points() == 0
