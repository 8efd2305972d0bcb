import datetime

import pytest
from django.utils import timezone

from badges import kinds
from badges.models import AppendOnlyError, EventCount, PointRule, PointsEntry, PointsPeriod, UserPoints
from badges.services.ledger import record_event, reverse_event, reverse_source
from badges.services.recompute import recompute_points
from community.models import User
from moderation.models import Suspension
from tests.badges.factories import lift, next_source, suspend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def total(user) -> int:
    return UserPoints.objects.get(user=user).total


@pytest.mark.parametrize(("kind", "points"), [
    ("topic_created", 5), ("reply_created", 2), ("like_received", 1), ("answer_accepted", 15),
    ("idea_submitted", 5), ("idea_support_received", 1), ("idea_milestone", 25),
    ("review_written", 10), ("review_verified_owner", 5), ("review_helpful", 2),
    ("flag_upheld", 5), ("idea_supported", 0),
])
def test_every_default_rule_awards_its_points(kind, points):
    member, other = UserFactory(), UserFactory()
    entry = record_event(kind=kind, user_id=member.pk, source_id=next_source(), actor_id=other.pk)
    assert entry.points == points
    assert total(member) == points
    assert EventCount.objects.get(user=member, kind=kind).count == 1


def test_a_replayed_event_is_a_no_op():
    member, liker = UserFactory(), UserFactory()
    post = next_source()
    assert record_event(kind="like_received", user_id=member.pk, source_id=post, actor_id=liker.pk)
    assert record_event(kind="like_received", user_id=member.pk, source_id=post,
                        actor_id=liker.pk) is None
    assert PointsEntry.objects.filter(user=member).count() == 1
    assert total(member) == 1


def test_two_members_liking_the_same_post_each_count():
    member = UserFactory()
    post = next_source()
    for liker in (UserFactory(), UserFactory()):
        record_event(kind="like_received", user_id=member.pk, source_id=post, actor_id=liker.pk)
    assert total(member) == 2


def test_liking_your_own_post_earns_nothing():
    member = UserFactory()
    assert record_event(kind="like_received", user_id=member.pk, source_id=next_source(),
                        actor_id=member.pk) is None
    assert not PointsEntry.objects.filter(user=member).exists()


def test_accepting_an_answer_on_your_own_topic_earns_nothing():
    member = UserFactory()
    assert record_event(kind="answer_accepted", user_id=member.pk, source_id=next_source(),
                        actor_id=member.pk) is None


def test_an_inactive_member_earns_nothing():
    member = UserFactory(is_active=False)
    assert record_event(kind="topic_created", user_id=member.pk, source_id=next_source()) is None


def test_a_suspended_member_earns_nothing_until_the_suspension_ends():
    member = UserFactory()
    suspension = suspend(member, days=3)
    assert record_event(kind="topic_created", user_id=member.pk, source_id=next_source()) is None
    ended = timezone.now() - datetime.timedelta(seconds=1)  # three days later
    Suspension.objects.filter(pk=suspension.pk).update(
        starts_at=ended - datetime.timedelta(days=3), ends_at=ended)
    User.objects.filter(pk=member.pk).update(suspended_until=ended)
    member.refresh_from_db()
    assert record_event(kind="topic_created", user_id=member.pk, source_id=next_source())


def test_a_member_whose_suspension_is_lifted_early_earns_again_at_once():
    member = UserFactory()
    suspension = suspend(member, days=None)  # permanent
    assert record_event(kind="topic_created", user_id=member.pk, source_id=next_source()) is None
    lift(suspension)
    assert record_event(kind="topic_created", user_id=member.pk, source_id=next_source())
    assert total(member) > 0


