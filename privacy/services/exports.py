"""Writes for data exports: requesting one, building it (from the Celery task), expiring
old ones."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from community.deferred import enqueue_on_commit
from community.refusals import Conflict, RateLimited
from community.services.notifications import notify
from privacy import exporter
from privacy.models import DataExport

logger = logging.getLogger(__name__)

READY_KIND = "privacy.export_ready"


def export_dir() -> Path:
    path = Path(settings.HEARTH_PRIVACY_EXPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(export: DataExport) -> Path:
    return export_dir() / export.file_name


def request_export(*, user) -> DataExport:
    """Start a new export of ``user``'s data: the ZIP is built by a task after commit.

    Refuses (``Conflict``) while one of theirs is still being prepared, and
    (``RateLimited``) past HEARTH_PRIVACY_EXPORTS_PER_DAY requests in 24 hours. Guarantees at
    most one export in progress per member even when two requests race (the member's row is
    locked, and a partial unique constraint backs it). A new export replaces the member's
    earlier ready one, whose file is deleted after commit."""
    from privacy.tasks import build_export

    now = timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        mine = DataExport.objects.filter(user=user)
        if mine.filter(status__in=DataExport.IN_PROGRESS).exists():
            raise Conflict("Your data export is already being prepared. It will appear here "
                           "when it is ready, and we will email you the link.")
        recent = list(mine.filter(requested_at__gt=now - timedelta(days=1))
                      .order_by("requested_at").values_list("requested_at", flat=True))
        if len(recent) >= settings.HEARTH_PRIVACY_EXPORTS_PER_DAY:
            retry_at = recent[0] + timedelta(days=1)
            raise RateLimited(
                f"You asked for {len(recent)} exports in the last 24 hours, the most we make "
                f"in a day. You can ask again after {retry_at:%d %b %Y, %H:%M} UTC.",
                retry_at=retry_at)
        replaced = list(mine.filter(status=DataExport.Status.READY))
        if replaced:
            DataExport.objects.filter(pk__in=[e.pk for e in replaced]).update(
                status=DataExport.Status.EXPIRED, expires_at=now)
            _delete_files_after_commit([e.file_name for e in replaced])
        export = DataExport.objects.create(user=user, requested_at=now, step="Waiting to start")
        enqueue_on_commit(build_export, export.pk)
    return export


def build_export(*, export_id: int) -> bool:
    """Build the ZIP of one requested export, recording progress as each file is written,
    then email its link. Idempotent: an export already ready, failed or expired is left
    alone, and a second run of a half-built one (the worker died) starts it again from the
    beginning into a fresh file. Returns whether it built the file."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.HEARTH_PRIVACY_EXPORT_STALE_MINUTES)
    claimed = (DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING)
               .update(status=DataExport.Status.RUNNING, started_at=now, progress=0,
                       step="Starting"))
    if not claimed:
        # A run that died half-way (its row stays running with no progress for a while).
        claimed = (DataExport.objects.filter(pk=export_id, status=DataExport.Status.RUNNING,
                                             started_at__lt=stale)
                   .update(started_at=now, progress=0, step="Starting again"))
    if not claimed:
        return False
    export = DataExport.objects.select_related("user").get(pk=export_id)
    name = DataExport.new_file_name()
    final = export_dir() / name
    partial = final.with_suffix(".part")

    def on_file(done: int, total: int, file_name: str) -> None:
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.RUNNING).update(
            progress=min(99, done * 100 // total), step=f"Written {file_name}")

    try:
        size = exporter.write_zip(user=export.user, path=partial, when=now,
                                  site=settings.WAGTAIL_SITE_NAME, on_file=on_file)
        os.replace(partial, final)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        logger.exception("Data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.RUNNING).update(
            status=DataExport.Status.FAILED, finished_at=timezone.now(),
            error=f"{type(exc).__name__}"[:300], step="Failed")
        return False
    finished = timezone.now()
    with transaction.atomic():
        done = DataExport.objects.filter(pk=export_id, status=DataExport.Status.RUNNING).update(
            status=DataExport.Status.READY, progress=100, step="Ready", file_name=name, size=size,
            finished_at=finished,
            expires_at=finished + timedelta(days=settings.HEARTH_PRIVACY_EXPORT_DAYS))
        if not done:  # replaced or expired meanwhile: nobody will ask for this file
            final.unlink(missing_ok=True)
            return False
        notify(recipient=export.user, kind=READY_KIND,
               message=(f"Your data export is ready. Download it within "
                        f"{settings.HEARTH_PRIVACY_EXPORT_DAYS} days."),
               url=reverse("privacy:download", kwargs={"export_id": export_id}),
               dedupe_key=f"privacy.export:{export_id}")
    return True


def purge_expired_exports() -> int:
    """Delete the files of exports past their 7 days (or replaced), and of exports that
    failed; the rows stay as the record of what was asked, marked expired. Returns how many
    exports were expired."""
    now = timezone.now()
    due = list(DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now)
               .values_list("pk", "file_name"))
    if due:
        DataExport.objects.filter(pk__in=[pk for pk, _ in due]).update(
            status=DataExport.Status.EXPIRED)
    for _, file_name in due:
        _delete_file(file_name)
    # Files left behind by exports replaced, failed or expired (a crash between the update
    # and the delete), and partial files of runs that died.
    keep = set(DataExport.objects.filter(status=DataExport.Status.READY)
               .values_list("file_name", flat=True))
    cutoff = (now - timedelta(minutes=settings.HEARTH_PRIVACY_EXPORT_STALE_MINUTES)).timestamp()
    for path in export_dir().iterdir():
        if path.name not in keep and path.suffix in (".zip", ".part") and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
    # Exports whose run never finished and never will (every attempt died).
    DataExport.objects.filter(
        status__in=DataExport.IN_PROGRESS,
        requested_at__lt=now - timedelta(days=1)).update(
        status=DataExport.Status.FAILED, step="Failed", error="did not finish", finished_at=now)
    return len(due)


def _delete_file(file_name: str) -> None:
    if file_name:
        (export_dir() / file_name).unlink(missing_ok=True)


def _delete_files_after_commit(file_names: list[str]) -> None:
    def delete() -> None:
        for file_name in file_names:
            _delete_file(file_name)

    transaction.on_commit(delete, robust=True)


