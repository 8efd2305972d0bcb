"""A stand-in for the shop: announces a paid order as the shop does (``order_paid``, sent
with ``send_on_commit`` inside the transaction that recorded the order)."""

from django.db import transaction

from community.events import send_on_commit
from shop.signals import order_paid


def announce_order_paid(*, order_id: int, user_id: int, points: int = 0, **facts) -> None:
    """``facts``: the payload's optional ``email``, ``customer_id`` and ``is_first_order``.
    The order earns no points of its own by default (badges skips a 0-point order), so the
    members' balances hold the referral's points alone."""
    with transaction.atomic():
        send_on_commit(order_paid, sender=None, order_id=order_id, user_id=user_id,
                       points=points, **facts)
