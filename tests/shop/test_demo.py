import io

import pytest
from django.core.management import call_command

from shop.models import Order

pytestmark = pytest.mark.django_db


def test_seed_demo_records_paid_orders_for_demo_members_once(site_tree):
    call_command("seed_demo", stdout=io.StringIO())
    orders = Order.objects.filter(external_id__startswith="DEMO-")
    assert orders.count() == 5
    assert not orders.filter(member__isnull=True).exists()
    assert all(order.points > 0 and order.announced_at for order in orders)
    assert set(orders.values_list("member__username", flat=True)) == {"alice", "bob", "carol", "dan"}
    call_command("seed_demo", stdout=io.StringIO())
    assert Order.objects.count() == 5
