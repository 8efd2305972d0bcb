"""Members who agreed to marketing email, and their purchases."""

from __future__ import annotations

import datetime

from privacy.models import Consent
from privacy.purposes import MARKETING_EMAIL
from privacy.services.consents import record_consent
from tests.factories import UserFactory
from tests.shop.factories import OrderFactory, OrderLineFactory


def consenting_member(**fields):
    member = UserFactory(**fields)
    record_consent(user=member, purpose=MARKETING_EMAIL, granted=True, source=Consent.Source.PRIVACY_PAGE)
    return member


def bought(member, *products, days_ago: float = 14.1, **order_fields):
    """An order paid ``days_ago`` days ago with one line per product."""
    paid_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days_ago)
    order = OrderFactory(member=member, email=member.email, paid_at=paid_at, **order_fields)
    for product in products:
        OrderLineFactory(order=order, product=product, sku=product.sku)
    return order
