"""Reads for the site shell. Each sets its own select_related/prefetch_related."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Prefetch, QuerySet

from community.models import Notification, ProductIndexPage, ProductPage, User


def with_roles(queryset: QuerySet, user_path: str = "") -> QuerySet:
    """Prefetch the groups behind role labels for the users at ``user_path``
    (e.g. "author" for posts), so a list renders every label with one extra query."""
    lookup = f"{user_path}__groups" if user_path else "groups"
    return queryset.prefetch_related(Prefetch(lookup, queryset=Group.objects.only("id", "name")))


def public_profile(*, username: str) -> User:
    return with_roles(User.objects.filter(is_active=True)).get(username__iexact=username)


def inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor")


# Bayesian prior for the catalogue order: each product starts with this many imaginary
# reviews of this rating, so one 5-star review does not top the list (as Trustpilot does).
RATING_PRIOR_REVIEWS = 7
RATING_PRIOR_STARS = 3.5


def product_list(*, index_page: ProductIndexPage) -> QuerySet[ProductPage]:
    """Live products, best Bayesian-adjusted rating first (the reviews app keeps the
    per-product totals in ``rating``); products without reviews sit at the prior."""
    from django.db.models import F, FloatField, Value
    from django.db.models.functions import Cast, Coalesce

    count = Coalesce(F("rating__count"), Value(0))
    total = Coalesce(F("rating__total"), Value(0))
    score = (Value(RATING_PRIOR_REVIEWS * RATING_PRIOR_STARS) + Cast(total, FloatField())) / (
        Value(float(RATING_PRIOR_REVIEWS)) + Cast(count, FloatField())
    )
    return (
        ProductPage.objects.child_of(index_page)
        .live()
        .public()
        .select_related("image", "category", "rating")
        .annotate(rating_score=score)
        .order_by("-rating_score", "title")
    )


def email_preferences(*, user: User) -> dict[str, bool]:
    """Every registered kind mapped to whether ``user`` gets it by email."""
    from community.models import NotificationPreference
    from community.notification_kinds import all_kinds

    stored = dict(
        NotificationPreference.objects.filter(user=user).values_list("kind", "email")
    )
    return {kind.key: stored.get(kind.key, kind.email_by_default) for kind in all_kinds()}
