"""Reads for ideas. Each sets its own select_related/prefetch_related so a page costs a fixed
number of queries whatever the number of ideas, supporters or comments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.fields import BooleanField
from django.db.models.functions import Coalesce, Greatest

from community.roles import is_community_manager
from community.selectors import with_roles
from ideas import clock, rules
from ideas.models import (
    Idea,
    IdeaComment,
    IdeaImage,
    Milestone,
    MilestoneReached,
    Status,
    StatusChange,
    Support,
)
from ideas.visibility import idea_readable

SORTS = {
    "trending": "Trending",
    "top": "Most supported",
    "new": "Newest",
    "ending": "Ending soon",
}
# Filter choices on the list; "gathering_support" and "expired" follow the effective status.
LIST_STATUSES = [s for s in Status if s not in (Status.IN_REVIEW, Status.NEEDS_WORK)]
STAFF_STATUSES = [Status.IN_REVIEW, Status.NEEDS_WORK]


def _supported_by(user):
    if user and user.is_authenticated:
        return Exists(Support.objects.filter(idea=OuterRef("pk"), user=user))
    return Value(False, output_field=BooleanField())


def supported_among(*, member, idea_ids: list[int]) -> set[int]:
    """Which of ``idea_ids`` the member supports (one query; none for a visitor)."""
    if not (member and member.is_authenticated and idea_ids):
        return set()
    return set(Support.objects.filter(user=member, idea_id__in=idea_ids)
               .values_list("idea_id", flat=True))


def supported_ideas_that_moved(*, member, since, limit: int) -> list[Idea]:
    """Public ideas ``member`` supports whose status changed (publication aside) or that
    reached a milestone since ``since``, latest first, each with ``moved_at``, ``moved_by``
    ("status" or "milestone") and ``moved_supporters`` (the milestone). One query."""
    last_milestone = (MilestoneReached.objects.filter(idea=OuterRef("pk"), reached_at__gte=since)
                      .order_by("-reached_at"))
    ideas = (Idea.objects.with_effective_status().filter(idea_readable())
             .filter(supports__user=member)
             .annotate(milestone_at=Subquery(last_milestone.values("reached_at")[:1]),
                       moved_supporters=Subquery(last_milestone.values("supporters")[:1]))
             .filter(Q(status_changed_at__gte=since) & ~Q(status=Status.GATHERING_SUPPORT)
                     | Q(milestone_at__isnull=False))
             .annotate(moved_at=Greatest(Coalesce("milestone_at", "status_changed_at"),
                                         "status_changed_at"))
             .order_by("-moved_at", "-pk")[:limit])
    result = list(ideas)
    for idea in result:
        milestone_last = idea.milestone_at is not None and (
            idea.status == Status.GATHERING_SUPPORT or idea.milestone_at >= idea.status_changed_at)
        idea.moved_by = "milestone" if milestone_last else "status"
        idea.moved_at = idea.milestone_at if milestone_last else idea.status_changed_at
    return result


def idea_list(*, user, sort: str = "trending", status: str = "", category: str = "",
              mine: bool = False) -> QuerySet[Idea]:
    """Ideas for the list page: published ones for everyone; staff may also list those in
    review or needing work, and members list all of their own with ``mine``. Merged ideas
    only appear when asked for."""
    now = clock.now()
    # The visibility rule first; the list then narrows it (deleted ideas are never listed).
    ideas = Idea.objects.with_effective_status().visible_to(user).not_deleted()
    if mine and user.is_authenticated:
        # Members see their own hidden ideas (marked, with the reason on the page).
        ideas = ideas.filter(creator=user)
        if status in Status.values:
            ideas = ideas.filter(shown_status=status)
    elif status in STAFF_STATUSES and rules.can_review(user):
        ideas = ideas.filter(status=status)
    else:
        ideas = ideas.published()
        if status in Status.values:
            ideas = ideas.filter(shown_status=status)
        else:
            ideas = ideas.exclude(status=Status.MERGED)
    if not (mine and user.is_authenticated) and not is_community_manager(user):
        # Hidden ideas (and those held for approval) are left out of the public list for
        # everyone but community managers, who see them marked; members find their own
        # under "mine".
        ideas = ideas.filter(hidden_at__isnull=True)
    if category:
        ideas = ideas.filter(category__slug=category)
    if sort == "top":
        ideas = ideas.order_by("-support_count", "-published_at", "-pk")
    elif sort == "new":
        ideas = ideas.order_by("-published_at", "-created_at", "-pk")
    elif sort == "ending":
        ideas = ideas.filter(status=Status.GATHERING_SUPPORT, deadline__gt=now).order_by("deadline", "pk")
    else:
        ideas = ideas.order_by("-trending_score", "-published_at", "-pk")
    return (
        ideas.select_related("creator", "category", "next_milestone")
        .prefetch_related(Prefetch("images", queryset=IdeaImage.objects.order_by("position", "pk")))
        .annotate(supported=_supported_by(user))
    )


def idea_for_page(*, user, idea_id: int) -> Idea | None:
    """The idea with what every view of it needs (proposer, category, milestone, whether
    ``user`` supports it), or None if ``user`` may not see it. What only its page's shared
    parts show (product, images, status history, milestones reached, duplicates) is loaded
    by ``load_page_parts`` when those parts are rendered, not when they come from the cache:
    joining the product (a Wagtail page: two tables, some forty columns) cost more to
    compile than the rest of the query.

    ``merged_into`` and ``hidden_by`` are not joined: nearly every idea has neither (Django
    then reads None without a query), and the two joins more than doubled PostgreSQL's
    planning of this query (2.3 -> 1.0 ms) on every view. A merged or hidden idea loads
    them with one query each."""
    idea = (
        Idea.objects.filter(pk=idea_id)
        .select_related("creator", "category", "next_milestone")
        .annotate(supported=_supported_by(user))
        .first()
    )
    if idea is None or not rules.can_view(user, idea):
        return None
    return idea


def load_page_parts(idea: Idea) -> None:
    """Load what the idea page's shared parts show (five queries at most)."""
    prefetch_related_objects(
        [idea],
        "product",
        "images",
        Prefetch("status_changes",
                 queryset=StatusChange.objects.select_related("actor").order_by("created_at", "pk")),
        Prefetch("milestones_reached", queryset=MilestoneReached.objects.order_by("supporters")),
        Prefetch("duplicates", queryset=Idea.objects.only("pk", "title", "slug", "merged_into_id")),
    )


