"""Writes of the webhooks app: endpoints, recording deliveries, attempts, redelivery.

Guarantees:
- ``record_event`` runs inside the write that caused the event (a recorder of
  ``community.events``): the deliveries and the outbox rows that hand them to Celery commit
  with the write or not at all. One delivery per endpoint and event (a unique key).
- ``attempt_delivery`` is idempotent: it takes a delivery only when it is due and moves it
  ahead by a lease before sending, so a second run of the task (at-least-once delivery)
  finds nothing to do; the outcome is recorded afterwards in a transaction of its own.
- Failed attempts are retried on ``HEARTH_WEBHOOKS_RETRY_SCHEDULE``; an endpoint that has
  failed for ``HEARTH_WEBHOOKS_DISABLE_AFTER_HOURS``, or whose last
  ``HEARTH_WEBHOOKS_DISABLE_AFTER_EXHAUSTED`` deliveries all used every retry, is switched
  off and staff are notified.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from community.deferred import enqueue_on_commit
from community.refusals import Invalid
from community.services.notifications import notify
from webhooks import sending, signing
from webhooks.models import Attempt, Delivery, Endpoint, new_message_id

logger = logging.getLogger(__name__)

NOTIFICATION_KIND = "webhooks.endpoint_disabled"
SUBSCRIPTIONS_KEY = "webhooks:subscriptions"
SUBSCRIPTIONS_TIMEOUT = 300
# How long a taken delivery is left to its worker before another may try it: above the
# send's timeouts, so a live worker always records its outcome first.
LEASE = timedelta(minutes=2)
# A sweep starts no attempt after this long, so sweeps (every minute) do not pile up.
SWEEP_BUDGET_SECONDS = 45


# --- Subscriptions -------------------------------------------------------------------------

def subscriptions() -> dict[str, list[int]]:
    """Event type -> ids of the active endpoints that want it. Cached (endpoint changes clear
    it), so an event nobody subscribed to costs its write no query."""
    cached = cache.get(SUBSCRIPTIONS_KEY)
    if cached is not None:
        return cached
    table: dict[str, list[int]] = {}
    for endpoint_id, events in Endpoint.objects.filter(is_active=True).values_list("pk", "events"):
        for event_type in events or []:
            table.setdefault(event_type, []).append(endpoint_id)
    cache.set(SUBSCRIPTIONS_KEY, table, SUBSCRIPTIONS_TIMEOUT)
    return table


def _forget_subscriptions() -> None:
    cache.delete(SUBSCRIPTIONS_KEY)
    transaction.on_commit(lambda: cache.delete(SUBSCRIPTIONS_KEY), robust=True)


def save_endpoint(*, endpoint: Endpoint, activated: bool = False) -> Endpoint:
    """Save an endpoint staff registered or changed (the admin's form has checked its URL).
    Switching an endpoint back on clears its failure record."""
    with transaction.atomic():
        if activated or (endpoint.is_active and endpoint.disabled_at is not None):
            endpoint.disabled_at, endpoint.disabled_reason = None, ""
            endpoint.failing_since, endpoint.exhausted_in_row = None, 0
        endpoint.save()
        _forget_subscriptions()
    return endpoint


def delete_endpoints(*, ids: list[int]) -> int:
    with transaction.atomic():
        count, _ = Endpoint.objects.filter(pk__in=ids).delete()
        _forget_subscriptions()
    return count


def rotate_secret(*, endpoint_id: int) -> Endpoint:
    from webhooks.models import new_secret

    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint_id)
        endpoint.secret = new_secret()
        endpoint.save(update_fields=["secret"])
    return endpoint


# --- Recording -----------------------------------------------------------------------------

def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _event_body(event_type: str, data: dict, *, now: datetime.datetime) -> str:
    """The JSON an event is delivered as, byte for byte on every attempt."""
    return json.dumps({"type": event_type, "timestamp": _iso(now), "data": data},
                      separators=(",", ":"), ensure_ascii=False)


def record_event(*, event_type: str, build: Callable[[], tuple[str, dict] | None],
                 now: datetime.datetime | None = None) -> list[Delivery]:
    """Owe ``event_type`` to every active endpoint subscribed to it, in the caller's
    transaction. ``build`` gives (event key, data), or None when the event must not be sent."""
    endpoint_ids = subscriptions().get(event_type)
    if not endpoint_ids:
        return []
    built = build()
    if built is None:
        return []
    event_key, data = built
    now = now or timezone.now()
    body = _event_body(event_type, data, now=now)
    from webhooks import tasks

    deliveries = []
    for endpoint in Endpoint.objects.filter(pk__in=endpoint_ids, is_active=True):
        if not endpoint.wants(event_type):
            continue
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(endpoint=endpoint, event_type=event_type,
                                                   event_key=event_key[:120], body=body,
                                                   created_at=now, next_attempt_at=now)
        except IntegrityError:
            continue  # this event was already owed to this endpoint (announced twice)
        enqueue_on_commit(tasks.deliver, delivery.pk)
        deliveries.append(delivery)
    return deliveries


def send_test_event(*, endpoint_id: int, now: datetime.datetime | None = None) -> Delivery:
    """Owe ``endpoint`` a test event (staff's "Send a test event"), signed like every other,
    sent when the transaction commits. Like a redelivery it is one attempt: it neither
    retries nor counts towards switching the endpoint off. Refused for a switched-off
    endpoint (nothing would be sent)."""
    from webhooks import tasks
    from webhooks.catalogue import TEST_EVENT

    now = now or timezone.now()
    endpoint = Endpoint.objects.get(pk=endpoint_id)
    if not endpoint.is_active:
        raise Invalid(f"Switch “{endpoint}” back on before sending it a test event.")
    body = _event_body(TEST_EVENT, {"endpoint_id": endpoint.pk,
                                    "message": "A test event from Hearth: this endpoint receives and "
                                               "verifies its webhooks."}, now=now)
    delivery = Delivery.objects.create(endpoint=endpoint, event_type=TEST_EVENT, body=body,
                                       event_key=f"{TEST_EVENT}:{new_message_id()}",
                                       created_at=now, next_attempt_at=now, redeliver_requested=True)
    enqueue_on_commit(tasks.deliver, delivery.pk)
    return delivery


# --- Attempts ------------------------------------------------------------------------------

def _schedule() -> list[timedelta]:
    return [timedelta(seconds=s) for s in settings.HEARTH_WEBHOOKS_RETRY_SCHEDULE]


def attempt_delivery(*, delivery_id: int, now: datetime.datetime | None = None) -> str:
    """Send the delivery if it is due, record the outcome and schedule what follows.
    Returns what happened (for logs and tests). ``now`` stands for the clock (tests)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("endpoint").filter(pk=delivery_id).first())
        if delivery is None:
            return "busy or gone"
        if (delivery.state != Delivery.State.PENDING or delivery.next_attempt_at is None
                or delivery.next_attempt_at > now):
            return "not due"
        if not delivery.endpoint.is_active:
            return "endpoint inactive"
        delivery.attempts += 1
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    endpoint = delivery.endpoint
    timestamp = int(now.timestamp())
    outcome = sending.post(url=endpoint.url, body=delivery.body, headers=signing.headers(
        secret=endpoint.secret, msg_id=delivery.msg_id, timestamp=timestamp, body=delivery.body))
    return _record_outcome(delivery_id=delivery.pk, number=delivery.attempts, outcome=outcome, now=now)


def _record_outcome(*, delivery_id: int, number: int, outcome: sending.Outcome,
                    now: datetime.datetime) -> str:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        manual = delivery.redeliver_requested
        Attempt.objects.create(delivery=delivery, number=number, at=now,
                               status_code=outcome.status_code, duration_ms=outcome.duration_ms,
                               response_excerpt=outcome.excerpt, error=outcome.error, manual=manual)
        delivery.last_attempt_at, delivery.last_status_code = now, outcome.status_code
        delivery.redeliver_requested = False
        if outcome.succeeded:
            delivery.state, delivery.next_attempt_at, delivery.delivered_at = (
                Delivery.State.SUCCEEDED, None, now)
            delivery.save()
            if endpoint.failing_since is not None or endpoint.exhausted_in_row:
                endpoint.failing_since, endpoint.exhausted_in_row = None, 0
                endpoint.save(update_fields=["failing_since", "exhausted_in_row"])
            return "delivered"
        schedule = _schedule()
        if manual:
            # A redelivery staff asked for is one attempt: it neither retries nor counts
            # towards switching the endpoint off.
            delivery.state, delivery.next_attempt_at = Delivery.State.FAILED, None
            delivery.save()
            return "failed"
        if number <= len(schedule):
            delivery.next_attempt_at = now + schedule[number - 1]
            delivery.save()
            result = "retry scheduled"
        else:
            delivery.state, delivery.next_attempt_at = Delivery.State.FAILED, None
            delivery.save()
            endpoint.exhausted_in_row += 1
            result = "failed for good"
        endpoint.failing_since = endpoint.failing_since or now
        endpoint.save(update_fields=["failing_since", "exhausted_in_row"])
        _disable_if_failing(endpoint, now=now)
    return result


def _disable_if_failing(endpoint: Endpoint, *, now: datetime.datetime) -> None:
    hours = settings.HEARTH_WEBHOOKS_DISABLE_AFTER_HOURS
    exhausted = settings.HEARTH_WEBHOOKS_DISABLE_AFTER_EXHAUSTED
    if not endpoint.is_active:
        return
    if endpoint.failing_since <= now - timedelta(hours=hours):
        reason = (f"Every delivery has failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC "
                  f"(over {hours} hours).")
    elif endpoint.exhausted_in_row >= exhausted:
        reason = f"The last {endpoint.exhausted_in_row} deliveries failed after every retry."
    else:
        return
    endpoint.is_active, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    _forget_subscriptions()
    logger.warning("webhook endpoint %s switched off: %s", endpoint.pk, reason)
    url = reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])
    for staff in get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk"):
        notify(recipient=staff, kind=NOTIFICATION_KIND, url=url,
               message=f"Webhook endpoint “{endpoint}” was switched off. {reason} Fix the "
                       "receiver, then tick Active again in the admin.",
               dedupe_key=f"webhook-disabled-{endpoint.pk}-{int(now.timestamp())}")


