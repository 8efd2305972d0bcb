"""Races on PostgreSQL: a member's parallel requests make one export, record one answer and
schedule one deletion; two erasure runs never erase the same member twice."""

from datetime import timedelta

import pytest

from community.refusals import Refusal
from privacy.models import Consent, DataExport, Erasure
from privacy.purposes import MARKETING_EMAIL
from privacy.services import exports as export_services
from privacy.services.consents import record_consent
from privacy.services.erasure import erase_due_members, request_erasure
from tests.factories import PASSWORD, UserFactory
from tests.parallel import errors_of, run_at_once

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


def test_five_parallel_export_requests_make_one_export_and_refuse_the_others(monkeypatch):
    # The builds are left owed (a worker would take them later), so the race is about the
    # request alone.
    monkeypatch.setattr(export_services, "enqueue_on_commit", lambda *args, **kwargs: None)
    member = UserFactory()
    refused: list[str] = []

    def ask(_):
        try:
            export_services.request_export(user=member)
        except Refusal as refusal:
            refused.append(type(refusal).__name__)

    assert errors_of(run_at_once(ask, 5)) == []
    assert DataExport.objects.filter(user=member).count() == 1
    assert refused == ["Conflict"] * 4


def test_parallel_identical_consents_record_one_answer():
    member = UserFactory()
    outcomes = run_at_once(lambda _: record_consent(
        user=member, purpose=MARKETING_EMAIL, granted=True, source="privacy_page"), 5)
    assert errors_of(outcomes) == []
    assert Consent.objects.filter(user=member).count() == 1
    assert len([outcome for outcome in outcomes if outcome is not None]) == 1


def test_parallel_delete_requests_schedule_one_deletion():
    member = UserFactory()
    outcomes = run_at_once(lambda _: request_erasure(user=member, password=PASSWORD).pk, 5)
    assert errors_of(outcomes) == []
    assert Erasure.objects.filter(user=member).count() == 1
    assert len(set(outcomes)) == 1


def test_two_erasure_runs_at_once_erase_each_member_once():
    members = [UserFactory() for _ in range(3)]
    due = [request_erasure(user=member, password=PASSWORD).due_at for member in members]
    outcomes = run_at_once(lambda _: erase_due_members(now=max(due) + timedelta(minutes=1)), 2)
    assert errors_of(outcomes) == []
    assert sum(outcomes) == 3
    assert Erasure.objects.filter(state=Erasure.State.DONE).count() == 3
