"""Review requests: planned from orders, sent in small batches per member under caps, reminded
once. Every eligible purchaser is asked alike: nothing here looks at how happy they might be.

Guarantees:
- planning is idempotent (one request per member, product and order: a unique constraint);
- sending for one member runs under a lock on the member's row, so two runs at once never
  send the same request twice nor break a cap; a failed send rolls the whole step back, and
  the next run tries again;
- the caps hold across every re-engagement email: ``HEARTH_OUTREACH_MAX_EMAILS`` per member
  in ``HEARTH_OUTREACH_CAP_DAYS`` days, and one request per product per member in
  ``HEARTH_REVIEW_REQUEST_REPEAT_DAYS`` days;
- a member is asked only with a current marketing consent and the kind switched on
  (``community.services.notifications.wants_email``), checked at the moment of sending.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from community import site_url
from community.deferred import enqueue_on_commit
from community.models.accounts import DigestFrequency
from community.services.notifications import wants_email
from outreach import digest, emails
from outreach.apps import DIGEST_KIND, REVIEW_REQUEST_KIND
from outreach.models import OutreachEmail, ReviewRequest
from reviews import selectors as review_selectors
from shop import selectors as shop_selectors

User = get_user_model()
logger = logging.getLogger(__name__)

ALREADY_REVIEWED = "They had already reviewed it."
ASKED_RECENTLY = "They were asked about this product in the last 12 months."
NO_CONSENT = "No marketing consent, or review requests switched off, when it was due."
CAP_REACHED = "They had received the most re-engagement emails allowed for the period."


def _delay() -> datetime.timedelta:
    return datetime.timedelta(days=settings.HEARTH_REVIEW_REQUEST_DELAY_DAYS)


def plan_review_requests(*, now: datetime.datetime) -> int:
    """One waiting request per product of each member's paid order whose delay is over.
    Orders older than the look-back window are left alone (an import of old orders asks for
    nothing). Returns how many purchases were considered (those already planned included)."""
    paid_before = now - _delay()
    paid_after = paid_before - datetime.timedelta(days=settings.HEARTH_REVIEW_REQUEST_LOOKBACK_DAYS)
    rows = [
        ReviewRequest(member_id=line.member_id, product_id=line.product_id, order_id=line.order_id,
                      due_at=line.paid_at + _delay())
        for line in shop_selectors.reviewable_purchases(paid_after=paid_after, paid_before=paid_before)
    ]
    ReviewRequest.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def members_due(*, now: datetime.datetime) -> list[int]:
    """Members with a request due to be sent or reminded."""
    remind_before = now - datetime.timedelta(days=settings.HEARTH_REVIEW_REMINDER_DAYS)
    waiting = ReviewRequest.objects.filter(state=ReviewRequest.State.WAITING, due_at__lte=now)
    to_remind = ReviewRequest.objects.filter(state=ReviewRequest.State.SENT, sent_at__lte=remind_before)
    ids = set(waiting.values_list("member_id", flat=True))
    ids |= set(to_remind.values_list("member_id", flat=True))
    return sorted(ids)


@dataclass
class MemberOutcome:
    requested: int = 0  # products asked about in a first request
    reminded: int = 0  # products in a reminder
    skipped: int = 0


def _emails_left(member_id: int, now: datetime.datetime) -> int:
    since = now - datetime.timedelta(days=settings.HEARTH_OUTREACH_CAP_DAYS)
    sent = OutreachEmail.objects.filter(member_id=member_id, sent_at__gt=since).count()
    return max(0, settings.HEARTH_OUTREACH_MAX_EMAILS - sent)


def _skip(requests: Iterable[ReviewRequest], reason: str) -> int:
    ids = [request.pk for request in requests]
    if ids:
        ReviewRequest.objects.filter(pk__in=ids).update(state=ReviewRequest.State.SKIPPED, skip_reason=reason)
    return len(ids)


def _asked_recently(member_id: int, product_ids: set[int], now: datetime.datetime) -> set[int]:
    since = now - datetime.timedelta(days=settings.HEARTH_REVIEW_REQUEST_REPEAT_DAYS)
    return set(ReviewRequest.objects.filter(
        member_id=member_id, product_id__in=product_ids, sent_at__gt=since,
    ).values_list("product_id", flat=True))


def send_for_member(*, member_id: int, now: datetime.datetime) -> MemberOutcome:
    """Send what is due to one member: a first request (at most
    ``HEARTH_REVIEW_REQUEST_PRODUCTS_PER_EMAIL`` products) and one reminder of earlier ones
    not yet reviewed, each an email within the caps."""
    outcome = MemberOutcome()
    with transaction.atomic():
        member = User.objects.select_for_update().filter(pk=member_id, is_active=True).first()
        if member is None:
            return outcome
        outcome.skipped += _send_first_requests(member, now, outcome)
        if not outcome.requested:  # one email per member per run
            outcome.skipped += _send_reminder(member, now, outcome)
    return outcome


def _send_first_requests(member, now, outcome: MemberOutcome) -> int:
    due = list(ReviewRequest.objects.select_related("product").filter(
        member=member, state=ReviewRequest.State.WAITING, due_at__lte=now))
    if not due:
        return 0
    skipped = 0
    reviewed = review_selectors.reviewed_products(author_id=member.pk,
                                                  product_ids={r.product_id for r in due})
    skipped += _skip([r for r in due if r.product_id in reviewed], ALREADY_REVIEWED)
    due = [r for r in due if r.product_id not in reviewed]
    recent = _asked_recently(member.pk, {r.product_id for r in due}, now)
    skipped += _skip([r for r in due if r.product_id in recent], ASKED_RECENTLY)
    due = _one_per_product([r for r in due if r.product_id not in recent])
    if not due:
        return skipped
    if not wants_email(user=member, kind=REVIEW_REQUEST_KIND):
        return skipped + _skip(due, NO_CONSENT)
    if _emails_left(member.pk, now) == 0:
        return skipped + _skip(due, CAP_REACHED)
    batch = due[: settings.HEARTH_REVIEW_REQUEST_PRODUCTS_PER_EMAIL]
    ReviewRequest.objects.filter(pk__in=[r.pk for r in batch]).update(
        state=ReviewRequest.State.SENT, sent_at=now)
    OutreachEmail.objects.create(member=member, kind=OutreachEmail.Kind.REVIEW_REQUEST, sent_at=now)
    # Sent inside the transaction: a failed send rolls the claim back for the next run.
    emails.send_review_request(member=member, requests=batch, reminder=False)
    outcome.requested += len(batch)
    return skipped


def _one_per_product(requests: list[ReviewRequest]) -> list[ReviewRequest]:
    """Two orders of the same product make two requests: the earlier one is asked, the other
    waits (and is then skipped as asked recently)."""
    seen, kept = set(), []
    for request in requests:
        if request.product_id not in seen:
            seen.add(request.product_id)
            kept.append(request)
    return kept


def _send_reminder(member, now, outcome: MemberOutcome) -> int:
    remind_before = now - datetime.timedelta(days=settings.HEARTH_REVIEW_REMINDER_DAYS)
    sent = list(ReviewRequest.objects.select_related("product").filter(
        member=member, state=ReviewRequest.State.SENT, sent_at__lte=remind_before))
    if not sent:
        return 0
    reviewed = review_selectors.reviewed_products(author_id=member.pk,
                                                  product_ids={r.product_id for r in sent})
    done = [r for r in sent if r.product_id in reviewed]
    if done:  # answered: nothing to remind them of
        ReviewRequest.objects.filter(pk__in=[r.pk for r in done]).update(state=ReviewRequest.State.REMINDED)
    sent = [r for r in sent if r.product_id not in reviewed]
    if not sent:
        return 0
    if not wants_email(user=member, kind=REVIEW_REQUEST_KIND) or _emails_left(member.pk, now) == 0:
        # No second chance later either: one reminder, when it is due, or none.
        ReviewRequest.objects.filter(pk__in=[r.pk for r in sent]).update(state=ReviewRequest.State.REMINDED)
        return len(sent)
    batch = sent[: settings.HEARTH_REVIEW_REQUEST_PRODUCTS_PER_EMAIL]
    ReviewRequest.objects.filter(pk__in=[r.pk for r in sent]).update(
        state=ReviewRequest.State.REMINDED, reminded_at=now)
    OutreachEmail.objects.create(member=member, kind=OutreachEmail.Kind.REVIEW_REMINDER, sent_at=now)
    emails.send_review_request(member=member, requests=batch, reminder=True)
    outcome.reminded += len(batch)
    return 0


def run(*, now: datetime.datetime | None = None, progress=None) -> dict[str, int]:
    """Plan and send everything due. ``progress(done, total)`` is called after each member."""
    now = now or timezone.now()
    planned = plan_review_requests(now=now)
    members = members_due(now=now)
    totals = {"planned": planned, "members": len(members), "requested": 0, "reminded": 0, "skipped": 0,
              "failed": 0}
    for done, member_id in enumerate(members, start=1):
        try:
            outcome = send_for_member(member_id=member_id, now=now)
        except Exception:  # one member's failed send (mail server down) must not stop the rest
            logger.exception("review request for member %s not sent; the next run tries again", member_id)
            totals["failed"] += 1
            continue
        totals["requested"] += outcome.requested
        totals["reminded"] += outcome.reminded
        totals["skipped"] += outcome.skipped
        if progress:
            progress(done, len(members))
    return totals


def request_for_rating(*, request_id: int, member) -> ReviewRequest | None:
    """The member's own request behind a star link (None for anyone else's)."""
    return ReviewRequest.objects.select_related("product").filter(pk=request_id, member=member).first()


# --- The activity digest ------------------------------------------------------------------
# Planned in batches of DIGEST_BATCH members (one task each on the real stack); each batch is
# filtered (consent, visits, digests already sent), built with a fixed number of queries
# (outreach.digest) and sent one member at a time under a lock on the member's row: the
# digest's row (unique per member and period) and the caps are checked there, so running the
# job twice, or two batches at once, sends no member the same digest twice.

DIGEST_BATCH = 500


def digest_candidates() -> list[int]:
    """Active members with an address whose digest frequency is not never, by id."""
    return list(User.objects.filter(is_active=True).exclude(email="")
                .exclude(digest_frequency=DigestFrequency.NEVER)
                .order_by("pk").values_list("pk", flat=True))


def _latest_digests(member_ids: list[int]) -> dict[int, datetime.datetime]:
    return dict(OutreachEmail.objects.filter(member_id__in=member_ids, kind=OutreachEmail.Kind.DIGEST)
                .values("member_id").annotate(last=Max("sent_at")).order_by()
                .values_list("member_id", "last"))


def send_digest_batch(*, member_ids: list[int], now: datetime.datetime | None = None) -> dict[str, int]:
    """Send the digest to the members of ``member_ids`` who are due one. Returns counts:
    sent, nothing new, visited recently, no consent, cap reached, already sent, failed."""
    now = now or timezone.now()
    totals = dict.fromkeys(("members", "sent", "nothing_new", "visited", "no_consent", "cap",
                            "already_sent", "failed"), 0)
    members = list(User.objects.filter(pk__in=member_ids, is_active=True).exclude(email="")
                   .exclude(digest_frequency=DigestFrequency.NEVER).order_by("pk"))
    totals["members"] = len(member_ids)
    found = digest.eligible(members, now=now, digests_sent=_latest_digests([m.pk for m in members]))
    totals["visited"], totals["no_consent"] = found.visited, found.no_consent
    totals["already_sent"] = found.sent_recently
    base = site_url.base_url()
    for built in digest.build_digests(found.due, now=now, base_url=base):
        if not built.has_news:
            totals["nothing_new"] += 1
            continue
        try:
            outcome = send_digest(built=built, now=now)
        except Exception:  # a failed send (mail server down) must not stop the batch
            logger.exception("digest for member %s not sent; the next run tries again", built.member.pk)
            outcome = "failed"
        totals[outcome] += 1
    return totals


def send_digest(*, built, now: datetime.datetime) -> str:
    """Send one built digest, once per member and period, within the caps and the consent
    gate as they stand now. Returns "sent", "no_consent", "cap" or "already_sent"."""
    with transaction.atomic():
        member = User.objects.select_for_update().filter(pk=built.member.pk, is_active=True).first()
        if member is None or not wants_email(user=member, kind=DIGEST_KIND):
            return "no_consent"
        period = digest.period_key(built.frequency, now)
        cap_since = now - datetime.timedelta(days=settings.HEARTH_OUTREACH_CAP_DAYS)
        counts = OutreachEmail.objects.filter(member=member).aggregate(
            recent=Count("id", filter=Q(sent_at__gt=cap_since)),
            this_period=Count("id", filter=Q(kind=OutreachEmail.Kind.DIGEST, period=period)))
        if counts["this_period"]:
            return "already_sent"
        if counts["recent"] >= settings.HEARTH_OUTREACH_MAX_EMAILS:
            return "cap"
        OutreachEmail.objects.create(member=member, kind=OutreachEmail.Kind.DIGEST, period=period,
                                     sent_at=now)
        # Sent inside the transaction: a failed send rolls the row back for the next run.
        emails.send_digest(member=member, digest=built)
    return "sent"


def run_digests(*, now: datetime.datetime | None = None, progress=None,
                batch_size: int = DIGEST_BATCH) -> dict[str, int]:
    """Every batch in this process (the management command). ``progress(done, total)`` is
    called after each batch, in members."""
    now = now or timezone.now()
    candidates = digest_candidates()
    totals: dict[str, int] = {}
    for start in range(0, len(candidates), batch_size):
        batch = send_digest_batch(member_ids=candidates[start:start + batch_size], now=now)
        for key, value in batch.items():
            totals[key] = totals.get(key, 0) + value
        if progress:
            progress(min(start + batch_size, len(candidates)), len(candidates))
    return totals


def plan_digest_batches(*, task, now: datetime.datetime | None = None,
                        batch_size: int = DIGEST_BATCH) -> int:
    """Owe one ``task(member_ids, now)`` per batch of candidates (the outbox: each runs at
    least once, and running one again sends nothing new). Returns how many batches."""
    now = now or timezone.now()
    candidates = digest_candidates()
    with transaction.atomic():
        for start in range(0, len(candidates), batch_size):
            enqueue_on_commit(task, candidates[start:start + batch_size], now.isoformat())
    return -(-len(candidates) // batch_size)
