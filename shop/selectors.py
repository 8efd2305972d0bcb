"""Reads of the shop's records for other apps (they never read its tables themselves)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db.models import F, QuerySet, Sum

from shop.models import Order

# What "spend in the last 12 months" means: orders paid in the last 365 days.
SPEND_WINDOW = datetime.timedelta(days=365)


def spend_by_member(*, member_ids: Iterable[int] | None, now: datetime.datetime) -> dict[int, Decimal]:
    """Each member's spend in the 12 months up to ``now``: the totals of their orders paid
    after ``now - 365 days`` (and not after ``now``), less everything refunded of those
    orders, whenever it was refunded. Only orders in the shop's currency count
    (``HEARTH_SHOP_CURRENCY``; there are no exchange rates). ``member_ids`` None: every
    member with such an order. Members without one are left out. One query."""
    orders = Order.objects.filter(member__isnull=False, paid_at__gt=now - SPEND_WINDOW,
                                  paid_at__lte=now, currency=settings.HEARTH_SHOP_CURRENCY)
    if member_ids is not None:
        orders = orders.filter(member_id__in=list(member_ids))
    rows = (orders.values("member_id").annotate(spend=Sum(F("total") - F("refunded")))
            .order_by().values_list("member_id", "spend"))
    return {member_id: spend or Decimal(0) for member_id, spend in rows}


def orders_of(*, member) -> QuerySet[Order]:
    """The member's orders (for the API's "my orders"); the caller orders them."""
    if not getattr(member, "is_authenticated", False):
        return Order.objects.none()
    return Order.objects.filter(member=member)
