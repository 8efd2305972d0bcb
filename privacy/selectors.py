"""Reads for the privacy page, the export status and community's marketing-email gate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from privacy.models import Consent, DataExport
from privacy.purposes import MARKETING_EMAIL, PURPOSES, Purpose, wording_for


def _latest(purpose: str):
    return (Consent.objects.filter(user=OuterRef("pk"), purpose=purpose)
            .order_by("-recorded_at", "-id").values("granted")[:1])


def has_marketing_consent(user_id: int) -> bool:
    """The member's latest marketing answer is a grant."""
    return bool(Consent.objects.filter(user_id=user_id, purpose=MARKETING_EMAIL)
                .order_by("-recorded_at", "-id").values_list("granted", flat=True).first())


def marketing_consented(user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` whose latest marketing answer is a grant (one query)."""
    from django.contrib.auth import get_user_model

    return set(get_user_model().objects.filter(pk__in=list(user_ids))
               .annotate(latest=Subquery(_latest(MARKETING_EMAIL)))
               .filter(latest=True).values_list("pk", flat=True))


@dataclass(frozen=True)
class ConsentState:
    purpose: Purpose
    granted: bool
    history: list[Consent]


def consent_states(*, user) -> list[ConsentState]:
    """Each purpose with the member's current answer and their history, newest first (one
    query for every purpose)."""
    history: dict[str, list[Consent]] = {key: [] for key in PURPOSES}
    for consent in Consent.objects.filter(user=user).order_by("-recorded_at", "-id"):
        if consent.purpose in history:
            consent.wording = wording_for(consent.purpose, consent.wording_version)
            history[consent.purpose].append(consent)
    return [ConsentState(purpose=purpose, granted=bool(history[key]) and history[key][0].granted,
                         history=history[key]) for key, purpose in PURPOSES.items()]


def latest_export(*, user) -> DataExport | None:
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-id").first()


def export_status(export: DataExport | None) -> dict:
    """What the page's script is told about the member's latest export."""
    from django.urls import reverse
    from django.utils import timezone

    if export is None:
        return {"status": "none"}
    status = export.status
    if status == DataExport.Status.READY and not export.downloadable(timezone.now()):
        status = DataExport.Status.EXPIRED
    data = {"status": status, "progress": export.progress, "step": export.step,
            "requested_at": export.requested_at.isoformat()}
    if status == DataExport.Status.READY:
        data["download_url"] = reverse("privacy:download", kwargs={"export_id": export.pk})
        data["expires_at"] = export.expires_at.isoformat()
        data["size"] = export.size
    return data
