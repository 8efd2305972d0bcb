"""Suspected like rings, reported by the badges app for community managers to look at."""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from moderation.models import SuspectedRing


def report_suspected_ring(*, user_ids: list[int], evidence: dict) -> SuspectedRing:
    """Record that ``user_ids`` seem to like each other's content by arrangement.

    Guarantees: one row per set of members (order does not matter); reporting the same set
    again bumps its count and replaces the evidence instead of adding a row.
    """
    members = sorted({int(user_id) for user_id in user_ids})
    if len(members) < 2:
        raise ValueError("A ring needs at least two members.")
    fingerprint = hashlib.sha256(",".join(map(str, members)).encode()).hexdigest()
    now = timezone.now()
    try:
        with transaction.atomic():
            return SuspectedRing.objects.create(fingerprint=fingerprint, user_ids=members, evidence=evidence,
                                                reported_at=now, last_reported_at=now)
    except IntegrityError:
        SuspectedRing.objects.filter(fingerprint=fingerprint).update(
            times_reported=F("times_reported") + 1, last_reported_at=now, evidence=evidence
        )
        return SuspectedRing.objects.get(fingerprint=fingerprint)
