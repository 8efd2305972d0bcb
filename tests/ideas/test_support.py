"""Supporting ideas: the rules, the counter and concurrency."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from ideas import services
from ideas.models import Idea, Support
from ideas.services import IdeaActionRefused
from ideas.services.support import recompute_support_counts
from tests.factories import BrandStaffFactory, UserFactory
from tests.ideas.factories import published_idea, submitted_idea


@pytest.mark.django_db
def test_support_is_counted_once_and_supporting_twice_is_a_no_op(frozen_clock):
    idea = published_idea()
    fan = UserFactory()
    assert services.cast_support(user=fan, idea_id=idea.pk) is True
    assert services.cast_support(user=fan, idea_id=idea.pk) is False
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert Support.objects.filter(idea=idea).count() == 1


@pytest.mark.django_db
def test_support_is_refused_for_own_idea(frozen_clock):
    idea = published_idea()
    with pytest.raises(IdeaActionRefused, match="You cannot support your own idea."):
        services.cast_support(user=idea.creator, idea_id=idea.pk)


@pytest.mark.django_db
def test_support_is_refused_while_in_review(frozen_clock):
    idea = submitted_idea()
    with pytest.raises(IdeaActionRefused, match="does not exist"):
        services.cast_support(user=UserFactory(), idea_id=idea.pk)


@pytest.mark.django_db
def test_support_is_refused_for_a_closed_idea(frozen_clock):
    staff = BrandStaffFactory()
    idea = published_idea(staff=staff)
    services.decide_idea(actor=staff, idea_id=idea.pk, to_status="archived", comment="Out of scope now.")
    with pytest.raises(IdeaActionRefused, match="This idea is archived: it no longer gathers support."):
        services.cast_support(user=UserFactory(), idea_id=idea.pk)


@pytest.mark.django_db
def test_support_is_refused_for_an_expired_idea_before_and_after_the_job(frozen_clock):
    idea = published_idea()
    frozen_clock.advance(timedelta(days=61))
    with pytest.raises(IdeaActionRefused, match="This idea has expired"):
        services.cast_support(user=UserFactory(), idea_id=idea.pk)
    services.run_lifecycle()
    with pytest.raises(IdeaActionRefused, match="This idea has expired"):
        services.cast_support(user=UserFactory(), idea_id=idea.pk)


@pytest.mark.django_db
def test_withdrawing_support_lowers_the_count_and_withdrawing_twice_does_nothing(frozen_clock):
    idea = published_idea()
    fan = UserFactory()
    services.cast_support(user=fan, idea_id=idea.pk)
    assert services.withdraw_support(user=fan, idea_id=idea.pk) is True
    assert services.withdraw_support(user=fan, idea_id=idea.pk) is False
    idea.refresh_from_db()
    assert idea.support_count == 0


@pytest.mark.django_db
def test_support_cannot_be_withdrawn_once_the_idea_is_closed(frozen_clock):
    staff = BrandStaffFactory()
    idea = published_idea(staff=staff)
    fan = UserFactory()
    services.cast_support(user=fan, idea_id=idea.pk)
    services.decide_idea(actor=staff, idea_id=idea.pk, to_status="archived", comment="Archived.")
    with pytest.raises(IdeaActionRefused, match="no longer gathers support"):
        services.withdraw_support(user=fan, idea_id=idea.pk)


@pytest.mark.django_db
def test_recompute_repairs_a_drifted_counter_and_reports_it(frozen_clock):
    idea = published_idea()
    for _ in range(3):
        services.cast_support(user=UserFactory(), idea_id=idea.pk)
    Idea.objects.filter(pk=idea.pk).update(support_count=42)
    assert recompute_support_counts() == 1
    idea.refresh_from_db()
    assert idea.support_count == 3
    assert recompute_support_counts() == 0
    call_command("recompute_counts")  # registered with the site-wide command


def _support_concurrently(idea_id: int, users: list) -> list:
    barrier = threading.Barrier(len(users))
    errors = []

    def run(user):
        try:
            barrier.wait(timeout=30)
            services.cast_support(user=user, idea_id=idea_id)
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _concurrent_supports_are_all_counted(count: int) -> None:
    idea = published_idea()
    users = [UserFactory(username=f"crowd{n}") for n in range(count)]
    errors = _support_concurrently(idea.pk, users)
    assert errors == []
    idea.refresh_from_db()
    assert idea.support_count == count
    assert Support.objects.filter(idea=idea).count() == count


@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_from_sixteen_threads_are_all_counted(migrated_rows):
    _concurrent_supports_are_all_counted(16)


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_sixty_four_members_supporting_at_once_yield_exactly_sixty_four(migrated_rows):
    assert connection.vendor == "postgresql"
    _concurrent_supports_are_all_counted(64)
