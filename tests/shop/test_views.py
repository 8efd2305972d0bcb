"""The store's webhook: signatures, timestamps, replays and bad input, end to end."""

import json
import time
from decimal import Decimal

import pytest
from django.test import Client

from badges.models import PendingEvent
from shop.models import Order, OrderLine, Refund
from tests.factories import UserFactory, make_product
from tests.shop.factories import WEBHOOK_URL, deliver, order_payload, refund_payload, signed

pytestmark = pytest.mark.django_db


def _nothing_stored():
    return not Order.objects.exists() and not OrderLine.objects.exists() and not Refund.objects.exists()


def _problem(response, status, slug):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"urn:hearth:shop:webhook:{slug}"
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_a_signed_order_paid_delivery_is_stored_with_its_lines_and_points(client):
    make_product(sku="KET-100")
    response = deliver(client, "order.paid", order_payload(
        order_id="A-1", total="60.00",
        lines=[{"sku": "KET-100", "quantity": 2, "price": "25.00"}]))
    assert response.status_code == 200
    assert response.json() == {"status": "recorded", "replay": False, "order": "A-1",
                               "points": 50, "unmatched_skus": []}
    order = Order.objects.get(external_id="A-1")
    assert order.total == Decimal("60.00") and order.source == Order.Source.WEBHOOK
    line = order.lines.get()
    assert (line.sku, line.quantity, line.amount, line.product.sku) == ("KET-100", 2, Decimal("50.00"),
                                                                          "KET-100")


def test_a_replayed_order_is_answered_200_and_changes_nothing(client):
    member = UserFactory(email="buyer@example.com")
    payload = order_payload(order_id="A-2", total="30.00")
    assert deliver(client, "order.paid", payload).status_code == 200
    events = PendingEvent.objects.count()
    changed = dict(payload, total_price="999.00", email="other@example.com")
    response = deliver(client, "order.paid", changed)
    assert response.status_code == 200
    assert response.json()["replay"] is True and response.json()["status"] == "already recorded"
    order = Order.objects.get()
    assert order.total == Decimal("30.00") and order.member == member
    assert PendingEvent.objects.count() == events


def test_a_tampered_body_is_refused_and_changes_nothing(client):
    body = json.dumps({"type": "order.paid", "data": order_payload(total="10.00")}).encode()
    headers = signed(body)
    tampered = body.replace(b"10.00", b"99.00")
    response = client.post(WEBHOOK_URL, data=tampered, content_type="application/json", **headers)
    _problem(response, 401, "bad-signature")
    assert _nothing_stored()


def test_a_delivery_signed_with_another_secret_is_refused(client):
    response = deliver(client, "order.paid", order_payload(), secret="not-the-secret")
    _problem(response, 401, "bad-signature")
    assert _nothing_stored()


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_a_timestamp_more_than_five_minutes_away_is_refused(client, offset):
    response = deliver(client, "order.paid", order_payload(), timestamp=int(time.time()) + offset)
    _problem(response, 401, "stale-timestamp")
    assert _nothing_stored()


def test_a_timestamp_within_five_minutes_is_accepted(client):
    response = deliver(client, "order.paid", order_payload(), timestamp=int(time.time()) - 290)
    assert response.status_code == 200


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=notanumber,v1=abc", "t=123", "garbage"])
def test_a_missing_or_malformed_signature_header_is_refused(client, header):
    extra = {} if header is None else {"HTTP_HEARTH_SIGNATURE": header}
    body = json.dumps({"type": "order.paid", "data": order_payload()})
    response = client.post(WEBHOOK_URL, data=body, content_type="application/json", **extra)
    assert response.status_code == 401
    assert response.json()["type"].startswith("urn:hearth:shop:webhook:")
    assert _nothing_stored()


def test_the_endpoint_answers_503_when_no_secret_is_configured(client, settings):
    settings.HEARTH_SHOP_WEBHOOK_SECRET = ""
    response = deliver(client, "order.paid", order_payload(), secret="")
    body = _problem(response, 503, "not-configured")
    assert "HEARTH_SHOP_WEBHOOK_SECRET" in body["detail"]
    assert _nothing_stored()


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b" ", b"[1, 2]", b'"text"',
                                  b'{"type": "order.cancelled", "data": {}}'])
def test_a_signed_body_that_is_not_an_event_is_refused(client, body):
    response = client.post(WEBHOOK_URL, data=body, content_type="application/json", **signed(body))
    assert response.status_code == 400
    assert response.json()["type"] in ("urn:hearth:shop:webhook:malformed-json",
                                       "urn:hearth:shop:webhook:unknown-event")
    assert _nothing_stored()


