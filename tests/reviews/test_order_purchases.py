"""Paid orders make their buyers verified owners of the products they bought."""

import pytest

from reviews.models import PurchaseRecord
from reviews.services import record_order_purchases
from shop import services
from shop.models import Order
from shop.parsing import parse_order
from tests.factories import UserFactory, make_product
from tests.shop.factories import order_payload

pytestmark = pytest.mark.django_db


def _order(**payload):
    return services.record_order(data=parse_order(order_payload(**payload)),
                                 source=Order.Source.WEBHOOK).obj


def test_a_paid_attributed_order_records_each_matched_product_once(django_capture_on_commit_callbacks):
    make_product(sku="KET-100")
    make_product(sku="FLT-200")
    UserFactory(email="owner@example.com")
    lines = [{"sku": "KET-100", "quantity": 1, "price": "10.00"},
             {"sku": "KET-100", "quantity": 1, "price": "10.00"},
             {"sku": "FLT-200", "quantity": 1, "price": "5.00"},
             {"sku": "NOT-SOLD-HERE", "quantity": 1, "price": "5.00"}]
    with django_capture_on_commit_callbacks(execute=True):
        order = _order(order_id="P-1", email="Owner@example.com", total="30.00", lines=lines)
    records = set(PurchaseRecord.objects.values_list("email", "sku", "order_reference", "purchased_on"))
    assert records == {("owner@example.com", "KET-100", "P-1", order.paid_at.date()),
                       ("owner@example.com", "FLT-200", "P-1", order.paid_at.date())}
    # Running it again, or another order of the same product, adds nothing.
    assert record_order_purchases(order_id=order.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        _order(order_id="P-2", email="owner@example.com", total="10.00", lines=lines[:1])
    assert PurchaseRecord.objects.count() == 2


def test_an_order_nobody_has_verified_makes_no_purchase_record_yet(django_capture_on_commit_callbacks):
    make_product(sku="KET-100")
    with django_capture_on_commit_callbacks(execute=True):
        _order(email="stranger@example.com", total="10.00",
               lines=[{"sku": "KET-100", "quantity": 1, "price": "10.00"}])
    assert not PurchaseRecord.objects.exists()


def test_an_order_that_no_longer_exists_records_nothing():
    assert record_order_purchases(order_id=10**9) == 0
