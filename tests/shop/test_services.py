"""Matching orders to members, the points they earn (once), and refunds taking them back."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed

from badges.models import PointsEntry, UserPoints
from badges.selectors import points_page
from badges.services import inbox
from community.models import ProductCategory
from community.refusals import Invalid
from shop import services, signals
from shop.models import CategoryMultiplier, EarningRules, Order
from shop.parsing import parse_order, parse_refund
from tests.factories import UserFactory, make_product
from tests.shop.factories import order_payload, refund_payload

pytestmark = pytest.mark.django_db


def record(**payload) -> Order:
    return services.record_order(data=parse_order(order_payload(**payload)),
                                 source=Order.Source.WEBHOOK).obj


def refund(order: Order, amount: str, **extra):
    return services.record_refund(data=parse_refund(refund_payload(
        order_id=order.external_id, amount=amount, **extra))).obj


def balances(member) -> tuple[int, int]:
    inbox.drain()
    row = UserPoints.objects.filter(user=member).first()
    return (row.total, row.spendable) if row else (0, 0)


@pytest.fixture
def heard(django_capture_on_commit_callbacks):
    """The shop's events as receivers hear them after commit, in order."""
    events = []

    def on_paid(sender, **payload):
        events.append(("paid", payload["order_id"], payload["user_id"], payload["points"]))

    def on_refunded(sender, **payload):
        events.append(("refunded", payload["refund_id"], payload["user_id"], payload["points"]))

    signals.order_paid.connect(on_paid, dispatch_uid="test.paid")
    signals.order_refunded.connect(on_refunded, dispatch_uid="test.refunded")
    yield events
    signals.order_paid.disconnect(dispatch_uid="test.paid")
    signals.order_refunded.disconnect(dispatch_uid="test.refunded")


