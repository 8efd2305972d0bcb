"""manage.py import_orders: the sample export, idempotency, bad rows and the JSON shape."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from badges.models import PendingEvent
from reviews.models import PurchaseRecord
from shop.models import Order, OrderLine, Refund
from tests.factories import UserFactory, make_product
from tests.shop.factories import SAMPLE_CSV, order_payload

pytestmark = pytest.mark.django_db


def run(path, *, verbosity=1) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_orders", str(path), stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


def refused(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_orders", str(path), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue(), str(caught.value)


@pytest.fixture
def catalogue():
    return [make_product(sku="KET-100", title="Kettle"), make_product(sku="FLT-200", title="Filter")]


def test_the_sample_export_is_imported_with_its_lines_and_notes(catalogue,
                                                                django_capture_on_commit_callbacks):
    ada = UserFactory(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        out, err = run(SAMPLE_CSV)
    assert "3 orders imported, 0 refunds, 0 already there, 0 refused." in out
    assert "note: rows 4, 5 (order 1002): Unknown product SKU MUG-999: kept without a product." in out
    assert "3/3" in err  # the progress bar
    first = Order.objects.get(external_id="1001")
    assert (first.member, first.email, first.total, first.points) == (ada, "ada@example.com",
                                                                      Decimal("64.90"), 64)
    assert list(first.lines.values_list("sku", "quantity", "amount")) == [
        ("KET-100", 1, Decimal("49.90")), ("FLT-200", 3, Decimal("15.00"))]
    assert Order.objects.get(external_id="1003").lines.count() == 0
    assert Order.objects.filter(member__isnull=True).count() == 2
    # Ada's order made her a verified owner of both products it matched.
    assert set(PurchaseRecord.objects.values_list("email", "sku", "order_reference")) == {
        ("ada@example.com", "KET-100", "1001"), ("ada@example.com", "FLT-200", "1001")}


def test_importing_the_same_file_twice_changes_nothing(catalogue):
    UserFactory(email="ada@example.com")
    run(SAMPLE_CSV)
    before = (list(Order.objects.values()), list(OrderLine.objects.values()),
              PendingEvent.objects.count())
    out, _ = run(SAMPLE_CSV)
    assert "0 orders imported, 0 refunds, 3 already there, 0 refused." in out
    assert (list(Order.objects.values()), list(OrderLine.objects.values()),
            PendingEvent.objects.count()) == before


def test_a_bad_row_refuses_its_whole_order_with_the_row_number_and_the_others_are_imported(
        tmp_path, catalogue):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,email,customer_id,currency,total,paid_at,sku,quantity,amount\n"
        "2001,a@example.com,,EUR,30.00,2026-11-01T10:00:00Z,KET-100,1,10.00\n"
        "2001,a@example.com,,EUR,30.00,2026-11-01T10:00:00Z,FLT-200,1,-20.00\n"
        "2002,b@example.com,,EUR,10.00,2026-11-01T10:00:00Z,KET-100,1,10.00\n"
        "2003,c@example.com,,EUR,-1.00,2026-11-01T10:00:00Z,,,\n"
        "2004,d@example.com,,EUR,10.00,2026-11-01T10:00:00Z,KET-100,one,10.00\n"
        "2005,e@example.com,,EUR,10.00,2026-11-01T10:00:00Z,KET-100,1,10.00\n"
        "2005,f@example.com,,EUR,10.00,2026-11-01T10:00:00Z,KET-100,1,10.00\n"
        ",g@example.com,,EUR,10.00,2026-11-01T10:00:00Z,,,\n")
    output, message = refused(path)
    assert "refused: rows 2, 3 (order 2001): row 3: amount must not be negative (got -20.00)." in output
    assert "refused: row 5 (order 2003): total must not be negative (got -1.00)." in output
    assert "refused: row 6 (order 2004): row 6: quantity must be a whole number of at least 1" in output
    assert "refused: rows 7, 8 (order 2005): row 8: email differs from row 7 of the same order." in output
    assert "refused: row 9: order_id is missing." in output
    assert "1 orders imported, 0 refunds, 0 already there, 5 refused." in output
    assert message == "5 of 6 entries were refused (listed above); the others were imported."
    assert list(Order.objects.values_list("external_id", flat=True)) == ["2002"]
    assert OrderLine.objects.count() == 1  # nothing of a refused order was written


def test_a_json_export_holds_orders_and_refunds(tmp_path):
    UserFactory(email="buyer@example.com")
    path = tmp_path / "orders.JSON"
    path.write_text(json.dumps({
        "orders": [order_payload(order_id="J-1", total="20.00"),
                   order_payload(order_id="J-2", total=12.5),
                   order_payload(order_id="J-3", total="oops")],
        "refunds": [{"id": "JR-1", "order_id": "J-1", "amount": "5.00"},
                    {"id": "JR-2", "order_id": "J-1", "amount": "50.00"}]}))
    output, _ = refused(path)
    assert "refused: order 3: total_price must be an amount such as 19.90, not 'oops'." in output
    assert "refused: refund 2: The refund of 50.00 EUR is more than what is left of order J-1" in output
    assert Order.objects.get(external_id="J-2").total == Decimal("12.50")
    assert Refund.objects.get().points == 5
    output, _ = refused(path)
    assert "0 orders imported, 0 refunds, 3 already there, 2 refused." in output


@pytest.mark.parametrize(("name", "content", "words"), [
    ("orders.txt", "x", "give a .csv or .json file"),
    ("missing.csv", None, "No such file"),
    ("orders.csv", "order_id,email\n1,a@example.com\n", "The CSV header lacks currency, total, paid_at"),
    ("orders.json", "{broken", "not valid JSON"),
    ("orders.json", '"text"', "must be a list of orders"),
])
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(tmp_path, name, content, words):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=words):
        run(path)
    assert not Order.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"order_id,email\n\xff\xfe\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        run(path)
