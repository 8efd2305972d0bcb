"""Demo referrals: Alice's link brought in three friends. Fiona's first order completed her
referral (both earned points), Gus is still to order, and Alicia's order was held for staff
review because her email is nearly Alice's.

Orders use fixed ids far from real ones and referrals are keyed by friend, so running it
again adds nothing."""

import datetime

from allauth.account.models import EmailAddress
from django.utils import timezone

from community.demo import DEMO_PASSWORD
from community.models import User
from referrals import services
from referrals.models import Referral

DEMO_ORDER_BASE = 900_000_000
# username, display name, email, days since sign-up, order (id offset) or None, its customer id
FRIENDS = [
    ("fiona", "Fiona Berg", "fiona.berg@example.net", 20, 1, "cust-fiona"),
    ("gus", "Gus Almeida", "gus@example.org", 3, None, ""),
    ("alicia", "Alicia M.", "alice1@example.com", 6, 2, "cust-alicia"),
]


def _friend(username: str, display_name: str, email: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": email, "display_name": display_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(user=user, email=email,
                                           defaults={"verified": True, "primary": True})
    return user


def seed(log, context) -> dict:
    advocate = context["members"].get("alice")
    if advocate is None:
        return {}
    code = services.code_for(user=advocate).code
    now = timezone.now()
    for index, (username, name, email, days_ago, order, customer_id) in enumerate(FRIENDS):
        friend = _friend(username, name, email)
        if not Referral.objects.filter(friend=friend).exists():
            services.record_signup(friend=friend, code=code, signup_ip=f"198.51.100.{index + 10}",
                                   now=now - datetime.timedelta(days=days_ago))
        if order is not None:
            services.settle_paid_order(order_id=DEMO_ORDER_BASE + order, user_id=friend.pk,
                                       email=email, customer_id=customer_id, is_first_order=True,
                                       now=now - datetime.timedelta(days=days_ago - 1))
    states = dict(Referral.objects.filter(advocate=advocate)
                  .values_list("friend__username", "state"))
    log(f"referrals: alice's friends {states}")
    return {}
