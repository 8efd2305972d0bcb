import uuid

from django.utils import timezone

from referrals import services
from referrals.models import Referral
from tests.factories import UserFactory


def make_referral(*, advocate=None, friend=None, signup_ip: str = "203.0.113.5",
                  created_at=None) -> Referral:
    """A pending referral of ``friend`` by ``advocate``, as a sign-up through the link makes."""
    # Unlike the factory's member1@, member2@ (nearly the same address), a friend's email
    # is on another domain unless a test says otherwise.
    advocate = advocate or UserFactory()
    friend = friend or UserFactory(email=f"friend-{uuid.uuid4().hex[:10]}@friends.example.net")
    code = services.code_for(user=advocate).code
    return services.record_signup(friend=friend, code=code, signup_ip=signup_ip,
                                  now=created_at or timezone.now())


def make_held_referral(**kwargs) -> Referral:
    """A referral held for review: its order is not the friend's first."""
    referral = make_referral(**kwargs)
    return services.settle_paid_order(order_id=_next_order(), user_id=referral.friend_id,
                                      is_first_order=False)


_order = [7_000]


def _next_order() -> int:
    _order[0] += 1
    return _order[0]


next_order_id = _next_order
