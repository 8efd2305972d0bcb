"""Reading an export of the store (CSV or JSON) into orders and refunds, and storing them.

CSV: one row per order line, the order's own columns repeated on each of its rows (as the
big platforms export them): ``order_id, email, customer_id, currency, total, paid_at, sku,
quantity, amount`` (``amount`` is the line's total; a row without ``sku`` is an order
without lines). Row 1 is the header, so the first order is on row 2.

JSON: a list of orders in the webhook's "order paid" shape, or an object with ``orders`` and
``refunds`` lists (the "refund created" shape).

Each order (all its rows) and each refund is checked, then stored in a transaction of its own:
a bad row refuses its whole order and nothing of it is written, and the others are still
imported. Orders and refunds already stored are skipped, so importing a file twice changes
nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from community.refusals import Invalid
from shop import services
from shop.models import Order
from shop.parsing import parse_line, parse_order, parse_refund

ORDER_COLUMNS = ("order_id", "email", "currency", "total", "paid_at")
SAME_ON_EVERY_ROW = ("email", "customer_id", "currency", "total", "paid_at")


class FileRefused(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass
class Entry:
    """One order or refund of the file: where it is (``rows``, for messages), what it holds,
    or why it was refused while reading."""

    kind: str  # "order" or "refund"
    rows: str
    data: dict | None = None
    error: str = ""


@dataclass
class ImportReport:
    created: int = 0
    replays: int = 0
    refunds: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_entries(path: Path) -> list[Entry]:
    """The orders and refunds of the file, by its extension (.csv or .json)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise FileRefused(f"{path.name}: give a .csv or .json file.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(f"{path.name} is not UTF-8 text.") from None
    except OSError as exc:
        raise FileRefused(f"{path}: {exc.strerror or exc}.") from None
    return list(_csv_entries(text) if suffix == ".csv" else _json_entries(text))


def _json_entries(text: str) -> Iterator[Entry]:
    try:
        document = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise FileRefused(f"The file is not valid JSON ({exc}).") from None
    if isinstance(document, list):
        orders, refunds = document, []
    elif isinstance(document, dict):
        orders, refunds = document.get("orders", []), document.get("refunds", [])
    else:
        orders = refunds = None
    if not isinstance(orders, list) or not isinstance(refunds, list):
        raise FileRefused('The JSON must be a list of orders, or an object with "orders" and '
                          '"refunds" lists.')
    for number, order in enumerate(orders, start=1):
        yield Entry("order", f"order {number}", data=order)
    for number, refund in enumerate(refunds, start=1):
        yield Entry("refund", f"refund {number}", data=refund)


def _csv_entries(text: str) -> Iterator[Entry]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in ORDER_COLUMNS if name not in header]
    if missing:
        raise FileRefused(f"The CSV header lacks {', '.join(missing)} (it needs "
                          f"{', '.join(ORDER_COLUMNS)}, and sku, quantity, amount for lines).")
    reader.fieldnames = header
    groups: dict[str, list[tuple[int, dict]]] = {}
    loose: list[Entry] = []
    try:
        for row_number, row in enumerate(reader, start=2):
            if None in row:
                loose.append(Entry("order", f"row {row_number}",
                                   error="it has more cells than the header has columns."))
                continue
            row = {key: (value or "").strip() for key, value in row.items()}
            if not any(row.values()):
                continue
            if not row["order_id"]:
                loose.append(Entry("order", f"row {row_number}", error="order_id is missing."))
                continue
            groups.setdefault(row["order_id"], []).append((row_number, row))
    except csv.Error as exc:
        raise FileRefused(f"The CSV cannot be read: {exc}.") from None
    yield from loose
    for order_id, rows in groups.items():
        yield _csv_order(order_id, rows)


def _csv_order(order_id: str, rows: list[tuple[int, dict]]) -> Entry:
    numbers = [number for number, _ in rows]
    where = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {', '.join(map(str, numbers))}"
    where += f" (order {order_id[:64]})"
    first_number, first = rows[0]
    items = []
    for number, row in rows:
        for name in SAME_ON_EVERY_ROW:
            if row.get(name, "") != first.get(name, ""):
                return Entry("order", where, error=f"row {number}: {name} differs from row "
                                                   f"{first_number} of the same order.")
        if not (row.get("sku") or row.get("quantity") or row.get("amount")):
            continue
        item = {"sku": row.get("sku"), "quantity": row.get("quantity"), "amount": row.get("amount")}
        try:
            parse_line(item)
        except Invalid as refusal:
            return Entry("order", where, error=f"row {number}: {refusal.message}")
        items.append(item)
    data = {"id": order_id, "email": first["email"], "customer_id": first.get("customer_id", ""),
            "currency": first["currency"], "total": first["total"], "paid_at": first["paid_at"],
            "line_items": items}
    return Entry("order", where, data=data)


def import_entries(entries: list[Entry], *, progress: Callable[[], None] | None = None) -> ImportReport:
    """Store each entry in a transaction of its own (``shop.services``); a refused entry
    is reported with its rows and writes nothing."""
    report = ImportReport()
    for entry in entries:
        try:
            if entry.error:
                raise Invalid(entry.error)
            if entry.kind == "order":
                recorded = services.record_order(data=parse_order(entry.data), source=Order.Source.IMPORT)
                if recorded.created:
                    report.created += 1
                    report.notes += [f"{entry.rows}: {note}" for note in
                                     recorded.obj.lines.exclude(note="").values_list("note", flat=True)]
                else:
                    report.replays += 1
            else:
                recorded = services.record_refund(data=parse_refund(entry.data))
                report.refunds += recorded.created
                report.replays += not recorded.created
        except Invalid as refusal:
            report.errors.append(f"{entry.rows}: {refusal.message}")
        if progress is not None:
            progress()
    return report
