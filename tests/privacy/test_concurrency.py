"""Races on PostgreSQL: a member's parallel requests make one export and record one answer."""

import pytest

from community.refusals import Refusal
from privacy.models import Consent, DataExport
from privacy.purposes import MARKETING_EMAIL
from privacy.services import exports as export_services
from privacy.services.consents import record_consent
from tests.factories import UserFactory
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
