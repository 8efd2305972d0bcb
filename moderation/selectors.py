"""Reads for moderation. Each sets its own select_related/prefetch_related."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from community.models import User
from community.roles import MODERATE
from community.selectors import failed_deferred_tasks
from moderation.models import (
    Flag,
    MemberTrust,
    ModerationAction,
    QueueItem,
    SuspectedRing,
    Suspension,
    TrustLevel,
)
from moderation.registry import NotModeratable, adapter_for_content_type

_NO_SUSPENSION = "none"


def _suspension_cache_key(user_id: int) -> str:
    return f"moderation:suspension:{user_id}"


def active_suspension(user) -> Suspension | None:
    """The member's current suspension, if any. Cached (every page shows the banner), and
    the cache is cleared whenever a suspension is created or lifted."""
    if not user or not user.is_authenticated:
        return None
    key = _suspension_cache_key(user.pk)
    cached = cache.get(key)
    now = timezone.now()
    if cached == _NO_SUSPENSION:
        return None
    if isinstance(cached, Suspension) and (cached.ends_at is None or cached.ends_at > now):
        return cached
    current = list(
        Suspension.objects.filter(user_id=user.pk, lifted_at__isnull=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    )
    # The one that lasts longest is the one the member needs to know about.
    permanent = [s for s in current if s.ends_at is None]
    suspension = permanent[0] if permanent else max(current, key=lambda s: s.ends_at, default=None)
    if suspension is None:
        cache.set(key, _NO_SUSPENSION, timeout=600)
        return None
    timeout = 600 if suspension.ends_at is None else max(
        1, min(600, int((suspension.ends_at - now).total_seconds()))
    )
    cache.set(key, suspension, timeout=timeout)
    return suspension


def suspension_for_banner(user) -> Suspension | None:
    """``active_suspension`` for the page banner: the user row of the request already says
    whether a suspension may be running, so members never suspended cost no query."""
    until = getattr(user, "suspended_until", None)
    if until is None or until <= timezone.now():
        return None
    return active_suspension(user)


def forget_suspension(user_id: int) -> None:
    cache.delete(_suspension_cache_key(user_id))


def community_managers() -> QuerySet[User]:
    """Active members holding the moderation permission (through a group or directly), and
    superusers, in one query."""
    app_label, codename = MODERATE.split(".")
    through_group = Q(groups__permissions__codename=codename,
                      groups__permissions__content_type__app_label=app_label)
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    holds = through_group | direct
    return User.objects.filter(Q(is_superuser=True) | holds, is_active=True).distinct()


def is_suspended(user) -> bool:
    """Whether the member is suspended now. Their user row (freshly loaded) says whether a
    suspension may be running, so members never suspended cost no query; the Suspension rows
    answer for the others (lifting one early counts at once)."""
    return suspension_for_banner(user) is not None


def not_suspended(user_path: str = "") -> Q:
    """Rows whose member (reached through ``user_path``) is not suspended now, as a filter:
    ``User.suspended_until`` moves with the Suspension rows in the same transaction."""
    until = f"{user_path}suspended_until"
    return Q(**{f"{until}__isnull": True}) | Q(**{f"{until}__lte": timezone.now()})


def trust_level_of(user) -> int:
    if not user or not user.is_authenticated:
        return TrustLevel.NEW
    level = MemberTrust.objects.filter(user_id=user.pk).values_list("level", flat=True).first()
    return level if level is not None else TrustLevel.NEW


def member_trust(user) -> MemberTrust:
    """The member's trust row, or an unsaved one at TL0 for members with no activity yet."""
    return MemberTrust.objects.filter(user_id=user.pk).first() or MemberTrust(user=user)


# --- The queue -----------------------------------------------------------------------------

SORTS = {
    "score": ("-score", "created_at"),
    "oldest": ("created_at",),
    "newest": ("-created_at",),
}


def pending_items(*, sort: str = "score") -> QuerySet[QueueItem]:
    """Pending items with their flags (and flaggers), the author and the author's history:
    previous upheld flags on their content and suspensions. Objects are attached separately
    by ``attach_objects`` (one query per content type)."""
    upheld_before = (
        Flag.objects.filter(item__author=OuterRef("author"), status=Flag.Status.UPHELD)
        .order_by()
        .values("item__author")
        .annotate(n=Count("id"))
        .values("n")
    )
    suspensions = (
        Suspension.objects.filter(user=OuterRef("author"))
        .order_by()
        .values("user")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        QueueItem.objects.filter(status=QueueItem.Status.PENDING)
        .select_related("author", "content_type")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.select_related("flagger").order_by("created_at"),
            )
        )
        .annotate(
            author_upheld_flags=Coalesce(Subquery(upheld_before, output_field=IntegerField()), Value(0)),
            author_suspensions=Coalesce(Subquery(suspensions, output_field=IntegerField()), Value(0)),
        )
        .order_by(*SORTS.get(sort, SORTS["score"]))
    )


@dataclass
class QueueEntry:
    item: QueueItem
    obj: object | None
    adapter: object | None
    url: str
    excerpt: str
    hidden: bool


