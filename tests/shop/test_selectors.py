"""A member's spend in the last 12 months, read from the shop's orders and refunds."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from shop import services
from shop.models import Order
from shop.parsing import parse_order, parse_refund
from shop.selectors import SPEND_WINDOW, spend_by_member
from tests.factories import UserFactory
from tests.shop.factories import order_payload, refund_payload

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def paid(member, total: str, paid_at: datetime.datetime, currency: str = "EUR") -> Order:
    return services.record_order(data=parse_order(order_payload(
        email=member.email, total=total, currency=currency,
        paid_at=paid_at.isoformat())), source=Order.Source.WEBHOOK).obj


def refunded(order: Order, amount: str) -> None:
    services.record_refund(data=parse_refund(refund_payload(order_id=order.external_id,
                                                            amount=amount)))


def test_orders_count_within_365_days_and_not_from_the_moment_they_are_365_days_old():
    member = UserFactory()
    paid(member, "10.00", NOW - SPEND_WINDOW)  # exactly 365 days: out
    paid(member, "20.00", NOW - SPEND_WINDOW + datetime.timedelta(seconds=1))  # in
    paid(member, "40.00", NOW)  # in
    paid(member, "80.00", NOW + datetime.timedelta(seconds=1))  # not paid yet at NOW: out
    assert spend_by_member(member_ids=[member.pk], now=NOW) == {member.pk: Decimal("60.00")}
    # A second later the 20.00 has aged out and the 80.00 counts.
    later = NOW + datetime.timedelta(seconds=1)
    assert spend_by_member(member_ids=[member.pk], now=later) == {member.pk: Decimal("120.00")}


def test_refunds_lower_the_spend_whenever_they_are_made_and_a_full_refund_takes_it_all():
    member = UserFactory()
    kept = paid(member, "100.00", NOW - datetime.timedelta(days=30))
    returned = paid(member, "50.00", NOW - datetime.timedelta(days=10))
    refunded(kept, "25.50")
    refunded(returned, "50.00")
    assert spend_by_member(member_ids=[member.pk], now=NOW) == {member.pk: Decimal("74.50")}


def test_only_the_shops_currency_counts_and_only_the_members_asked_about(settings):
    settings.HEARTH_SHOP_CURRENCY = "EUR"
    ada, bob = UserFactory(), UserFactory()
    paid(ada, "30.00", NOW - datetime.timedelta(days=1))
    paid(ada, "999.00", NOW - datetime.timedelta(days=1), currency="USD")
    paid(bob, "5.00", NOW - datetime.timedelta(days=1))
    assert spend_by_member(member_ids=[ada.pk], now=NOW) == {ada.pk: Decimal("30.00")}
    assert spend_by_member(member_ids=None, now=NOW) == {ada.pk: Decimal("30.00"),
                                                         bob.pk: Decimal("5.00")}


def test_the_spend_of_any_number_of_members_is_one_query(django_assert_num_queries):
    members = [UserFactory() for _ in range(3)]
    for member in members:
        paid(member, "12.00", NOW - datetime.timedelta(days=2))
    with django_assert_num_queries(1):
        spends = spend_by_member(member_ids=[member.pk for member in members], now=NOW)
    assert set(spends.values()) == {Decimal("12.00")}