def recent_supporters(*, idea: Idea, limit: int = 12) -> list[Support]:
    supports = Support.objects.filter(idea=idea).select_related("user").order_by("-created_at", "-pk")
    return list(supports[:limit])


def comments_for(*, idea: Idea, user) -> QuerySet[IdeaComment]:
    """The idea's comments as ``user`` may see them: deleted ones never; hidden ones (and
    those held for approval) only by their author and community managers, marked."""
    comments = IdeaComment.objects.visible_to(user).filter(idea=idea)
    return with_roles(comments.select_related("author"), "author").order_by("created_at", "pk")


def milestone_ladder() -> list[Milestone]:
    return list(Milestone.objects.order_by("supporters"))


def timeline(*, idea: Idea, ladder: list[Milestone]) -> list[dict]:
    """The milestone timeline: each step with when it was reached, or its deadline if it is
    the one being worked towards."""
    reached = {m.supporters: m.reached_at for m in idea.milestones_reached.all()}
    steps = []
    for milestone in ladder:
        steps.append({
            "supporters": milestone.supporters,
            "window_days": milestone.window_days,
            "reached_at": reached.get(milestone.supporters),
            "is_next": idea.next_milestone_id == milestone.pk and idea.is_gathering_support,
            "deadline": idea.deadline if idea.next_milestone_id == milestone.pk else None,
        })
    return steps


def status_change_recipients(*, status_change_id: int) -> list[int]:
    """The creator and every supporter of the changed idea, except whoever made the change."""
    change = StatusChange.objects.filter(pk=status_change_id).select_related("idea").first()
    if change is None:
        return []
    if change.idea.hidden_at is not None or change.idea.deleted_at is not None:
        # Supporters no longer see a hidden idea: only its creator hears about it.
        return [] if change.idea.creator_id == change.actor_id else [change.idea.creator_id]
    # Supports a merge moved to the original still belong to this idea's audience.
    supporters = (
        Support.objects.filter(Q(idea_id=change.idea_id) | Q(moved_from_id=change.idea_id))
        .order_by("pk").values_list("user_id", flat=True)
    )
    recipients = [change.idea.creator_id, *supporters]
    seen: dict[int, None] = {}
    for user_id in recipients:
        if user_id != change.actor_id:
            seen.setdefault(user_id, None)
    return list(seen)


# --- What members missed (the activity digest, outreach) -------------------------------------

@dataclass(frozen=True)
class IdeaNews:
    idea_id: int
    title: str
    url: str
    what: str  # "is now Planned", "reached 100 supporters"


def supported_ideas_news(*, member_ids: Iterable[int], since: datetime.datetime,
                         limit: int = 5) -> dict[int, list[IdeaNews]]:
    """For each member, the readable ideas they support whose status changed or that reached
    a milestone after ``since`` (the latest status only; newest first). Three queries."""
    ids = list(member_ids)
    supports = (Support.objects.filter(user_id__in=ids).filter(idea_readable("idea__"))
                .values_list("user_id", "idea_id"))
    supporters: dict[int, list[int]] = {}
    for user_id, idea_id in supports:
        supporters.setdefault(idea_id, []).append(user_id)
    if not supporters:
        return {}
    news: dict[int, tuple[datetime.datetime, IdeaNews]] = {}
    changes = (StatusChange.objects.filter(idea_id__in=list(supporters), created_at__gt=since)
               .exclude(to_status="").select_related("idea").order_by("created_at", "pk"))
    for change in changes:  # the latest change of each idea wins
        idea = change.idea
        news[idea.pk] = (change.created_at, IdeaNews(
            idea_id=idea.pk, title=idea.title, url=idea.get_absolute_url(),
            what=f"is now {change.to_label}"))
    reached = (MilestoneReached.objects.filter(idea_id__in=list(supporters), reached_at__gt=since)
               .select_related("idea").order_by("reached_at", "pk"))
    for milestone in reached:
        idea = milestone.idea
        if idea.pk not in news or news[idea.pk][0] < milestone.reached_at:
            news[idea.pk] = (milestone.reached_at, IdeaNews(
                idea_id=idea.pk, title=idea.title, url=idea.get_absolute_url(),
                what=f"reached {milestone.supporters:,} supporters"))
    found: dict[int, list[IdeaNews]] = {}
    for idea_id, (_when, item) in sorted(news.items(), key=lambda pair: pair[1][0], reverse=True):
        for user_id in supporters[idea_id]:
            mine = found.setdefault(user_id, [])
            if len(mine) < limit:
                mine.append(item)
    return found
