"""What referrals listens to: sign-ups (allauth's ``user_signed_up``) and paid orders
(``shop.signals.order_paid``)."""

import logging

from allauth.account.signals import user_signed_up
from django.conf import settings
from django.core import signing

from community.client_limits import client_address
from community.deferred import enqueue_on_commit
from community.events import record_with
from shop.signals import order_paid

logger = logging.getLogger(__name__)

COOKIE_NAME = "hearth_referral"
COOKIE_SALT = "referrals.link"


def cookie_max_age() -> int:
    return settings.HEARTH_REFERRAL_COOKIE_DAYS * 86400


def code_from_request(request) -> str | None:
    """The referral code the visitor's browser brought back (signed, at most the cookie's
    age old), or None."""
    if request is None:
        return None
    try:
        return request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT,
                                         max_age=cookie_max_age())
    except signing.BadSignature:
        return None


def on_user_signed_up(sender, request=None, user=None, **_):
    """A new account: if its browser arrived through a member's link, record the referral.
    A failure here is logged and never stands in the way of the sign-up."""
    from referrals.services import record_signup

    code = code_from_request(request)
    if not code or user is None:
        return
    try:
        record_signup(friend=user, code=code, signup_ip=client_address(request))
    except Exception:
        logger.exception("Could not record the referral of new member %s", user.pk)


def on_order_paid(*, order_id, user_id, email="", customer_id="", is_first_order=None, **_):
    """Recorder (inside the shop's transaction): owe the settling of the member's referral,
    so an order that commits is never lost to it. Older payloads without email, customer id
    or first-order flag settle on what the rules can tell without them."""
    from referrals import tasks

    if not order_id or not user_id:
        return
    enqueue_on_commit(tasks.settle_paid_order, order_id, user_id, email=email or "",
                      customer_id=str(customer_id or ""), is_first_order=is_first_order)


def connect() -> None:
    user_signed_up.connect(on_user_signed_up, dispatch_uid="referrals.user_signed_up")
    record_with(order_paid, on_order_paid, uid="referrals.order_paid")
