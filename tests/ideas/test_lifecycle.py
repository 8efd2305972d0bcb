"""The whole idea lifecycle with a controllable clock."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from community.models import Notification
from ideas import services, signals
from ideas.models import Idea, MilestoneReached, Status, StatusChange
from ideas.services import IdeaActionRefused
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.ideas.conftest import START
from tests.ideas.factories import published_idea, submitted_idea, support_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """Collect every ideas signal sent, with its payload."""
    events = []
    handlers = {}
    for name in ["idea_submitted", "idea_published", "idea_supported", "idea_support_withdrawn",
                 "idea_milestone_reached", "idea_status_changed", "idea_merged"]:
        def handler(sender, name=name, **payload):
            payload.pop("signal", None)
            events.append((name, payload))
        handlers[name] = handler
        getattr(signals, name).connect(handler)
    yield events
    for name, handler in handlers.items():
        getattr(signals, name).disconnect(handler)


def test_new_idea_starts_in_review_private_and_without_deadline(frozen_clock):
    idea = submitted_idea()
    assert idea.status == Status.IN_REVIEW
    assert idea.published_at is None and idea.deadline is None
    assert list(idea.status_changes.values_list("to_status", flat=True)) == ["in_review"]


def test_default_ladder_is_lego_ideas(db):
    from ideas.models import Milestone

    assert list(Milestone.objects.values_list("supporters", "window_days")) == [
        (100, 60), (1_000, 365), (5_000, 180), (10_000, 180)
    ]


def test_approval_publishes_with_the_first_milestone_deadline(
    frozen_clock, django_capture_on_commit_callbacks, received
):
    idea = submitted_idea()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_idea(actor=BrandStaffFactory(), idea_id=idea.pk, to_status="gathering_support")
    idea.refresh_from_db()
    assert idea.status == Status.GATHERING_SUPPORT
    assert idea.published_at == START
    assert idea.deadline == START + timedelta(days=60)
    assert idea.next_milestone.supporters == 100
    assert ("idea_published", {"idea_id": idea.pk, "creator_id": idea.creator_id,
                               "actor_id": idea.status_changes.last().actor_id}) in received


def test_milestone_reached_in_time_extends_the_deadline_from_that_moment(frozen_clock, small_ladder, received,
                                                                        django_capture_on_commit_callbacks):
    idea = published_idea()
    assert idea.deadline == START + timedelta(days=10)
    frozen_clock.advance(timedelta(days=9))
    with django_capture_on_commit_callbacks(execute=True):
        support_from(idea, 3)
    assert idea.next_milestone.supporters == 5
    assert idea.deadline == START + timedelta(days=9 + 20)
    assert idea.status == Status.GATHERING_SUPPORT
    reached = MilestoneReached.objects.get(idea=idea)
    assert (reached.supporters, reached.reached_at) == (3, START + timedelta(days=9))
    assert ("idea_milestone_reached", {"idea_id": idea.pk, "creator_id": idea.creator_id, "supporters": 3,
                                       "is_final": False}) in received
    assert Notification.objects.filter(recipient=idea.creator, kind="ideas.milestone").count() == 1


def test_reaching_the_last_milestone_makes_the_idea_achieved(frozen_clock, small_ladder):
    idea = published_idea()
    support_from(idea, 7)
    assert idea.status == Status.ACHIEVED
    assert idea.deadline is None and idea.next_milestone is None
    assert list(idea.milestones_reached.values_list("supporters", flat=True)) == [3, 5, 7]
    change = idea.status_changes.last()
    assert (change.to_status, change.actor) == ("achieved", None)


def test_missed_deadline_expires_the_idea_and_pages_show_it_expired_before_the_job_runs(frozen_clock,
                                                                                         small_ladder):
    idea = published_idea()
    support_from(idea, 2)
    frozen_clock.advance(timedelta(days=10))
    idea.refresh_from_db()
    # The job has not run yet: the row still says gathering support, every reader says expired.
    assert idea.status == Status.GATHERING_SUPPORT
    assert idea.effective_status == Status.EXPIRED
    assert Idea.objects.with_effective_status().get(pk=idea.pk).shown_status == "expired"
    with pytest.raises(IdeaActionRefused, match="expired"):
        services.cast_support(user=UserFactory(), idea_id=idea.pk)

    report = services.run_lifecycle()
    assert report.expired == [idea.pk]
    idea.refresh_from_db()
    assert idea.status == Status.EXPIRED
    assert "2 of the 3 supporters" in idea.status_changes.last().comment
    # Idempotent: a second run changes nothing.
    assert services.run_lifecycle().expired == []
    assert idea.status_changes.filter(to_status="expired").count() == 1


def test_support_just_before_the_deadline_counts_and_the_job_keeps_the_idea(frozen_clock, small_ladder):
    idea = published_idea()
    support_from(idea, 2)
    frozen_clock.advance(timedelta(days=10) - timedelta(seconds=1))
    support_from(idea, 1, prefix="late")
    frozen_clock.advance(timedelta(seconds=2))
    assert services.run_lifecycle().expired == []
    idea.refresh_from_db()
    assert idea.status == Status.GATHERING_SUPPORT and idea.next_milestone.supporters == 5


def test_expired_idea_can_be_resubmitted_once_keeping_history_and_supporters(frozen_clock, small_ladder):
    staff = BrandStaffFactory()
    idea = published_idea(staff=staff)
    support_from(idea, 2)
    frozen_clock.advance(timedelta(days=11))
    services.run_lifecycle()
    other = UserFactory()
    with pytest.raises(IdeaActionRefused, match="Only the member who submitted"):
        services.resubmit_expired_idea(user=other, idea_id=idea.pk)

    services.resubmit_expired_idea(user=idea.creator, idea_id=idea.pk)
    idea.refresh_from_db()
    assert idea.status == Status.IN_REVIEW and idea.resubmission_count == 1
    services.decide_idea(actor=staff, idea_id=idea.pk, to_status="gathering_support")
    idea.refresh_from_db()
    assert idea.support_count == 2
    assert idea.published_at == START  # first publication kept
    assert idea.deadline == START + timedelta(days=11 + 10)
    assert list(idea.status_changes.values_list("to_status", flat=True)) == [
        "in_review", "gathering_support", "expired", "in_review", "gathering_support"
    ]

    frozen_clock.advance(timedelta(days=11))
    services.run_lifecycle()
    with pytest.raises(IdeaActionRefused, match="already been resubmitted once"):
        services.resubmit_expired_idea(user=idea.creator, idea_id=idea.pk)


def test_resubmission_before_the_job_records_the_expiry_first(frozen_clock, small_ladder):
    idea = published_idea()
    frozen_clock.advance(timedelta(days=30))
    services.resubmit_expired_idea(user=idea.creator, idea_id=idea.pk)
    assert list(idea.status_changes.values_list("to_status", flat=True)) == [
        "in_review", "gathering_support", "expired", "in_review"
    ]


def test_needs_work_with_a_reason_then_revision_goes_back_to_review(frozen_clock):
    idea = submitted_idea()
    manager = CommunityManagerFactory()
    with pytest.raises(IdeaActionRefused, match="Write a comment"):
        services.decide_idea(actor=manager, idea_id=idea.pk, to_status="needs_work")
    services.decide_idea(actor=manager, idea_id=idea.pk, to_status="needs_work", comment="Add a sketch.")
    services.revise_idea(user=idea.creator, idea_id=idea.pk, title="A travel lid with a sketch",
                         description="Now with a sketch of the lid and how it clicks shut.")
    idea.refresh_from_db()
    assert idea.status == Status.IN_REVIEW
    assert idea.slug == "a-travel-lid-with-a-sketch"
    assert [c.comment for c in idea.status_changes.all()][1] == "Add a sketch."


def test_staff_decisions_follow_the_allowed_path_each_with_a_public_comment(
    frozen_clock, small_ladder, django_capture_on_commit_callbacks
):
    staff = BrandStaffFactory()
    idea = published_idea(staff=staff)
    fans = support_from(idea, 7)
    assert idea.status == Status.ACHIEVED
    with pytest.raises(IdeaActionRefused, match="cannot be moved to shipped"):
        services.decide_idea(actor=staff, idea_id=idea.pk, to_status="shipped", comment="Early!")
    for to_status in ["approved", "in_development", "shipped", "archived"]:
        with django_capture_on_commit_callbacks(execute=True):
            services.decide_idea(actor=staff, idea_id=idea.pk, to_status=to_status,
                                 comment=f"Now {to_status}.")
    idea.refresh_from_db()
    assert idea.status == Status.ARCHIVED
    shipped = StatusChange.objects.get(idea=idea, to_status="shipped")
    # Creator and all seven supporters hear about it, once each.
    notified = Notification.objects.filter(dedupe_key=f"ideas.status:{shipped.pk}")
    assert set(notified.values_list("recipient_id", flat=True)) == {idea.creator_id, *[f.pk for f in fans]}
    assert notified.get(recipient=fans[0]).message.endswith("is now shipped.")


def test_customers_cannot_make_staff_decisions(frozen_clock):
    idea = submitted_idea()
    with pytest.raises(IdeaActionRefused, match="Only community managers and brand staff"):
        services.decide_idea(actor=UserFactory(), idea_id=idea.pk, to_status="gathering_support")
    with pytest.raises(IdeaActionRefused, match="Only community managers and brand staff"):
        services.decide_idea(actor=idea.creator, idea_id=idea.pk, to_status="gathering_support")


def test_status_change_fan_out_runs_in_batches_and_twice_creates_nothing_new(
    frozen_clock, small_ladder, settings, django_capture_on_commit_callbacks
):
    from ideas.tasks import notify_status_change

    settings.HEARTH_IDEAS_NOTIFY_BATCH = 2
    staff = BrandStaffFactory()
    idea = published_idea(staff=staff)
    support_from(idea, 5)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_idea(actor=staff, idea_id=idea.pk, to_status="archived", comment="Archived.")
    change = idea.status_changes.last()
    assert Notification.objects.filter(dedupe_key=f"ideas.status:{change.pk}").count() == 6
    assert notify_status_change(change.pk) == 6  # 6 recipients, in 3 batches
    assert Notification.objects.filter(dedupe_key=f"ideas.status:{change.pk}").count() == 6


def test_periodic_task_and_tick_command_apply_the_lifecycle(frozen_clock, small_ladder):
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["ideas.run_lifecycle"]["task"] == "ideas.tasks.run_lifecycle"
    idea = published_idea()
    later = (START + timedelta(days=11)).strftime("%Y-%m-%dT%H:%M")
    call_command("ideas_tick", "--at", later)
    idea.refresh_from_db()
    assert idea.status == Status.EXPIRED


def test_trending_prefers_recent_activity_over_age(frozen_clock):
    from ideas.services.lifecycle import trending_score

    old = published_idea(title="An old idea with many old supports")
    support_from(old, 4, prefix="old")
    frozen_clock.advance(timedelta(days=30))
    new = published_idea(title="A fresh idea with fresh supports")
    support_from(new, 2, prefix="new")
    services.refresh_trending()
    old.refresh_from_db()
    new.refresh_from_db()
    assert new.trending_score > old.trending_score
    assert trending_score(recent_supports=0, recent_comments=0, age_hours=0) == pytest.approx(1 / 2 ** 0.5)
