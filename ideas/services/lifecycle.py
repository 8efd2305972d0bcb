"""The clock's side of the lifecycle: deadlines, milestone catch-up and trending scores.

``run_lifecycle`` is what the periodic job (Celery beat, or ``manage.py serve`` in the
embedded mode) and ``manage.py ideas_tick`` run. It is idempotent: running it twice at the
same moment changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q

from ideas import clock
from ideas.models import Idea, IdeaComment, Status, Support
from ideas.services._core import advance_milestones, lock_idea
from ideas.services.submission import _expire

# Trending (after Fider's "trending" sort): recent activity over age.
#   score = (supports in the last 7 days + 0.5 * comments in the last 7 days + 1)
#           / (hours since publication + 2) ** 0.5
# Recent activity dominates; the +1 lets a brand-new idea be seen, and the square root makes
# age a gentle brake rather than a wall, because supports are already limited to a week.
TRENDING_WINDOW = timedelta(days=7)
TRENDING_COMMENT_WEIGHT = 0.5
TRENDING_AGE_EXPONENT = 0.5


@dataclass
class LifecycleReport:
    expired: list[int] = field(default_factory=list)
    milestones: dict[int, list[int]] = field(default_factory=dict)
    trending_updated: int = 0


def run_lifecycle(*, now: datetime | None = None) -> LifecycleReport:
    """Expire every idea whose deadline passed, apply milestones reached but not yet
    recorded (e.g. after a merge or edited milestones), and refresh trending scores."""
    now = now or clock.now()
    report = LifecycleReport()
    due = Idea.objects.filter(status=Status.GATHERING_SUPPORT, deadline__lte=now).values_list("pk", flat=True)
    for idea_id in list(due):
        with transaction.atomic():
            idea = lock_idea(idea_id)
            # Re-checked under the lock: a support may have reached the milestone meanwhile.
            if idea.status == Status.GATHERING_SUPPORT and idea.deadline and idea.deadline <= now:
                _expire(idea, now=now)
                report.expired.append(idea_id)
    behind = (
        Idea.objects.filter(status=Status.GATHERING_SUPPORT, deadline__gt=now)
        .filter(support_count__gte=F("next_milestone__supporters"))
        .values_list("pk", flat=True)
    )
    for idea_id in list(behind):
        with transaction.atomic():
            reached = advance_milestones(lock_idea(idea_id), now=now)
            if reached:
                report.milestones[idea_id] = reached
    report.trending_updated = refresh_trending(now=now)
    return report


def trending_score(*, recent_supports: int, recent_comments: int, age_hours: float) -> float:
    activity = recent_supports + TRENDING_COMMENT_WEIGHT * recent_comments + 1
    return activity / (max(age_hours, 0.0) + 2) ** TRENDING_AGE_EXPONENT


def refresh_trending(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Recompute the stored trending score of every published idea that is not merged, with
    two aggregate queries and batched updates; returns how many scores changed. Hidden and
    deleted comments do not count (the list leaves hidden ideas out whatever their score)."""
    now = now or clock.now()
    since = now - TRENDING_WINDOW
    supports = dict(
        Support.objects.filter(created_at__gte=since).values("idea").annotate(n=Count("id"))
        .values_list("idea", "n")
    )
    comments = dict(
        IdeaComment.objects.visible().filter(created_at__gte=since).values("idea").annotate(n=Count("id"))
        .values_list("idea", "n")
    )
    changed = []
    ideas = Idea.objects.published().filter(~Q(status=Status.MERGED))
    ideas = ideas.only("pk", "published_at", "trending_score")
    for idea in ideas.iterator(chunk_size=batch_size):
        score = trending_score(
            recent_supports=supports.get(idea.pk, 0),
            recent_comments=comments.get(idea.pk, 0),
            age_hours=(now - idea.published_at).total_seconds() / 3600,
        )
        if abs(score - idea.trending_score) > 1e-9:
            idea.trending_score = score
            changed.append(idea)
    Idea.objects.bulk_update(changed, ["trending_score"], batch_size=batch_size)
    return len(changed)