@pytest.mark.parametrize(("change", "words"), [
    ({"total_price": "-5.00"}, "must not be negative"),
    ({"line_items": [{"sku": "X", "quantity": 1, "price": "-1.00"}]}, "must not be negative"),
    ({"line_items": [{"sku": "X", "quantity": 0, "price": "1.00"}]}, "quantity"),
    ({"line_items": [{"sku": "X", "quantity": 1, "price": "60.00"}]}, "more than the order total"),
    ({"total_price": 10.555}, "at most two decimal places"),
    ({"total_price": "1.005"}, "at most two decimal places"),
    ({"total_price": "NaN"}, "amount"),
    ({"email": "not-an-email"}, "not an email address"),
    ({"currency": "euro"}, "three-letter"),
    ({"paid_at": "yesterday"}, "date and time"),
    ({"id": ""}, "id is missing"),
    ({"id": "x" * 65}, "longer than 64"),
    ({"line_items": "KET-100"}, "must be a list"),
])
def test_an_invalid_order_gets_a_clear_problem_and_changes_nothing(client, change, words):
    payload = order_payload(total="50.00")
    payload.update(change)
    body = _problem(deliver(client, "order.paid", payload), 400, "invalid-order-paid")
    assert words in body["detail"]
    assert _nothing_stored()


def test_an_unknown_sku_is_kept_unmatched_with_a_note(client):
    make_product(sku="KET-100")
    response = deliver(client, "order.paid", order_payload(order_id="A-3", total="30.00", lines=[
        {"sku": "KET-100", "quantity": 1, "price": "10.00"},
        {"sku": "GONE-1", "quantity": 1, "price": "20.00"}]))
    assert response.status_code == 200
    assert response.json()["unmatched_skus"] == ["GONE-1"]
    unmatched = OrderLine.objects.get(sku="GONE-1")
    assert unmatched.product is None
    assert unmatched.note == "Unknown product SKU GONE-1: kept without a product."
    assert Order.objects.get().points == 30  # the purchase still earns the base rate


def test_a_refund_is_recorded_once_and_a_replay_changes_nothing(client):
    deliver(client, "order.paid", order_payload(order_id="A-4", total="80.00"))
    payload = refund_payload(order_id="A-4", amount="20.00", refund_id="R-1")
    response = deliver(client, "refund.created", payload)
    assert response.status_code == 200
    assert response.json() == {"status": "recorded", "replay": False, "refund": "R-1",
                               "points_taken_back": 20}
    again = deliver(client, "refund.created", dict(payload, amount="60.00"))
    assert again.status_code == 200 and again.json()["replay"] is True
    order = Order.objects.get()
    assert order.refunded == Decimal("20.00") and order.status == Order.Status.PARTIALLY_REFUNDED
    assert Refund.objects.count() == 1


@pytest.mark.parametrize(("payload", "words"), [
    (refund_payload(order_id="A-5", amount="80.01"), "more than what is left"),
    (refund_payload(order_id="A-5", amount="-1.00"), "must not be negative"),
    (refund_payload(order_id="A-5", amount="0"), "more than zero"),
    (refund_payload(order_id="NOPE", amount="1.00"), "no order NOPE"),
    (refund_payload(order_id="A-5", amount="1.00", currency="USD"), "in USD"),
])
def test_an_invalid_refund_gets_a_clear_problem_and_changes_nothing(client, payload, words):
    deliver(client, "order.paid", order_payload(order_id="A-5", total="80.00"))
    body = _problem(deliver(client, "refund.created", payload), 400, "invalid-refund-created")
    assert words in body["detail"]
    assert not Refund.objects.exists()
    assert Order.objects.get().refunded == 0


def test_refunds_beyond_what_is_left_are_refused_after_partial_ones(client):
    deliver(client, "order.paid", order_payload(order_id="A-6", total="30.00"))
    first = deliver(client, "refund.created", refund_payload(order_id="A-6", amount="20.00"))
    assert first.status_code == 200
    response = deliver(client, "refund.created", refund_payload(order_id="A-6", amount="10.01"))
    assert "(10.00 EUR)" in _problem(response, 400, "invalid-refund-created")["detail"]
    assert Refund.objects.count() == 1


def test_the_webhook_takes_no_get_and_needs_no_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.get(WEBHOOK_URL).status_code == 405
    assert deliver(client, "order.paid", order_payload()).status_code == 200


def test_the_webhook_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    make_product(sku="KET-100")
    payload = order_payload(order_id="Q-1", total="30.00", lines=[
        {"sku": "KET-100", "quantity": 1, "price": "10.00"},
        {"sku": "GONE-1", "quantity": 1, "price": "20.00"}])
    deliver(client, "order.paid", order_payload())  # the earning rules' row exists from here on
    # Look-up, rules and multipliers, products, savepoint, order, lines, points, member
    # match, savepoint release, unmatched lines.
    with django_assert_num_queries(11):
        assert deliver(client, "order.paid", payload).status_code == 200
    with django_assert_num_queries(2):  # look-up, unmatched lines
        assert deliver(client, "order.paid", payload).json()["replay"] is True


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=xyz", "text/plain",
                                          "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_refused_before_anything_is_read(client, content_type):
    body = json.dumps({"type": "order.paid", "data": order_payload()}).encode()
    response = client.post(WEBHOOK_URL, data=body, content_type=content_type, **signed(body))
    _problem(response, 415, "unsupported-media-type")
    assert _nothing_stored()


def test_a_form_post_with_fields_is_refused_too(client):
    assert client.post(WEBHOOK_URL, {"type": "order.paid"}).status_code == 415
    assert _nothing_stored()
