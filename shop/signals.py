"""Events the shop emits, each sent after the transaction that caused it commits, with ids
(``community.events.send_on_commit``).

order_paid      order_id, user_id, points
    A paid order is attributed to a member: when it arrives for a member's verified email, or
    later when a member verifies the email it was placed with. Sent once per order. ``points``
    is what the order earns under the shop's earning rules (per unit of currency, with the
    product categories' multipliers).
order_refunded  order_id, refund_id, user_id, points
    A refund of an attributed order was recorded (once per refund). ``points`` is the share of
    the order's points the refund takes back (proportional to the amount refunded).
"""

from django.dispatch import Signal

order_paid = Signal()
order_refunded = Signal()
