"""Writes for notifications. ``notify`` is the one entry point other apps call."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from community.deferred import enqueue_on_commit
from community.models import Notification, NotificationPreference, User
from community.notification_kinds import get_kind
from community.realtime import send_now, user_group


def wants_email(*, user: User, kind: str) -> bool:
    preference = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("email", flat=True)
        .first()
    )
    if preference is None:
        return get_kind(kind).email_by_default
    return preference


def notify(
    *,
    recipient: User,
    kind: str,
    message: str,
    url: str = "",
    actor: User | None = None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Create a notification for ``recipient``, push it live to their open pages after
    commit, and email it if their preference for ``kind`` says so.

    Guarantees: with a ``dedupe_key`` the same notification is created at most once per
    recipient (a retried task returns None the second time); the unread counter moves with
    the row in one transaction; nothing is pushed or emailed unless the row commits.
    """
    if not recipient.is_active:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                actor=actor,
                kind=kind,
                message=message[:300],
                url=url,
                dedupe_key=dedupe_key,
            )
            User.objects.filter(pk=recipient.pk).update(
                unread_notification_count=F("unread_notification_count") + 1
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None

    _push_live(notification)
    if wants_email(user=recipient, kind=kind):
        from community.tasks import send_notification_email

        enqueue_on_commit(send_notification_email, notification.pk)
    return notification


def _push_live(notification: Notification) -> None:
    html = render_to_string("community/includes/notification_item.html", {"n": notification})
    _push_after_commit(
        notification.recipient_id,
        {"type": "notification.created", "html": html, "message": notification.message,
         "url": notification.url},
    )


def _push_after_commit(user_id: int, event: dict) -> None:
    """Push ``event`` with the user's unread total to their open pages after commit. The
    total is read after commit so that concurrent notifications each push the latest one."""

    def send() -> None:
        unread = (
            User.objects.filter(pk=user_id)
            .values_list("unread_notification_count", flat=True)
            .first()
        )
        send_now(user_group(user_id), {**event, "unread": unread or 0})

    transaction.on_commit(send, robust=True)


def mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of ``user``'s notifications read. Returns False if it was not theirs or was
    already read; the unread counter drops exactly once per notification."""
    with transaction.atomic():
        changed = Notification.objects.filter(
            pk=notification_id, recipient=user, read_at__isnull=True
        ).update(read_at=timezone.now())
        if changed:
            User.objects.filter(pk=user.pk, unread_notification_count__gt=0).update(
                unread_notification_count=F("unread_notification_count") - 1
            )
    if changed:
        _push_count(user)
    return bool(changed)


def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many changed."""
    with transaction.atomic():
        changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        # Subtract what changed rather than writing 0: a notification created concurrently
        # stays counted.
        if changed:
            User.objects.filter(pk=user.pk).update(
                unread_notification_count=F("unread_notification_count") - changed
            )
    if changed:
        _push_count(user)
    return changed


def _push_count(user: User) -> None:
    _push_after_commit(user.pk, {"type": "notification.count"})


def set_email_preferences(*, user: User, email_kinds: dict[str, bool]) -> None:
    """Store the member's email choice for each kind given."""
    with transaction.atomic():
        for kind, email in email_kinds.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": email}
            )


def unsubscribe(*, user: User, kind: str) -> None:
    set_email_preferences(user=user, email_kinds={kind: False})


def recompute_unread_counts() -> int:
    """Rebuild every user's unread counter from the Notification rows; returns how many
    users had drifted."""
    from django.db.models import Count, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .values("recipient")
        .annotate(n=Count("id"))
        .values("n")
    )
    actual = Coalesce(Subquery(unread), Value(0))
    drifted = User.objects.annotate(actual=actual).exclude(unread_notification_count=F("actual"))
    count = drifted.count()
    if count:
        User.objects.update(unread_notification_count=actual)
    return count
