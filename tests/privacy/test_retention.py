"""Retention: stored IP addresses and user agents are cleared after their days, expired
sessions deleted, on the nightly schedule."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone

from privacy.services.retention import NETWORK_DATA, purge_retained_data
from referrals.models import Referral
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def looks_like_network_data(field) -> bool:
    return isinstance(field, models.GenericIPAddressField) or "user_agent" in field.name or (
        field.name.endswith("_ip") or field.name in ("ip", "ip_address"))


def test_every_stored_ip_address_or_user_agent_has_a_retention_rule():
    listed = {(label, name) for label, name, _ in NETWORK_DATA}
    found = {(model._meta.label, field.name) for model in apps.get_models()
             for field in model._meta.concrete_fields if looks_like_network_data(field)
             and model._meta.app_label not in ("wagtailcore", "wagtailadmin", "admin")}
    assert found - listed == set(), "Add these to privacy.services.retention.NETWORK_DATA"


def test_the_jobs_are_scheduled():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["privacy.purge_retained_data"]["schedule"] == timedelta(hours=24)
    assert schedule["privacy.erase_due_members"]["schedule"] == timedelta(hours=1)
    assert schedule["privacy.purge_expired_exports"]["schedule"] == timedelta(hours=24)
    assert schedule["community.purge_old_notifications"]["schedule"] == timedelta(hours=24)
    assert settings.HEARTH_PRIVACY_IP_DAYS == 90


def make_referral(*, days_ago: int, ip="203.0.113.7") -> Referral:
    referral = Referral.objects.create(advocate=UserFactory(), friend=UserFactory(), signup_ip=ip)
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return referral


def test_ip_addresses_older_than_the_setting_are_cleared_and_the_rows_stay(settings):
    settings.HEARTH_PRIVACY_IP_DAYS = 30
    old, recent = make_referral(days_ago=31), make_referral(days_ago=29)
    report = purge_retained_data()
    assert report["referrals.Referral.signup_ip"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.signup_ip, recent.signup_ip) == (None, "203.0.113.7")
    assert purge_retained_data()["referrals.Referral.signup_ip"] == 0  # idempotent


def test_expired_sessions_are_deleted_and_live_ones_kept():
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    assert purge_retained_data()["sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
