"""Reads for the site shell. Each sets its own select_related/prefetch_related."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from community.models import Notification, OutboxTask, ProductIndexPage, ProductPage, User


def with_roles(queryset: QuerySet, user_path: str = "") -> QuerySet:
    """Prefetch the groups behind role labels for the users at ``user_path``
    (e.g. "author" for posts), so a list renders every label with one extra query."""
    lookup = f"{user_path}__groups" if user_path else "groups"
    return queryset.prefetch_related(Prefetch(lookup, queryset=Group.objects.only("id", "name")))


def role_group_of(user_id_field: str) -> Subquery:
    """The name of the role group (``ROLE_LABELS``, first listed first) of the user whose id
    is in ``user_id_field``, or None: an annotation, so a list of rows by many members gets
    their role labels within its own query (no prefetch query, no manager per member). Give
    it to each user with ``known_role_group``."""
    from community.roles import ROLE_LABELS

    memberships = User.groups.through.objects.filter(
        user_id=OuterRef(user_id_field), group__name__in=list(ROLE_LABELS))
    rank = Case(*(When(group__name=name, then=Value(order)) for order, name in enumerate(ROLE_LABELS)),
                output_field=IntegerField())
    return Subquery(memberships.annotate(rank=rank).order_by("rank").values("group__name")[:1])


def known_role_group(user: User | None, group_name: str | None) -> None:
    """Tell ``user`` the role group ``role_group_of`` found for it (``User.role_group``)."""
    if user is not None:
        user.known_role_group = group_name


def public_profile(*, username: str) -> User:
    return with_roles(User.objects.filter(is_active=True)).get(username__iexact=username)


def inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor")


def unread_of_kind(*, user: User, kind: str, limit: int) -> list[Notification]:
    """The member's newest unread notifications of one kind (one query)."""
    return list(Notification.objects.filter(recipient=user, kind=kind, read_at__isnull=True)
                .order_by("-created_at", "-id")[:limit])


# Bayesian prior for the catalogue order: each product starts with this many imaginary
# reviews of this rating, so one 5-star review does not top the list (as Trustpilot does).
RATING_PRIOR_REVIEWS = 7
RATING_PRIOR_STARS = 3.5


def product_list(*, index_page: ProductIndexPage) -> QuerySet[ProductPage]:
    """Live products, best Bayesian-adjusted rating first (the reviews app keeps the
    per-product totals in ``rating``); products without reviews sit at the prior. Each
    carries ``rating_score`` and ``review_count`` for the catalogue's other orders, and its
    card picture's rendition is prefetched (one query for the page, not one per card)."""
    from wagtail.images import get_image_model

    from community.catalogue import CARD_IMAGE

    images = get_image_model().objects.prefetch_renditions(CARD_IMAGE)
    return (
        ProductPage.objects.child_of(index_page)
        .live()
        .public()
        .select_related("category", "rating")
        .prefetch_related(Prefetch("image", queryset=images))
        .annotate(rating_score=bayesian_rating(), review_count=Coalesce(F("rating__count"), 0))
        .order_by("-rating_score", "title")
    )


def bayesian_rating():
    """A product's rating pulled towards the prior by how few reviews it has: the order of
    "best rated" lists."""
    count = Coalesce(F("rating__count"), Value(0))
    total = Coalesce(F("rating__total"), Value(0))
    return (Value(RATING_PRIOR_REVIEWS * RATING_PRIOR_STARS) + Cast(total, FloatField())) / (
        Value(float(RATING_PRIOR_REVIEWS)) + Cast(count, FloatField())
    )


def email_preferences(*, user: User) -> dict[str, bool]:
    """Every registered kind mapped to whether ``user`` gets it by email."""
    from community.models import NotificationPreference
    from community.notification_kinds import all_kinds

    stored = dict(
        NotificationPreference.objects.filter(user=user).values_list("kind", "email")
    )
    return {kind.key: stored.get(kind.key, kind.email_by_default) for kind in all_kinds()}


# Other apps' own queues of deferred work register a summary of what they gave up on
# (``register_failed_work``): the badges engine's inbox does. Each is a callable returning
# rows shaped as failed_deferred_tasks' rows.
_FAILED_WORK_SOURCES: list = []


def register_failed_work(summary) -> None:
    if summary not in _FAILED_WORK_SOURCES:
        _FAILED_WORK_SOURCES.append(summary)


def failed_deferred_tasks() -> list[dict]:
    """The outbox rows given up on (``community.deferred.dead_rows``), one entry per task
    name: ``task_name``, ``count``, ``last_dead_at`` and the newest row's ``last_error``.
    One query, on the partial index of dead rows, plus one per registered source."""
    dead = OutboxTask.objects.filter(dead_at__isnull=False, completed_at__isnull=True)
    newest_error = (dead.filter(task_name=OuterRef("task_name")).order_by("-dead_at", "-pk")
                    .values("last_error")[:1])
    rows = list(
        dead.order_by().values("task_name")
        .annotate(count=Count("id"), last_dead_at=Max("dead_at"), last_error=Subquery(newest_error))
        .order_by("-count", "task_name")
    )
    for summary in _FAILED_WORK_SOURCES:  # one query each
        rows += summary()
    return rows


def pages_opened_by(group_ids: list[int]) -> dict[int, list]:
    """What each group opens among the site's pages: pages whose Wagtail privacy setting lets
    that group in (a product page before its launch), as links for the
    ``community.group_access`` registry (one query). Wagtail itself refuses everyone else."""
    from wagtail.models import PageViewRestriction

    from community.group_access import Link

    opened: dict[int, list] = {}
    grants = (PageViewRestriction.groups.through.objects
              .filter(group_id__in=group_ids,
                      pageviewrestriction__restriction_type=PageViewRestriction.GROUPS,
                      pageviewrestriction__page__live=True)
              .select_related("pageviewrestriction__page")
              .order_by("pageviewrestriction__page__title"))
    for grant in grants:
        page = grant.pageviewrestriction.page
        what = "the product page" if page.specific_class is ProductPage else "the page"
        opened.setdefault(grant.group_id, []).append(
            Link(label=f"{what} “{page.title}” before it is public", url=page.url))
    return opened


def notifications_of_kind(*, member_ids, kind: str, since,
                          limit: int = 5) -> dict[int, list[tuple[str, str]]]:
    """For each member, their notifications of ``kind`` made after ``since`` as (message,
    url), newest first, at most ``limit`` each. One query."""
    from community.models import Notification

    found: dict[int, list[tuple[str, str]]] = {}
    rows = (Notification.objects.filter(recipient_id__in=list(member_ids), kind=kind,
                                        created_at__gt=since)
            .order_by("recipient_id", "-created_at", "-id")
            .values_list("recipient_id", "message", "url"))
    for recipient_id, message, url in rows:
        mine = found.setdefault(recipient_id, [])
        if len(mine) < limit:
            mine.append((message, url))
    return found
