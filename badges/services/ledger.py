"""The points engine: every event enters here, and every total moves with its ledger entry.

Events are recorded in batches (one event is a batch of one): ``engine`` locks the batch's
members, drops duplicates, and moves every cache with one statement per table; the rules,
levels and badges are read once per batch from ``badges.config``. The unique key of
PointsEntry makes a replayed event a no-op.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from badges import kinds
from badges.config import engine_config
from badges.models import PointsEntry
from badges.services import awards
from badges.services.engine import (
    Member,
    apply_entries,
    cap_used,
    lock_members,
    period_starts,
    without_duplicates,
)

__all__ = ["Event", "award_reward", "period_starts", "record_batch", "record_event",
           "record_events", "restore_source", "reverse_event", "reverse_source",
           "still_standing"]


@dataclass
class Event:
    """One event for the engine. ``actor_id`` is who acted (None for the member's own
    content); ``variant`` defaults to the actor; ``occurrence`` tells repeats of one act apart
    (the like's id)."""

    kind: str
    user_id: int
    source_id: int
    actor_id: int | None = None
    variant: int | None = None
    occurrence: int | None = None
    source_label: str | None = None
    now: datetime.datetime | None = None

    @property
    def is_self_credit(self) -> bool:
        return self.actor_id is not None and self.actor_id == self.user_id


def daily_cap() -> int:
    return getattr(settings, "HEARTH_BADGES_DAILY_CAP", 200)


def _unpriced_entry(event: Event, now: datetime.datetime) -> PointsEntry:
    source_type = kinds.content_type_for(event.source_label or kinds.SOURCES[event.kind])
    variant = event.variant if event.variant is not None else (event.actor_id or 0)
    return PointsEntry(
        user_id=event.user_id, reason=event.kind, source_type=source_type,
        source_id=event.source_id, variant=variant, occurrence=event.occurrence or 0,
        generation=0, created_at=event.now or now,
    )


def _price(entries: list[PointsEntry]) -> None:
    """Points as each rule says now, cut to what is left of the member's daily cap, in the
    order the events came (exempt rules are not cut and do not count)."""
    rules = engine_config().rules
    used = cap_used(entries)
    cap = daily_cap()
    for entry in entries:
        rule = rules.get(entry.reason)
        entry.rule_points = rule.points if rule and rule.active else 0
        entry.counts_toward_cap = rule.counts_toward_cap if rule else True
        entry.points = entry.rule_points
        if entry.counts_toward_cap and entry.rule_points > 0:
            day = (entry.user_id, timezone.localdate(entry.created_at))
            entry.points = max(0, min(entry.rule_points, cap - used.get(day, 0)))
            used[day] = used.get(day, 0) + entry.points


def record_batch(events: list[Event], *, now: datetime.datetime | None = None) -> list[PointsEntry]:
    """Record every event of the batch and everything that follows (totals, periods, badges,
    level, challenges) in one transaction, with a constant number of statements for the
    entries and their caches.

    Guarantees, per event exactly as if recorded one at a time in order: at most one entry per
    (user, kind, source, variant, occurrence) however often it is delivered, concurrently or
    not; nothing for acting on one's own content or for suspended members; points as the rule
    says at this moment, cut to what is left of the daily cap unless the rule is exempt;
    notifications after commit. Returns the entries added, in order.
    """
    events = [event for event in events if event.user_id and not event.is_self_credit]
    if not events:
        return []
    now = now or timezone.now()
    with transaction.atomic():
        members = lock_members(event.user_id for event in events)
        candidates = [_unpriced_entry(event, now) for event in events
                      if event.user_id in members and not members[event.user_id].suspended]
        fresh = without_duplicates(candidates)
        _price(fresh)
        moved = apply_entries(members, fresh, count_delta=1)
        awards.follow_up(members=members, moved=moved, now=now)
    return fresh


def record_event(*, kind: str, user_id: int, source_id: int, actor_id: int | None = None,
                 variant: int | None = None, occurrence: int | None = None,
                 source_label: str | None = None,
                 now: datetime.datetime | None = None) -> PointsEntry | None:
    """Record one event (see ``record_batch`` for the guarantees). Returns the new entry, or
    None when nothing was recorded."""
    added = record_batch([Event(kind=kind, user_id=user_id, source_id=source_id,
                                actor_id=actor_id, variant=variant, occurrence=occurrence,
                                source_label=source_label, now=now)])
    return added[0] if added else None


def record_events(*, events: list[dict]) -> int:
    """Record many events (each the keyword arguments of ``record_event``, or of
    ``reverse_event`` with ``reverse=True``) in one transaction. Same guarantees as one at a
    time: awards go in as one batch and withdrawals as another, split only where an award and
    a withdrawal name the same member, kind and source (so each still sees the other in the
    order they came); members are locked in id order, so two batches never wait on each other
    in a cycle. Returns how many entries were added."""
    added = 0
    awards_: list[Event] = []
    withdrawals: list[dict] = []

    def flush_awards():
        nonlocal added, awards_
        added += len(record_batch(awards_))
        awards_ = []

    def flush_withdrawals():
        nonlocal added, withdrawals
        added += len(_reverse_many(withdrawals))
        withdrawals = []

    with transaction.atomic():
        for event in sorted(events, key=lambda event: event["user_id"] or 0):
            event = dict(event)
            key = (event["user_id"], event["kind"], event["source_id"])
            if event.pop("reverse", False):
                if any(_same_act(pending, key) for pending in awards_):
                    flush_awards()
                withdrawals.append(event)
            else:
                if any(_same_act(pending, key) for pending in withdrawals):
                    flush_awards()
                    flush_withdrawals()
                awards_.append(Event(**event))
        flush_awards()
        flush_withdrawals()
    return added


def _same_act(pending, key: tuple) -> bool:
    if isinstance(pending, Event):
        return (pending.user_id, pending.kind, pending.source_id) == key
    return (pending["user_id"], pending["kind"], pending["source_id"]) == key


def _reverse_many(withdrawals: list[dict]) -> list[PointsEntry]:
    """Several ``reverse_event`` calls with one query for the entries and one reversal batch."""
    if not withdrawals:
        return []
    matches = Q()
    for withdrawal in withdrawals:
        source_type = kinds.content_type_for(withdrawal.get("source_label")
                                             or kinds.SOURCES[withdrawal["kind"]])
        match = Q(reason=withdrawal["kind"], source_type=source_type,
                  source_id=withdrawal["source_id"])
        if withdrawal.get("user_id") is not None:
            match &= Q(user_id=withdrawal["user_id"])
        if withdrawal.get("variant") is not None:
            match &= Q(variant=withdrawal["variant"])
        matches |= match
    originals = PointsEntry.objects.filter(matches, reversed_by__isnull=True)
    return _reverse_entries(list(originals.values_list("pk", "user_id")),
                            cause=PointsEntry.WITHDRAWN, now=timezone.now())


def award_reward(*, member: Member, members: dict[int, Member], reason: str, source_label: str,
                 source_id: int, points: int, now: datetime.datetime) -> PointsEntry | None:
    """Inside a locked follow-up: a reward outside the daily cap (challenge completions).
    Unique like every entry, so it is granted once."""
    entry = PointsEntry(
        user_id=member.user.pk, points=points, rule_points=points, reason=reason,
        source_type=kinds.content_type_for(source_label), source_id=source_id, variant=0,
        created_at=now, counts_toward_cap=False,
    )
    fresh = without_duplicates([entry])
    apply_entries(members, fresh, count_delta=1)
    return fresh[0] if fresh else None


def reverse_event(*, kind: str, source_id: int, user_id: int | None = None,
                  variant: int | None = None, source_label: str | None = None,
                  now: datetime.datetime | None = None,
                  cause: str = PointsEntry.WITHDRAWN) -> list[PointsEntry]:
    """Add a reversing entry for each entry of ``kind`` on the source (only ``user_id``'s and
    only ``variant`` when given) that is not reversed yet. Idempotent: an entry is reversed at
    most once. Returns the reversals added."""
    source_type = kinds.content_type_for(source_label or kinds.SOURCES[kind])
    originals = PointsEntry.objects.filter(reason=kind, source_type=source_type,
                                           source_id=source_id, reversed_by__isnull=True)
    if user_id is not None:
        originals = originals.filter(user_id=user_id)
    if variant is not None:
        originals = originals.filter(variant=variant)
    return _reverse_entries(list(originals.values_list("pk", "user_id")), cause=cause,
                            now=now or timezone.now())


def reverse_source(*, source_label: str, source_id: int, now: datetime.datetime | None = None,
                   cause: str = PointsEntry.DELETED) -> list[PointsEntry]:
    """Content was deleted or hidden: reverse every entry anyone earned from it."""
    source_type = kinds.content_type_for(source_label)
    originals = PointsEntry.objects.filter(
        source_type=source_type, source_id=source_id, reversed_by__isnull=True,
    ).exclude(reason__endswith=kinds.REVERSED_SUFFIX)
    return _reverse_entries(list(originals.values_list("pk", "user_id")), cause=cause,
                            now=now or timezone.now())


def _reverse_entries(pairs: list[tuple[int, int]], *, cause: str, now) -> list[PointsEntry]:
    if not pairs:
        return []
    with transaction.atomic():
        members = lock_members(user_id for _, user_id in pairs)
        # Read again under the locks: a concurrent run may have reversed some already.
        originals = PointsEntry.objects.filter(pk__in=[pk for pk, _ in pairs],
                                               reversed_by__isnull=True).order_by("user_id", "pk")
        reversals = [
            PointsEntry(
                user_id=original.user_id, points=-original.points,
                rule_points=-original.rule_points, reason=kinds.reversal_of(original.reason),
                source_type_id=original.source_type_id, source_id=original.source_id,
                variant=original.variant, occurrence=original.occurrence,
                generation=original.generation, created_at=now, counts_toward_cap=False,
                reverses=original, cause=cause,
            )
            for original in originals
        ]
        apply_entries(members, reversals, count_delta=-1)
        challenges = engine_config().challenges
        for reversal in reversals:
            awards.undo_progress(user_id=reversal.user_id, kind=reversal.reverses.reason,
                                 original_at=reversal.reverses.created_at, now=now,
                                 challenges=challenges)
    return reversals


def restore_source(*, source_label: str, source_id: int,
                   now: datetime.datetime | None = None) -> list[PointsEntry]:
    """Hidden content is visible again: re-award, as the next generation, every entry that
    hiding reversed (not likes withdrawn or answers moved meanwhile), at the points first
    given and outside the daily cap. Idempotent: each generation is unique. Suspended members
    get nothing back. Returns the entries added."""
    now = now or timezone.now()
    source_type = kinds.content_type_for(source_label)
    hidden = (PointsEntry.objects.filter(source_type=source_type, source_id=source_id,
                                         cause=PointsEntry.HIDDEN)
              .select_related("reverses").order_by("user_id", "pk"))
    user_ids = set(hidden.values_list("user_id", flat=True))
    if not user_ids:
        return []
    with transaction.atomic():
        members = lock_members(user_ids)
        originals = still_standing([reversal.reverses for reversal in hidden])
        candidates = [
            PointsEntry(
                user_id=original.user_id, points=original.points,
                rule_points=original.rule_points, reason=original.reason,
                source_type_id=original.source_type_id, source_id=original.source_id,
                variant=original.variant, occurrence=original.occurrence,
                generation=original.generation + 1, created_at=now, counts_toward_cap=False,
            )
            for original in originals
            if original.user_id in members and not members[original.user_id].suspended
        ]
        moved = apply_entries(members, without_duplicates(candidates), count_delta=1)
        awards.follow_up(members=members, moved=moved, now=now, challenges=False)
    return moved.entries


# Acts of another member on the content that can be withdrawn while it is hidden (by a
# community manager, who still sees it): (app label, model, content field, member field).
# Read by model name, as the receivers do: badges never imports the content apps.
WITHDRAWABLE_ACTS = {
    kinds.LIKE_RECEIVED: ("forum", "Like", "post_id", "user_id"),
    kinds.IDEA_SUPPORT_RECEIVED: ("ideas", "Support", "idea_id", "user_id"),
    kinds.REVIEW_HELPFUL: ("reviews", "HelpfulVote", "review_id", "voter_id"),
}


def still_standing(originals: list[PointsEntry]) -> list[PointsEntry]:
    """``originals`` without the withdrawable acts that were withdrawn meanwhile (one query
    per kind present): a like taken back while its post was hidden is not given back with
    the post. A like carries its row's id (``occurrence``), so a like given again is a new
    act, not this one."""
    from django.apps import apps

    gone = set()
    for kind, (app_label, model_name, content_field, member_field) in WITHDRAWABLE_ACTS.items():
        acts = [entry for entry in originals if entry.reason == kind]
        if not acts:
            continue
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        rows = model.objects.filter(**{f"{content_field}__in": {e.source_id for e in acts},
                                       f"{member_field}__in": {e.variant for e in acts}})
        standing = {(content, member, pk) for content, member, pk
                    in rows.values_list(content_field, member_field, "pk")}
        pairs = {(content, member) for content, member, _ in standing}
        for entry in acts:
            if entry.occurrence and kind == kinds.LIKE_RECEIVED:
                stands = (entry.source_id, entry.variant, entry.occurrence) in standing
            else:
                stands = (entry.source_id, entry.variant) in pairs
            if not stands:
                gone.add(entry.pk)
    return [entry for entry in originals if entry.pk not in gone]