def due_deliveries(*, now: datetime.datetime | None = None, limit: int = 500) -> list[tuple[int, int]]:
    """(delivery id, endpoint id) of the deliveries due, oldest first."""
    now = now or timezone.now()
    return list(Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now,
                                        endpoint__is_active=True)
                .order_by("next_attempt_at", "pk").values_list("pk", "endpoint_id")[:limit])


def send_due(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic sweep: attempt every delivery that is due (first attempts whose task was
    lost, and retries). Each attempt takes its delivery first, so overlapping sweeps and
    tasks never send one twice. Once an endpoint fails in a sweep, its other due deliveries
    wait for the next sweep (a receiver that is down costs one timeout a sweep, not one per
    delivery), and a sweep stops starting attempts after SWEEP_BUDGET."""
    started = time.monotonic()
    results: dict[str, int] = {}
    failing: set[int] = set()
    for delivery_id, endpoint_id in due_deliveries(now=now):
        if endpoint_id in failing:
            continue
        if time.monotonic() - started > SWEEP_BUDGET_SECONDS:
            break
        result = attempt_delivery(delivery_id=delivery_id, now=now)
        if result in ("retry scheduled", "failed for good"):
            failing.add(endpoint_id)
        results[result] = results.get(result, 0) + 1
    return results


def redeliver(*, delivery_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Send the deliveries again now (staff's "redeliver"), under the same message id.
    A delivery in its retry schedule is just brought forward; a finished one gets one more
    attempt. Refused when an endpoint is switched off."""
    now = now or timezone.now()
    with transaction.atomic():
        deliveries = list(Delivery.objects.select_for_update(of=("self",))
                          .select_related("endpoint").filter(pk__in=delivery_ids))
        inactive = {d.endpoint for d in deliveries if not d.endpoint.is_active}
        if inactive:
            names = ", ".join(sorted(f"“{endpoint}”" for endpoint in inactive))
            raise Invalid(f"Switch the endpoint back on before redelivering: {names} is not active.")
        from webhooks import tasks

        for delivery in deliveries:
            if delivery.state != Delivery.State.PENDING:
                delivery.state = Delivery.State.PENDING
                delivery.redeliver_requested = True
            delivery.next_attempt_at = now
            delivery.save(update_fields=["state", "redeliver_requested", "next_attempt_at"])
            enqueue_on_commit(tasks.deliver, delivery.pk)
    return len(deliveries)


def purge_old_deliveries(*, now: datetime.datetime | None = None) -> int:
    """Delete finished deliveries older than HEARTH_WEBHOOKS_KEEP_DAYS (the log staff read)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.HEARTH_WEBHOOKS_KEEP_DAYS)
    _, deleted = Delivery.objects.filter(~Q(state=Delivery.State.PENDING), created_at__lt=cutoff).delete()
    return deleted.get(Delivery._meta.label, 0)
