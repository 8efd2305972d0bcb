"""Staff edit the earning rules in Wagtail (Settings > Points for purchases)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from community.models import ProductCategory
from shop.models import EarningRules

pytestmark = pytest.mark.django_db
URL = "/admin/settings/shop/earningrules/"


def test_staff_set_the_rate_and_a_category_multiplier(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-12345-long")
    client.force_login(admin)
    gadgets = ProductCategory.objects.create(name="Gadgets", slug="gadgets")
    page = client.get(URL, follow=True)
    assert page.status_code == 200
    response = client.post(page.redirect_chain[-1][0], {
        "points_per_unit": "2.50",
        "multipliers-TOTAL_FORMS": "1", "multipliers-INITIAL_FORMS": "0",
        "multipliers-MIN_NUM_FORMS": "0", "multipliers-MAX_NUM_FORMS": "1000",
        "multipliers-0-category": str(gadgets.pk), "multipliers-0-multiplier": "3",
        "multipliers-0-ORDER": "1", "multipliers-0-id": "", "multipliers-0-DELETE": "",
    })
    assert response.status_code == 302, response.content[:2000]
    rules = EarningRules.load()
    assert rules.points_per_unit == Decimal("2.50")
    assert list(rules.multipliers.values_list("category__name", "multiplier")) == [("Gadgets", Decimal(3))]
