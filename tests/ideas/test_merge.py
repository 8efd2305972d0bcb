"""Merging duplicates into an original, and undoing it, with exact counts."""

import pytest

from community.models import Notification
from ideas import services
from ideas.models import Idea, Status, Support
from ideas.services import IdeaActionRefused
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.ideas.factories import published_idea

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(frozen_clock):
    """An original with supporters a, b and a duplicate with supporters b, c, d plus the
    original's creator: b supports both; the original's creator cannot support their own."""
    original = published_idea(title="Keep-warm timer on the kettle base")
    duplicate = published_idea(title="Kettle timer without the app")
    a, b, c, d = (UserFactory(username=name) for name in ["ann", "ben", "cat", "dov"])
    for user in (a, b):
        services.cast_support(user=user, idea_id=original.pk)
    for user in (b, c, d, original.creator):
        services.cast_support(user=user, idea_id=duplicate.pk)
    return original, duplicate, {"a": a, "b": b, "c": c, "d": d}


def counts(*ideas):
    for idea in ideas:
        idea.refresh_from_db()
    return [idea.support_count for idea in ideas]


def test_merge_moves_supports_deduplicated_and_points_the_duplicate_to_the_original(
    pair, django_capture_on_commit_callbacks
):
    original, duplicate, fans = pair
    manager = CommunityManagerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.merge_idea(actor=manager, duplicate_id=duplicate.pk, original_id=original.pk)
    assert moved == 2  # c and d; b already supports the original, its creator cannot
    assert counts(original, duplicate) == [4, 2]
    assert set(Support.objects.filter(idea=original).values_list("user__username", flat=True)) == {
        "ann", "ben", "cat", "dov"
    }
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == original
    # The duplicate's supporters (moved or not) and creator are told where their support went.
    told = set(Notification.objects.filter(kind="ideas.status", message__contains="was merged into")
               .values_list("recipient__username", flat=True))
    assert {"ben", "cat", "dov", duplicate.creator.username} <= told


def test_unmerge_restores_exactly_what_the_merge_moved(pair):
    original, duplicate, fans = pair
    manager = CommunityManagerFactory()
    before = {
        idea.pk: set(Support.objects.filter(idea=idea).values_list("user_id", flat=True))
        for idea in (original, duplicate)
    }
    deadline_before = Idea.objects.get(pk=duplicate.pk).deadline
    services.merge_idea(actor=manager, duplicate_id=duplicate.pk, original_id=original.pk)
    assert services.unmerge_idea(actor=manager, duplicate_id=duplicate.pk) == 2
    assert counts(original, duplicate) == [2, 4]
    after = {
        idea.pk: set(Support.objects.filter(idea=idea).values_list("user_id", flat=True))
        for idea in (original, duplicate)
    }
    assert after == before
    duplicate.refresh_from_db()
    assert duplicate.status == Status.GATHERING_SUPPORT and duplicate.merged_into is None
    assert duplicate.deadline == deadline_before
    assert not Support.objects.filter(moved_from__isnull=False).exists()


def test_a_member_who_withdraws_from_the_original_after_a_merge_stays_withdrawn_on_undo(pair):
    original, duplicate, fans = pair
    manager = CommunityManagerFactory()
    services.merge_idea(actor=manager, duplicate_id=duplicate.pk, original_id=original.pk)
    services.withdraw_support(user=fans["c"], idea_id=original.pk)
    assert services.unmerge_idea(actor=manager, duplicate_id=duplicate.pk) == 1
    assert counts(original, duplicate) == [2, 3]


def test_merging_is_for_community_managers_only(pair):
    original, duplicate, _ = pair
    for actor in (BrandStaffFactory(), UserFactory(), duplicate.creator):
        with pytest.raises(IdeaActionRefused, match="Only community managers can merge"):
            services.merge_idea(actor=actor, duplicate_id=duplicate.pk, original_id=original.pk)
    assert counts(original, duplicate) == [2, 4]


def test_an_idea_cannot_be_merged_into_itself_or_into_a_merged_idea(pair):
    original, duplicate, _ = pair
    manager = CommunityManagerFactory()
    with pytest.raises(IdeaActionRefused, match="into itself"):
        services.merge_idea(actor=manager, duplicate_id=original.pk, original_id=original.pk)
    services.merge_idea(actor=manager, duplicate_id=duplicate.pk, original_id=original.pk)
    third = published_idea(title="Yet another kettle timer")
    with pytest.raises(IdeaActionRefused, match="itself merged"):
        services.merge_idea(actor=manager, duplicate_id=third.pk, original_id=duplicate.pk)


def test_merge_that_carries_the_original_past_a_milestone_extends_its_deadline(frozen_clock, small_ladder):
    original = published_idea(title="Original with two fans")
    duplicate = published_idea(title="Duplicate with two other fans")
    for name in ["o1", "o2"]:
        services.cast_support(user=UserFactory(username=name), idea_id=original.pk)
    for name in ["d1", "d2"]:
        services.cast_support(user=UserFactory(username=name), idea_id=duplicate.pk)
    services.merge_idea(actor=CommunityManagerFactory(), duplicate_id=duplicate.pk, original_id=original.pk)
    original.refresh_from_db()
    assert original.support_count == 4
    assert original.next_milestone.supporters == 5
    assert list(original.milestones_reached.values_list("supporters", flat=True)) == [3]
