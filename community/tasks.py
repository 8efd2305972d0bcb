"""Thin Celery tasks: fetch by id, call a service, own the retries. Each is idempotent."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from community import site_url
from community.models import Notification
from community.notification_kinds import ACCOUNT, get_kind
from community.services.notifications import email_basis_holds

UNSUBSCRIBE_SALT = "hearth.unsubscribe"


logger = logging.getLogger(__name__)

def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_notification_email(self, notification_id: int, base_url: str = "") -> bool:
    """Email one notification. Claims it first (emailed_at), so a duplicate run sends
    nothing; a failed send releases the claim and retries. ``base_url`` is the site address
    when the notification was made (``community.site_url``; HEARTH_BASE_URL wins)."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    if not recipient.email or not recipient.is_active:
        return False
    if not email_basis_holds(user_id=recipient.pk, kind=notification.kind):
        return False
    base_url = site_url.configured() or base_url or site_url.base_url()
    account_mail = get_kind(notification.kind).basis == ACCOUNT
    # Account mail (an export ready, a suspension) cannot be switched off: no unsubscribe.
    unsubscribe_url = "" if account_mail else base_url + reverse(
        "community:unsubscribe",
        kwargs={"token": unsubscribe_token(user_id=recipient.pk, kind=notification.kind)},
    )
    context = {
        "notification": notification,
        "recipient": recipient,
        "link": base_url + notification.url if notification.url.startswith("/") else "",
        "unsubscribe_url": unsubscribe_url,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=email_subject(notification.message),
        body=render_to_string("community/email/notification.txt", context),
        to=[recipient.email],
        headers={} if account_mail else {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise self.retry(exc=exc) from exc
    return True


@shared_task
def purge_old_notifications() -> int:
    """Delete read notifications older than the retention period."""
    cutoff = timezone.now() - timedelta(days=settings.HEARTH_NOTIFICATION_RETENTION_DAYS)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted


@shared_task
def prune_searches() -> int:
    """Daily: delete recorded searches without results past their retention period."""
    from community.models import SearchWithoutResults

    cutoff = timezone.now() - timedelta(days=SearchWithoutResults.RETENTION_DAYS)
    deleted, _ = SearchWithoutResults.objects.filter(searched_at__lt=cutoff).delete()
    return deleted


@shared_task
def repair_counters() -> dict[str, int]:
    """Nightly: rebuild every denormalised counter; returns the drift found per counter."""
    from community.counters import all_recomputers

    return {name: recompute() for name, recompute in all_recomputers()}


@shared_task
def dispatch_outbox() -> dict[str, int]:
    """Every minute: send again the owed tasks the broker never took or that never finished
    (see community.deferred), and forget completed rows past their keeping time."""
    from community.deferred import purge_completed, redispatch_owed

    report = redispatch_owed()
    report["purged"] = purge_completed()
    return report


def email_subject(message: str) -> str:
    """A notification's text as a one-line subject: member text in it (a display name, a
    title) may hold line breaks, which a mail header must not."""
    return f"[{settings.WAGTAIL_SITE_NAME}] {' '.join(message.split())[:120]}"


@shared_task
def score_content_tone() -> str:
    """Every ten minutes: score the forum posts and idea comments written since the last run
    (community.tone), for the health dashboard's tone trend."""
    from community.tone import ToneUnavailable, score_new_content

    try:
        return f"scored {score_new_content()}"
    except ToneUnavailable as exc:
        logger.warning("content tone not scored: %s", exc)
        return f"not scored: {exc}"
