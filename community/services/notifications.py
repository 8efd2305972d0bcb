"""Writes for notifications. ``notify`` is the one entry point other apps call."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from community import consents, site_url
from community.deferred import enqueue_on_commit
from community.models import Notification, NotificationPreference, User
from community.models.accounts import DigestFrequency
from community.notification_kinds import ACCOUNT, MARKETING, get_kind
from community.realtime import send_many_now, send_now, user_group


def wants_email(*, user: User, kind: str) -> bool:
    """Whether a notification of ``kind`` is emailed to ``user``: always for account mail;
    per their preference for community notifications; for marketing, only with a current
    recorded consent, and then per their preference (docs/privacy.md)."""
    registered = get_kind(kind)
    if registered.basis == ACCOUNT:
        return True
    if registered.basis == MARKETING and not consents.has_marketing_consent(user.pk):
        return False
    if registered.frequency:
        return user.digest_frequency != DigestFrequency.NEVER
    preference = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("email", flat=True)
        .first()
    )
    if preference is None:
        return registered.email_by_default
    return preference


def email_basis_holds(*, user_id: int, kind: str) -> bool:
    """Checked again when the email is sent: a marketing consent withdrawn between the
    notification and the send stops it."""
    return get_kind(kind).basis != MARKETING or consents.has_marketing_consent(user_id)


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

        enqueue_on_commit(send_notification_email, notification.pk, site_url.base_url())
    return notification


def notify_many(notices: list[dict]) -> list[Notification]:
    """``notify`` for many notifications at once (each dict holds ``notify``'s keyword
    arguments), with a constant number of statements: for a batch job (the points engine
    granting a hundred badges) rather than a page.

    Same guarantees as ``notify``, per notification: at most one per (recipient,
    dedupe_key), the unread counters move in the same transaction, pushes and emails only
    after commit. Returns the notifications created."""
    notices = [notice for notice in notices if notice["recipient"].is_active]
    if not notices:
        return []
    keyed = [notice for notice in notices if notice.get("dedupe_key")]
    taken = set(Notification.objects.filter(
        recipient_id__in={notice["recipient"].pk for notice in keyed},
        dedupe_key__in={notice["dedupe_key"] for notice in keyed},
    ).values_list("recipient_id", "dedupe_key")) if keyed else set()
    rows, seen = [], set()
    for notice in notices:
        key = (notice["recipient"].pk, notice.get("dedupe_key"))
        if key[1] and (key in taken or key in seen):
            continue
        seen.add(key)
        rows.append(Notification(recipient=notice["recipient"], actor=notice.get("actor"),
                                 kind=notice["kind"], message=notice["message"][:300],
                                 url=notice.get("url", ""), dedupe_key=notice.get("dedupe_key")))
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
            _add_unread(created)
    except IntegrityError:
        # A concurrent writer took a key between the check and the insert: one at a time.
        created = [made for notice in notices if (made := notify(**notice)) is not None]
        return created
    _push_many_live(created)
    _email_many(created)
    return created


def _add_unread(created: list[Notification]) -> None:
    """One UPDATE moving every recipient's unread counter by their share of ``created``."""
    from collections import Counter

    from django.db.models import Case, IntegerField, Value, When

    per_recipient = Counter(notification.recipient_id for notification in created)
    if not per_recipient:
        return
    User.objects.filter(pk__in=per_recipient).update(
        unread_notification_count=F("unread_notification_count") + Case(
            *[When(pk=user_id, then=Value(count)) for user_id, count in per_recipient.items()],
            default=Value(0), output_field=IntegerField()))


def _email_many(created: list[Notification]) -> None:
    from community.tasks import send_notification_email

    chosen = {
        (user_id, kind): email for user_id, kind, email in NotificationPreference.objects.filter(
            user_id__in={n.recipient_id for n in created}, kind__in={n.kind for n in created},
        ).values_list("user_id", "kind", "email")
    }
    marketing = {n.recipient_id for n in created if get_kind(n.kind).basis == MARKETING}
    consented = consents.marketing_consented(marketing)
    for notification in created:
        kind = get_kind(notification.kind)
        wanted = chosen.get((notification.recipient_id, notification.kind))
        if wanted is None:
            wanted = kind.email_by_default
        if kind.basis == ACCOUNT:
            wanted = True
        elif kind.basis == MARKETING and notification.recipient_id not in consented:
            wanted = False
        elif kind.frequency:  # as in ``wants_email``: the chosen frequency, not on or off
            wanted = notification.recipient.digest_frequency != DigestFrequency.NEVER
        if wanted:
            enqueue_on_commit(send_notification_email, notification.pk, site_url.base_url())


def _push_many_live(created: list[Notification]) -> None:
    """After commit: every new notification to its recipient's open pages, with the unread
    totals read in one query and all the sends in one trip to the channel layer."""
    events = [(notification.recipient_id, {
        "type": "notification.created",
        "html": render_to_string("community/includes/notification_item.html", {"n": notification}),
        "message": notification.message, "url": notification.url,
    }) for notification in created]

    def send() -> None:
        unread = dict(User.objects.filter(pk__in={user_id for user_id, _ in events})
                      .values_list("pk", "unread_notification_count"))
        send_many_now([(user_group(user_id), {**event, "unread": unread.get(user_id, 0)})
                       for user_id, event in events])

    transaction.on_commit(send, robust=True)


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


def set_email_preferences(*, user: User, email_kinds: dict[str, bool],
                          digest_frequency: str | None = None) -> None:
    """Store the member's email choice for each kind given, and how often they want the
    activity digest when given."""
    with transaction.atomic():
        for kind, email in email_kinds.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": email}
            )
        if digest_frequency:
            set_digest_frequency(user=user, frequency=digest_frequency)


def set_digest_frequency(*, user: User, frequency: str) -> None:
    """Store how often the member wants the activity digest (a ``DigestFrequency``)."""
    if frequency not in DigestFrequency.values:
        raise ValueError(f"unknown digest frequency {frequency!r}")
    User.objects.filter(pk=user.pk).update(digest_frequency=frequency)
    user.digest_frequency = frequency


def unsubscribe(*, user: User, kind: str) -> None:
    """One-click unsubscribe: the kind's email off; for the digest, its frequency to never."""
    if get_kind(kind).frequency:
        set_digest_frequency(user=user, frequency=DigestFrequency.NEVER)
        return
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
