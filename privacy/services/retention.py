"""Retention: what is kept only for a while, and the nightly purge that clears it (issue 19,
part 5). Expired exports (privacy.services.exports.purge_expired_exports) and old read
notifications (community.tasks.purge_old_notifications) have jobs of their own."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone

# Every stored IP address or user agent: (model label, field, the time it was recorded).
# tests/privacy/test_retention.py walks the models and fails on one missing here.
NETWORK_DATA = (
    ("referrals.Referral", "signup_ip", "created_at"),
)


def purge_retained_data(*, now=None) -> dict[str, int]:
    """Clear IP addresses and user agents older than HEARTH_PRIVACY_IP_DAYS (the rows stay)
    and delete expired sessions. Idempotent. Returns how many of each were cleared."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.HEARTH_PRIVACY_IP_DAYS)
    report: dict[str, int] = {}
    for label, field, recorded in NETWORK_DATA:
        model = apps.get_model(label)
        blank = None if model._meta.get_field(field).null else ""
        report[f"{label}.{field}"] = (
            model._default_manager.filter(**{f"{recorded}__lt": cutoff})
            .exclude(**{field: blank}).update(**{field: blank}))
    from django.contrib.sessions.models import Session

    report["sessions"], _ = Session.objects.filter(expire_date__lt=now).delete()
    return report