def test_an_order_is_attributed_to_the_member_whose_verified_email_it_carries_in_any_case(
        heard, django_capture_on_commit_callbacks):
    member = UserFactory(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        order = record(email="ADA@Example.COM", total="42.50")
    assert order.member == member and order.email == "ada@example.com"
    assert heard == [("paid", order.pk, member.pk, 42)]
    assert balances(member) == (42, 42)


def test_an_order_for_an_unverified_email_stays_unattributed_and_earns_nobody_anything(
        heard, django_capture_on_commit_callbacks):
    member = UserFactory(email="ada@example.com", verified=False)
    EmailAddress.objects.create(user=member, email="ada@example.com", verified=False, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        order = record(email="ada@example.com")
    assert order.member is None and order.announced_at is None
    assert heard == []
    assert balances(member) == (0, 0)


def test_verifying_the_email_later_attributes_the_order_and_awards_its_points_once(
        heard, django_capture_on_commit_callbacks):
    member = UserFactory(email="ada@example.com", verified=False)
    address = EmailAddress.objects.create(user=member, email="Ada@example.com", verified=False)
    order = record(email="ada@example.com", total="30.00")
    address.verified = True
    address.save()
    with django_capture_on_commit_callbacks(execute=True):
        email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    with django_capture_on_commit_callbacks(execute=True):
        email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    order.refresh_from_db()
    assert order.member == member
    assert heard == [("paid", order.pk, member.pk, 30)]
    assert balances(member) == (30, 30)


def test_an_unverified_confirmation_signal_attributes_nothing():
    member = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=member, email="x@example.com", verified=False)
    order = record(email="x@example.com")
    assert services.attribute_orders(user_id=member.pk, email=address.email) == []
    order.refresh_from_db()
    assert order.member is None


def test_points_are_awarded_once_even_when_the_events_are_replayed():
    member = UserFactory(email="ada@example.com")
    order = record(email="ada@example.com", total="25.00")
    inbox.enqueue("order_paid", order_id=order.pk, user_id=member.pk, points=25)
    assert balances(member) == (25, 25)
    entry = PointsEntry.objects.get(user=member)
    assert (entry.reason, entry.note, entry.source_id) == ("order_paid", f"Order {order.external_id}",
                                                           order.pk)


def test_points_follow_the_rate_and_the_category_multipliers():
    gadgets = ProductCategory.objects.create(name="Gadgets", slug="gadgets")
    make_product(sku="GAD-1", category=gadgets)
    make_product(sku="PLAIN-1")
    rules = EarningRules.load()
    rules.points_per_unit = Decimal("1.50")
    rules.save()
    CategoryMultiplier.objects.create(rules=rules, category=gadgets, multiplier=Decimal(2))
    order = record(total="40.00", lines=[
        {"sku": "GAD-1", "quantity": 1, "price": "10.00"},    # 10 × 1.5 × 2 = 30
        {"sku": "PLAIN-1", "quantity": 2, "price": "5.33"},   # 10.66 × 1.5 = 15.99
        {"sku": "UNKNOWN", "quantity": 1, "price": "1.00"}])  # 1 × 1.5 = 1.5
    assert order.points == 47  # floor(47.49): whole points, never rounded up
    assert list(order.lines.values_list("points", flat=True)) == [30, 15, 1]


def test_the_rate_defaults_to_the_setting(settings):
    settings.HEARTH_SHOP_POINTS_PER_UNIT = "3"
    assert record(total="10.00").points == 30


def test_an_order_without_lines_earns_on_its_total():
    assert record(total="19.99").points == 19


def test_refunds_take_back_a_proportional_share_and_never_more_than_the_order_earned(
        heard, django_capture_on_commit_callbacks):
    member = UserFactory(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        order = record(email="ada@example.com", total="99.00")
        first = refund(order, "33.00")   # floor(99 × 33/99) = 33
        second = refund(order, "0.50")   # floor(99 × 33.5/99) = 33: nothing more yet
        third = refund(order, "65.50")   # the rest: everything left, 66
    assert [first.points, second.points, third.points] == [33, 0, 66]
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.refunded == order.total
    assert [event for event in heard if event[0] == "refunded"] == [
        ("refunded", first.pk, member.pk, 33), ("refunded", second.pk, member.pk, 0),
        ("refunded", third.pk, member.pk, 66)]
    assert balances(member) == (0, 0)
    reasons = sorted(PointsEntry.objects.filter(user=member).values_list("reason", "points"))
    assert reasons == [("order_paid", 99), ("order_refunded", -66), ("order_refunded", -33)]


def test_a_refund_never_takes_back_points_already_spent():
    member = UserFactory(email="ada@example.com")
    order = record(email="ada@example.com", total="10.00")
    assert balances(member) == (10, 10)
    from badges.services.wallet import spend_points

    spend_points(user_id=member.pk, points=8, reason="reward_redeemed", source_label="shop.order",
                 source_id=order.pk)
    refund(order, "10.00")
    assert balances(member) == (0, 0)


def test_a_refund_recorded_before_the_member_verified_is_announced_with_the_order(
        heard, django_capture_on_commit_callbacks):
    member = UserFactory(email="late@example.com", verified=False)
    address = EmailAddress.objects.create(user=member, email="late@example.com", verified=False)
    order = record(email="late@example.com", total="40.00")
    partial = refund(order, "10.00")
    EmailAddress.objects.filter(pk=address.pk).update(verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.attribute_orders(user_id=member.pk, email=address.email)
    assert heard == [("paid", order.pk, member.pk, 40), ("refunded", partial.pk, member.pk, 10)]
    assert balances(member) == (30, 30)


def test_refusals_change_nothing():
    order = record(total="10.00")
    with pytest.raises(Invalid, match="more than what is left"):
        refund(order, "10.01")
    with pytest.raises(Invalid, match="no order"):
        services.record_refund(data=parse_refund(refund_payload(order_id="none", amount="1")))
    order.refresh_from_db()
    assert order.refunded == 0 and not order.refunds.exists()


def test_the_points_history_names_orders_and_refunds():
    member = UserFactory(email="ada@example.com")
    order = record(email="ada@example.com", total="10.00", order_id="H-1")
    refund(order, "5.00")
    inbox.drain()
    labels = [(entry.label, entry.note) for entry in points_page(member=member).history]
    assert sorted(labels) == [("Order refunded", "Refund of order H-1"),
                              ("Points for an order", "Order H-1")]


def test_recompute_refunded_repairs_a_drifted_total():
    order = record(total="10.00")
    refund(order, "4.00")
    Order.objects.filter(pk=order.pk).update(refunded=Decimal("1.00"))
    assert services.recompute_refunded() == 1
    order.refresh_from_db()
    assert order.refunded == Decimal("4.00")
    assert services.recompute_refunded() == 0