def attach_objects(items) -> list[QueueEntry]:
    """Load each item's content, one query per content type, through its adapter."""
    items = list(items)
    by_type: dict[int, set[int]] = {}
    for item in items:
        by_type.setdefault(item.content_type_id, set()).add(item.object_id)
    loaded: dict[tuple[int, int], object] = {}
    adapters = {}
    for type_id, ids in by_type.items():
        content_type = ContentType.objects.get_for_id(type_id)
        try:
            adapter = adapter_for_content_type(content_type)
        except NotModeratable:
            continue
        adapters[type_id] = adapter
        queryset = adapter.prefetch(content_type.model_class()._base_manager.filter(pk__in=ids))
        for obj in queryset:
            loaded[(type_id, obj.pk)] = obj
    entries = []
    for item in items:
        obj = loaded.get((item.content_type_id, item.object_id))
        adapter = adapters.get(item.content_type_id)
        entries.append(
            QueueEntry(
                item=item,
                obj=obj,
                adapter=adapter,
                url=adapter.url(obj) if obj is not None else "",
                excerpt=adapter.excerpt(obj) if obj is not None else item.excerpt,
                hidden=adapter.is_hidden(obj) if obj is not None else True,
            )
        )
    return entries


def queue_item(*, item_id: int) -> QueueItem:
    return QueueItem.objects.select_related("author", "content_type", "resolved_by").get(pk=item_id)


# --- The audit log -------------------------------------------------------------------------

def audit_log(*, moderator: str = "", member: str = "", action: str = "") -> QuerySet[ModerationAction]:
    actions = ModerationAction.objects.select_related("actor", "target_user", "content_type")
    if moderator:
        actions = actions.filter(actor__username__iexact=moderator)
    if member:
        actions = actions.filter(target_user__username__iexact=member)
    if action:
        actions = actions.filter(action=action)
    return actions


# --- The dashboard -------------------------------------------------------------------------

def dashboard(*, days: int = 14) -> dict:
    now = timezone.now()
    pending = QueueItem.objects.filter(status=QueueItem.Status.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    since = now - timedelta(days=days - 1)
    per_day = dict(
        ModerationAction.objects.filter(created_at__date__gte=since.date())
        .exclude(actor__isnull=True)
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
    )
    day_list = [since.date() + timedelta(days=offset) for offset in range(days)]
    actions_per_day = [(day, per_day.get(day, 0)) for day in day_list]
    levels = dict(MemberTrust.objects.order_by().values_list("level").annotate(n=Count("id")))
    members = User.objects.filter(is_active=True).count()
    with_rows = sum(levels.values())
    levels[0] = levels.get(0, 0) + max(0, members - with_rows)
    distribution = [(TrustLevel(level).label, level, levels.get(level, 0)) for level in range(5)]
    failed_tasks = failed_deferred_tasks()
    return {
        "open_flags": Flag.objects.filter(status=Flag.Status.PENDING).count(),
        "pending_items": pending.count(),
        "oldest_pending": oldest,
        "stalled": pending.filter(stall_notified_at__isnull=False).count(),
        "actions_per_day": actions_per_day,
        "max_per_day": max([n for _day, n in actions_per_day] + [1]),
        "trust_distribution": distribution,
        "max_level_count": max([n for *_rest, n in distribution] + [1]),
        "rings": list(SuspectedRing.objects.all()[:20]),
        # Work owed after members' writes that failed every attempt (community.deferred).
        "failed_tasks": failed_tasks,
        "failed_tasks_total": sum(row["count"] for row in failed_tasks),
        "outbox_max_attempts": settings.HEARTH_OUTBOX_MAX_ATTEMPTS,
    }


def ring_members(rings: list[SuspectedRing]) -> dict[int, User]:
    ids = {user_id for ring in rings for user_id in ring.user_ids}
    return User.objects.in_bulk(ids)


def member_history(*, user: User) -> dict:
    return {
        "trust": member_trust(user),
        "suspensions": list(Suspension.objects.filter(user=user).select_related("created_by", "lifted_by")),
        "actions": list(
            ModerationAction.objects.filter(target_user=user).select_related("actor", "content_type")[:20]
        ),
        "active_suspension": active_suspension(user),
        "upheld_flags": Flag.objects.filter(item__author=user, status=Flag.Status.UPHELD).count(),
    }


def today() -> date:
    return timezone.localdate()


def queue_counts():
    """The staff menu's figure for the queue: items waiting (one query)."""
    from community.staff_links import Count

    waiting = QueueItem.objects.filter(status=QueueItem.Status.PENDING).count()
    return [Count(key="waiting", label="waiting", number=waiting)]


def last_visits(*, member_ids) -> dict[int, date]:
    """The day of each member's last counted visit (``MemberTrust.last_visit_date``), for
    those with one. One query."""
    return dict(MemberTrust.objects.filter(user_id__in=list(member_ids), last_visit_date__isnull=False)
                .values_list("user_id", "last_visit_date"))