def test_withdrawing_a_like_adds_a_reversing_entry_and_nothing_is_edited():
    member, liker = UserFactory(), UserFactory()
    post = next_source()
    original = record_event(kind="like_received", user_id=member.pk, source_id=post,
                            actor_id=liker.pk)
    reversals = reverse_event(kind="like_received", source_id=post, user_id=member.pk,
                              variant=liker.pk)
    assert [r.points for r in reversals] == [-1]
    assert reversals[0].reverses == original
    assert reversals[0].reason == "like_received.reversed"
    assert total(member) == 0
    assert EventCount.objects.get(user=member, kind="like_received").count == 0
    original.refresh_from_db()
    assert original.points == 1
    # Withdrawing twice changes nothing more.
    assert reverse_event(kind="like_received", source_id=post, user_id=member.pk,
                         variant=liker.pk) == []
    assert total(member) == 0


def test_deleting_content_reverses_everything_earned_from_it():
    author, liker1, liker2 = UserFactory(), UserFactory(), UserFactory()
    post = next_source()
    record_event(kind="reply_created", user_id=author.pk, source_id=post)
    record_event(kind="like_received", user_id=author.pk, source_id=post, actor_id=liker1.pk)
    record_event(kind="like_received", user_id=author.pk, source_id=post, actor_id=liker2.pk)
    assert total(author) == 4
    assert len(reverse_source(source_label="forum.post", source_id=post)) == 3
    assert total(author) == 0
    assert reverse_source(source_label="forum.post", source_id=post) == []


def test_the_daily_cap_cuts_points_but_not_accepted_answers_or_milestones(settings):
    settings.HEARTH_BADGES_DAILY_CAP = 12
    member = UserFactory()
    awarded = [record_event(kind="topic_created", user_id=member.pk, source_id=next_source()).points
               for _ in range(3)]
    assert awarded == [5, 5, 2]
    capped = record_event(kind="topic_created", user_id=member.pk, source_id=next_source())
    assert (capped.points, capped.rule_points) == (0, 5)
    answer = record_event(kind="answer_accepted", user_id=member.pk, source_id=next_source(),
                          actor_id=UserFactory().pk)
    milestone = record_event(kind="idea_milestone", user_id=member.pk, source_id=next_source(),
                             variant=100)
    assert (answer.points, milestone.points) == (15, 25)
    assert total(member) == 12 + 15 + 25


def test_the_cap_starts_again_the_next_day(settings):
    settings.HEARTH_BADGES_DAILY_CAP = 5
    member = UserFactory()
    today = timezone.now()
    record_event(kind="topic_created", user_id=member.pk, source_id=next_source(), now=today)
    tomorrow = today + datetime.timedelta(days=1)
    entry = record_event(kind="topic_created", user_id=member.pk, source_id=next_source(),
                         now=tomorrow)
    assert entry.points == 5


def test_editing_a_rule_applies_to_new_events_and_keeps_history():
    member = UserFactory()
    first = record_event(kind="topic_created", user_id=member.pk, source_id=next_source())
    rule = PointRule.objects.get(key="topic_created")
    rule.points = 7
    rule.save()  # as the admin does
    second = record_event(kind="topic_created", user_id=member.pk, source_id=next_source())
    first.refresh_from_db()
    assert (first.points, second.points) == (5, 7)
    assert total(member) == 12
    rule.active = False
    rule.save()
    third = record_event(kind="topic_created", user_id=member.pk, source_id=next_source())
    assert third.points == 0


def test_ledger_entries_cannot_be_edited_or_deleted():
    member = UserFactory()
    entry = record_event(kind="topic_created", user_id=member.pk, source_id=next_source())
    entry.points = 500
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        PointsEntry.objects.filter(pk=entry.pk).update(points=500)
    with pytest.raises(AppendOnlyError):
        PointsEntry.objects.filter(pk=entry.pk).delete()
    assert PointsEntry.objects.get(pk=entry.pk).points == 5


def test_period_rollups_follow_the_entries():
    member = UserFactory()
    record_event(kind="topic_created", user_id=member.pk, source_id=next_source())
    record_event(kind="reply_created", user_id=member.pk, source_id=next_source())
    periods = dict(PointsPeriod.objects.filter(user=member).values_list("kind", "points"))
    assert periods == {"day": 7, "week": 7, "month": 7}


