"""The rules that hold a referral for staff review instead of rewarding it (the loyalty apps'
documented checks): the friend's email equal or nearly equal to the advocate's, a verified
email or a shop customer shared with the advocate, too many referral sign-ups from one
address in a week, an order that is not the friend's first, an order placed by the advocate.

Each rule returns a sentence with the facts, for the staff who review the referral.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings

from referrals.models import PaidOrder, Referral

Reason = Referral.Reason

# Providers that ignore dots in the local part, and providers that deliver "name+tag@" to
# "name@": addresses that differ only so reach the same mailbox.
DOTLESS_PROVIDERS = {"gmail.com"}
PLUS_TAG_PROVIDERS = {"gmail.com", "outlook.com", "hotmail.com", "live.com", "icloud.com",
                      "me.com", "protonmail.com", "proton.me", "fastmail.com", "yahoo.com"}
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
# Local parts shorter than this are compared for equality only: at an edit distance of 2,
# "mark" and "mary" or "al" and "bo" would look alike.
MIN_LENGTH_FOR_NEAR = 5


def normalise_email(email: str) -> tuple[str, str]:
    """(local part, domain) as the mailbox they reach: lower case, the domain's aliases
    resolved, and for the common providers the dots and +tags of the local part removed."""
    local, _, domain = (email or "").strip().lower().rpartition("@")
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in PLUS_TAG_PROVIDERS:
        local = local.split("+", 1)[0]
    if domain in DOTLESS_PROVIDERS:
        local = local.replace(".", "")
    return local, domain


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` as soon as it exceeds
    ``limit`` (so a long pair costs little)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def emails_alike(a: str, b: str) -> bool:
    """Whether two addresses are the same or nearly the same mailbox: equal once normalised,
    or on the same domain with local parts within ``HEARTH_REFERRAL_EMAIL_DISTANCE`` edits."""
    local_a, domain_a = normalise_email(a)
    local_b, domain_b = normalise_email(b)
    if not local_a or not local_b or domain_a != domain_b:
        return False
    if local_a == local_b:
        return True
    if min(len(local_a), len(local_b)) < MIN_LENGTH_FOR_NEAR:
        return False
    limit = settings.HEARTH_REFERRAL_EMAIL_DISTANCE
    return edit_distance(local_a, local_b, limit=limit) <= limit


@dataclass
class OrderFacts:
    """What the shop said about the order that settles a referral (``order_paid``)."""

    order_id: int
    email: str = ""
    customer_id: str = ""
    is_first_order: bool | None = None


@dataclass
class Findings:
    reasons: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def add(self, reason: str, detail: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
            self.details.append(detail)


def _emails(user_id: int, *, verified_only: bool = False) -> set[str]:
    rows = EmailAddress.objects.filter(user_id=user_id)
    if verified_only:
        rows = rows.filter(verified=True)
    return {email.lower() for email in rows.values_list("email", flat=True)}


def _customer_ids(user_id: int, *, excluding_order: int | None = None) -> set[str]:
    rows = PaidOrder.objects.filter(user_id=user_id).exclude(customer_id="")
    if excluding_order is not None:
        rows = rows.exclude(order_id=excluding_order)
    return set(rows.values_list("customer_id", flat=True))


def reasons_to_hold(referral: Referral, order: OrderFacts) -> Findings:
    """Every rule the referral breaks, with the facts, for an order attributed to its friend.
    Reads only; ``referral.advocate`` and ``referral.friend`` must be loaded."""
    found = Findings()
    advocate, friend = referral.advocate, referral.friend
    advocate_emails = (_emails(advocate.pk) | {advocate.email.lower()}) - {""}
    advocate_verified = _emails(advocate.pk, verified_only=True)
    friend_emails = (_emails(friend.pk) | {friend.email.lower()}) - {""}

    for theirs in sorted(friend_emails):
        alike = next((mine for mine in sorted(advocate_emails) if emails_alike(theirs, mine)), None)
        if alike:
            found.add(Reason.SIMILAR_EMAIL,
                      f"The friend's email {theirs} is the same as or nearly the same as the "
                      f"advocate's {alike}.")
            break

    if order.email and any(normalise_email(order.email) == normalise_email(mine)
                           for mine in advocate_verified):
        found.add(Reason.SAME_EMAIL,
                  f"The order was placed with {order.email.lower()}, a verified email of the "
                  "advocate.")

    advocate_customers = _customer_ids(advocate.pk)
    earlier_customers = _customer_ids(friend.pk, excluding_order=order.order_id)
    shared = sorted(earlier_customers & advocate_customers)
    if shared:
        found.add(Reason.SAME_CUSTOMER,
                  f"The friend's earlier orders were placed as shop customer {shared[0]}, who "
                  "also placed the advocate's orders.")
    if order.customer_id and order.customer_id in advocate_customers:
        found.add(Reason.ADVOCATE_ORDER,
                  f"The order was placed as shop customer {order.customer_id}, who placed the "
                  "advocate's own orders.")

    if referral.signup_ip:
        week_start = referral.created_at - timedelta(days=7)
        from_address = Referral.objects.filter(
            signup_ip=referral.signup_ip, created_at__gt=week_start,
            created_at__lte=referral.created_at).count()
        limit = settings.HEARTH_REFERRAL_MAX_PER_ADDRESS_WEEK
        if from_address > limit:
            found.add(Reason.ADDRESS_VOLUME,
                      f"{from_address} referral sign-ups came from {referral.signup_ip} in the "
                      f"week up to this one (more than {limit}).")

    earlier_order = PaidOrder.objects.filter(user_id=friend.pk).exclude(
        order_id=order.order_id).exists()
    if order.is_first_order is False or earlier_order:
        found.add(Reason.NOT_FIRST_ORDER,
                  f"Order {order.order_id} is not the friend's first paid order.")
    return found
