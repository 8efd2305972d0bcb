"""What reviews listens to: the shop's paid orders, which make their buyers verified owners of
the products they bought. The recorder runs inside the order's transaction and only owes a
task, by id (community.deferred), so the purchase records follow even if the process dies
right after the commit."""

from community.deferred import enqueue_on_commit
from community.events import record_with
from shop import signals as shop_signals


def on_order_paid(*, order_id, **_):
    from reviews import tasks

    enqueue_on_commit(tasks.record_order_purchases, order_id)


def connect() -> None:
    record_with(shop_signals.order_paid, lambda sender, **payload: on_order_paid(**payload),
                uid="reviews.shop.order_paid")
