"""Detection of mutual-like rings: members who like each other's posts far above the site's
base rate. Findings go to community managers for review; nothing is taken automatically."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from badges import kinds
from badges.models import PointsEntry, SuspectedRing
from community.events import send_on_commit
from community.signals import suspected_ring_detected


def _setting(name: str, default):
    return getattr(settings, f"HEARTH_BADGES_RING_{name}", default)


def detect_rings(*, now: datetime.datetime | None = None) -> list[SuspectedRing]:
    """Find pairs whose likes to each other, both ways, reach MIN_MUTUAL and are RATIO times
    the site's mean likes per liking pair; join pairs sharing members into small groups
    (at most MAX_GROUP). Each group is stored once (new evidence refreshes it) and announced
    with ``community.signals.suspected_ring_detected`` after commit."""
    now = now or timezone.now()
    window = _setting("WINDOW_DAYS", 30)
    min_mutual = _setting("MIN_MUTUAL", 5)
    ratio = _setting("RATIO", 5.0)
    max_group = _setting("MAX_GROUP", 6)
    # The liker is the entry's variant; reversed likes are netted out.
    rows = (PointsEntry.objects.filter(reason=kinds.LIKE_RECEIVED, reversed_by__isnull=True,
                                       created_at__gte=now - datetime.timedelta(days=window))
            .values("variant", "user_id").annotate(n=Count("id")).order_by())
    directed = {(row["variant"], row["user_id"]): row["n"] for row in rows}
    if not directed:
        return []
    base_rate = sum(directed.values()) / len(directed)
    edges: dict[tuple[int, int], tuple[int, int]] = {}
    for (liker, author), n in directed.items():
        back = directed.get((author, liker), 0)
        if liker < author and min(n, back) >= min_mutual and min(n, back) >= ratio * base_rate:
            edges[(liker, author)] = (n, back)
    groups = _components(edges)
    found = []
    for members in groups:
        if len(members) > max_group:
            continue
        evidence = {
            "window_days": window,
            "base_rate": round(base_rate, 2),
            "pairs": [{"a": a, "b": b, "a_liked_b": n, "b_liked_a": back}
                      for (a, b), (n, back) in sorted(edges.items()) if a in members],
        }
        key = ",".join(str(member) for member in sorted(members))
        with transaction.atomic():
            ring, created = SuspectedRing.objects.get_or_create(
                member_key=key, defaults={"evidence": evidence, "detected_at": now})
            if created:
                ring.members.set(sorted(members))
            elif ring.evidence != evidence:
                SuspectedRing.objects.filter(pk=ring.pk).update(evidence=evidence, detected_at=now)
            if created or ring.evidence != evidence:
                user_ids = sorted(members)
                send_on_commit(suspected_ring_detected, sender=SuspectedRing,
                               user_ids=user_ids, evidence=evidence)
        found.append(ring)
    return found


def _components(edges) -> list[set[int]]:
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    seen: set[int] = set()
    groups = []
    for start in sorted(neighbours):
        if start in seen:
            continue
        group, stack = set(), [start]
        while stack:
            node = stack.pop()
            if node in group:
                continue
            group.add(node)
            stack.extend(neighbours[node] - group)
        seen |= group
        groups.append(group)
    return groups


def mark_ring_reviewed(*, actor, ring_id: int) -> bool:
    """A community manager has looked at a suspected ring."""
    from community.roles import is_community_manager

    if not is_community_manager(actor):
        raise PermissionError("Only community managers review suspected rings.")
    return bool(SuspectedRing.objects.filter(pk=ring_id, reviewed=False).update(reviewed=True))
