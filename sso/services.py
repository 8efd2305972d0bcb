"""Writes for the shop's log-in connector (docs/sso.md)."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_signed_up
from allauth.utils import generate_unique_username
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from community import suspensions
from community.models import User
from community.refusals import NotPermitted, Suspended
from sso.connector import ShopLinkRefused, ShopLogin
from sso.models import ShopAccount, UsedNonce

# The year moderation stores for a permanent suspension (community.User.suspended_until).
PERMANENT_FROM_YEAR = 9000


def _refuse_if_barred(user: User) -> None:
    if not user.is_active:
        raise NotPermitted("This Hearth account is closed, so it cannot be signed in to from the shop.")
    if suspensions.is_suspended(user):
        until = user.suspended_until
        when = ("permanently" if until is None or until.year >= PERMANENT_FROM_YEAR
                else f"until {until:%d %B %Y, %H:%M} UTC")
        raise Suspended(f"Your Hearth account is suspended {when}, so you cannot sign in from the "
                        "shop. The message the moderators sent you says why.")


def _new_member(*, request, login: ShopLogin) -> User:
    """A member for a customer Hearth does not know: a username made from their name (never
    from their email address, which stays private), the address verified since the shop
    vouches for it, no password, and no consent assumed (marketing email stays off)."""
    username = generate_unique_username([login.name, "member"])
    user = User(username=username, email=login.email, display_name=login.name)
    user.set_unusable_password()
    user.save()
    address = EmailAddress.objects.create(user=user, email=login.email, verified=True, primary=True)
    # What allauth says after any sign-up and any confirmed address: referrals record a
    # referral link the browser brought, community welcomes the member, the shop attributes
    # orders placed with the address. In this transaction, so they commit with the member.
    user_signed_up.send(sender=User, request=request, user=user)
    email_confirmed.send(sender=EmailAddress, request=request, email_address=address)
    return user


def _find_or_create(*, request, login: ShopLogin) -> tuple[User, bool]:
    link = ShopAccount.objects.select_related("user").filter(external_id=login.external_id).first()
    if link is not None:
        _refuse_if_barred(link.user)
        ShopAccount.objects.filter(pk=link.pk).update(last_login_at=timezone.now())
        return link.user, False
    address = (EmailAddress.objects.select_related("user")
               .filter(email__iexact=login.email, verified=True).first())
    if address is not None:
        user = address.user
        _refuse_if_barred(user)
        if ShopAccount.objects.filter(user=user).exists():
            raise ShopLinkRefused("The Hearth account with this email address is linked to another "
                                  "customer of the shop. Nothing was changed; ask the community team "
                                  "to look at it.")
        ShopAccount.objects.create(user=user, external_id=login.external_id)
        return user, False
    user = _new_member(request=request, login=login)
    ShopAccount.objects.create(user=user, external_id=login.external_id)
    return user, True


def sign_in_shop_customer(*, request, login: ShopLogin) -> tuple[User, bool]:
    """The member the shop's verified link stands for, and whether they were created now.

    Guarantees: the nonce is used once (a unique row: a replay, even a concurrent one, is
    refused); the member is found by the shop's customer id, else by a verified email address
    (then linked), else created; a suspended or closed account is refused. Any refusal rolls
    everything back: the nonce stays unused and nothing is created or linked."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        UsedNonce.objects.create(nonce=login.nonce)
                except IntegrityError:
                    raise ShopLinkRefused("This sign-in link was used already. Go back to the shop and "
                                          "follow its link again.") from None
                return _find_or_create(request=request, login=login)
        except IntegrityError:
            # The same customer arrived twice at once (two links) and the other request
            # created the link or the username first: the next attempt finds it.
            if attempt:
                raise
    raise AssertionError("unreachable")


def purge_used_nonces(*, now=None) -> int:
    """Delete the nonces of payloads too old to be accepted anyway (with a margin)."""
    now = now or timezone.now()
    horizon = now - timedelta(seconds=2 * settings.HEARTH_SHOP_SSO_MAX_AGE_SECONDS + 60)
    deleted, _ = UsedNonce.objects.filter(used_at__lt=horizon).delete()
    return deleted