def test_recompute_finds_nothing_after_incremental_updates_and_repairs_drift():
    member, liker = UserFactory(), UserFactory()
    post = next_source()
    record_event(kind="reply_created", user_id=member.pk, source_id=post)
    record_event(kind="like_received", user_id=member.pk, source_id=post, actor_id=liker.pk)
    reverse_event(kind="like_received", source_id=post, user_id=member.pk, variant=liker.pk)
    assert recompute_points() == 0
    UserPoints.objects.filter(user=member).update(total=999)
    EventCount.objects.filter(user=member, kind="reply_created").update(count=5)
    PointsPeriod.objects.filter(user=member, kind="week").delete()
    assert recompute_points() == 3
    assert total(member) == 2
    assert recompute_points() == 0


def test_recompute_points_command_reports_differences(capsys):
    from django.core.management import call_command

    member = UserFactory()
    record_event(kind="topic_created", user_id=member.pk, source_id=next_source())
    UserPoints.objects.filter(user=member).update(total=1)
    call_command("recompute_points")
    assert "differed" in capsys.readouterr().out
    call_command("recompute_points")
    assert "match" in capsys.readouterr().out


def test_the_engine_uses_the_kind_names_the_rules_use():
    assert set(kinds.SOURCES) - {"challenge_completed"} == set(
        PointRule.objects.values_list("key", flat=True))


def test_hidden_content_loses_its_points_and_earns_them_back_when_restored(monkeypatch):
    from badges.services import ledger
    from badges.services.ledger import restore_source

    monkeypatch.setattr(ledger, "WITHDRAWABLE_ACTS", {})  # no like rows behind these made-up ids

    author, liker = UserFactory(), UserFactory()
    post = next_source()
    record_event(kind="reply_created", user_id=author.pk, source_id=post)
    record_event(kind="like_received", user_id=author.pk, source_id=post, actor_id=liker.pk,
                 occurrence=7)
    assert len(reverse_source(source_label="forum.post", source_id=post,
                              cause=PointsEntry.HIDDEN)) == 2
    assert total(author) == 0
    assert len(restore_source(source_label="forum.post", source_id=post)) == 2
    assert restore_source(source_label="forum.post", source_id=post) == []
    assert total(author) == 3
    # Hidden and restored a second time: the next generation.
    reverse_source(source_label="forum.post", source_id=post, cause=PointsEntry.HIDDEN)
    restore_source(source_label="forum.post", source_id=post)
    assert total(author) == 3
    assert sorted(PointsEntry.objects.filter(user=author, reason="reply_created")
                  .values_list("generation", flat=True)) == [0, 1, 2]
    assert EventCount.objects.get(user=author, kind="like_received").count == 1
    assert recompute_points() == 0


def test_restoring_content_does_not_give_back_a_withdrawn_like_or_a_deleted_post():
    from badges.services.ledger import restore_source

    author, liker = UserFactory(), UserFactory()
    post = next_source()
    record_event(kind="reply_created", user_id=author.pk, source_id=post)
    record_event(kind="like_received", user_id=author.pk, source_id=post, actor_id=liker.pk)
    reverse_event(kind="like_received", source_id=post, user_id=author.pk, variant=liker.pk)
    reverse_source(source_label="forum.post", source_id=post, cause=PointsEntry.HIDDEN)
    restore_source(source_label="forum.post", source_id=post)
    assert total(author) == 2  # the reply again, not the withdrawn like
    other = next_source()
    record_event(kind="reply_created", user_id=author.pk, source_id=other)
    reverse_source(source_label="forum.post", source_id=other)  # deleted
    assert restore_source(source_label="forum.post", source_id=other) == []


def test_a_suspended_member_gets_nothing_back_on_restore():
    from badges.services.ledger import restore_source

    author = UserFactory()
    post = next_source()
    record_event(kind="reply_created", user_id=author.pk, source_id=post)
    reverse_source(source_label="forum.post", source_id=post, cause=PointsEntry.HIDDEN)
    suspend(author, days=1)
    assert restore_source(source_label="forum.post", source_id=post) == []
    assert total(author) == 0
