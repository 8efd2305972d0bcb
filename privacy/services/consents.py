"""Writes for consents: the one way a consent is recorded."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from community.refusals import Invalid
from privacy.models import Consent
from privacy.purposes import PURPOSES


def record_consent(*, user, purpose: str, granted: bool, source: str,
                   wording_version: str | None = None) -> Consent | None:
    """Record ``user``'s answer for ``purpose`` (granted or withdrawn), where they gave it
    and the version of the wording they were shown (the current one unless given).

    Guarantees: the history is append-only (a new row, never an edit); an answer that
    repeats the member's current one records nothing and returns None, even when two arrive
    at once (the member's row is locked while the latest answer is read)."""
    known = PURPOSES.get(purpose)
    if known is None:
        raise Invalid("There is no such consent to give or withdraw.")
    if source not in Consent.Source.values:
        raise Invalid("Unknown place for a consent.")
    version = wording_version or known.current_version
    if version not in known.wordings:
        raise Invalid("That wording of the question is not one we showed.")
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        current = (Consent.objects.filter(user=user, purpose=purpose)
                   .order_by("-recorded_at", "-id").values_list("granted", flat=True).first())
        if current is None and not granted:
            return None  # never granted: nothing to withdraw
        if current is not None and current == granted:
            return None
        return Consent.objects.create(user=user, purpose=purpose, granted=granted, source=source,
                                      wording_version=version, recorded_at=timezone.now())
