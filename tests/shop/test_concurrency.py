"""Two deliveries of the same order at the same moment, on PostgreSQL."""

import threading

import pytest
from django.db import connection
from django.test import Client

from badges.models import PointsEntry, UserPoints
from badges.services import inbox
from shop.models import Order
from tests.factories import UserFactory
from tests.shop.factories import deliver, order_payload


def _in_parallel(fn, n):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_two_parallel_deliveries_of_one_order_store_one_order_and_award_once_on_postgresql():
    assert connection.vendor == "postgresql"
    member = UserFactory(email="racer@example.com")
    payload = order_payload(order_id="RACE-1", email="racer@example.com", total="75.00")
    answers = _in_parallel(lambda: deliver(Client(), "order.paid", payload), 2)
    assert sorted(answer.status_code for answer in answers) == [200, 200]
    assert sorted(answer.json()["replay"] for answer in answers) == [False, True]
    assert Order.objects.count() == 1
    inbox.drain(wait=True)
    assert PointsEntry.objects.filter(user=member, reason="order_paid").count() == 1
    assert UserPoints.objects.get(user=member).total == 75


@pytest.mark.stack
@pytest.mark.django_db(transaction=True)
def test_parallel_refunds_never_refund_more_than_the_order_on_postgresql():
    member = UserFactory(email="racer@example.com")
    deliver(Client(), "order.paid", order_payload(order_id="RACE-2", email="racer@example.com",
                                                   total="30.00"))
    counter = iter(range(100))

    def refund():
        return deliver(Client(), "refund.created", {"id": f"RR-{next(counter)}", "order_id": "RACE-2",
                                                    "amount": "20.00"})

    answers = _in_parallel(refund, 4)
    assert sorted(answer.status_code for answer in answers) == [200, 400, 400, 400]
    order = Order.objects.get()
    assert order.refunded == 20 and order.refunds.count() == 1
    inbox.drain(wait=True)
    assert UserPoints.objects.get(user=member).total == 10
