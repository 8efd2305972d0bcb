"""Writes that cross members stay right when they happen at the same moment."""

import threading

import pytest
from django.db import connection, connections

from moderation.models import Flag, QueueItem
from moderation.services.limits import ActionRefused, check_can_act
from tests.factories import UserFactory
from tests.moderation.factories import flag_profile, member_at, restore_migration_data


def run_together(functions):
    barrier = threading.Barrier(len(functions))
    results = []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_take_more_than_the_rate_limit(settings):
    restore_migration_data()
    settings.HEARTH_TRUST_RATE_LIMITS = {2: {"reply": (3, 3600)}}
    member = member_at(2)
    results = run_together([lambda: check_can_act(user=member, action="reply")] * 10)
    assert sum(result is None for result in results) == 3
    assert sum(isinstance(result, ActionRefused) for result in results) == 7


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_members_flagging_at_the_same_moment_share_one_item_and_hide_it_once():
    assert connection.vendor == "postgresql"
    restore_migration_data()
    target = UserFactory()
    flaggers = [member_at(1) for _ in range(4)]
    results = run_together([lambda f=f: flag_profile(target, by=f) for f in flaggers])
    assert all(isinstance(result, Flag) for result in results), results
    item = QueueItem.objects.get()
    assert item.score == 4 and item.hidden_pending_review
    from moderation.models import ModerationAction
    assert ModerationAction.objects.filter(action="auto_hide").count() == 1
