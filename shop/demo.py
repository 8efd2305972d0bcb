"""Demo orders: a few paid orders from the store for demo members, recorded through the shop's
own service as an import would record them. Each is attributed to the member by their verified
email, so they earn points for it and become verified owners of what they bought (both follow
``order_paid`` after the demo's transaction commits).

Orders are keyed by the store's order id, so running it again adds nothing."""

import datetime
from decimal import Decimal

from django.utils import timezone

from shop import services
from shop.models import Order
from shop.parsing import LineData, OrderData

CURRENCY = "EUR"
# store order id, username, days ago, lines (sku, quantity, line total)
ORDERS = [
    ("DEMO-1001", "alice", 30, [("EMB-GRI-02", 1, "189.00"), ("EMB-POV-03", 1, "45.00")]),
    ("DEMO-1002", "alice", 9, [("TRL-FLK-01", 2, "58.00")]),
    ("DEMO-1003", "bob", 21, [("EMB-KET-01", 1, "129.00"), ("AUD-BUD-02", 1, "99.00")]),
    ("DEMO-1004", "carol", 14, [("AUD-SPK-01", 1, "149.00")]),
    ("DEMO-1005", "dan", 5, [("TRL-LAN-02", 1, "39.00"), ("TRL-STV-03", 1, "59.00")]),
]


def seed(log, context) -> dict:
    members = context["members"]
    now = timezone.now()
    created = 0
    for external_id, username, days_ago, lines in ORDERS:
        member = members.get(username)
        if member is None:
            continue
        items = tuple(LineData(sku=sku, quantity=quantity, amount=Decimal(amount))
                      for sku, quantity, amount in lines)
        data = OrderData(external_id=external_id, email=member.email.lower(),
                         customer_id=f"cust-{username}", currency=CURRENCY,
                         total=sum((line.amount for line in items), Decimal(0)),
                         paid_at=now - datetime.timedelta(days=days_ago), lines=items)
        created += services.record_order(data=data, source=Order.Source.IMPORT).created
    orders = Order.objects.filter(external_id__in=[order[0] for order in ORDERS])
    log(f"shop: {created} new demo orders ({orders.count()} in all)")
    return {"demo_orders": {order.external_id: order for order in orders}}
