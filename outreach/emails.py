"""The re-engagement emails: the review request (five star links per product) and the
activity digest. Plain text and HTML in the site's look (styles inline, as mail clients drop
style sheets), every link absolute to the site's address, and the one-click unsubscribe
headers of RFC 8058."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from community import site_url
from community.tasks import email_subject, unsubscribe_token
from outreach.apps import DIGEST_KIND, REVIEW_REQUEST_KIND

RATING_SALT = "hearth.review-request"
# A star link works for a while after the email, not for ever.
RATING_LINK_MAX_AGE = 60 * 60 * 24 * 60


def rating_token(*, request_id: int, stars: int) -> str:
    return signing.dumps({"r": request_id, "s": stars}, salt=RATING_SALT, compress=True)


def read_rating_token(token: str) -> tuple[int, int] | None:
    """(request id, stars) from a star link; None when forged, altered or too old."""
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=RATING_LINK_MAX_AGE)
        request_id, stars = int(data["r"]), int(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (request_id, stars) if 1 <= stars <= 5 else None


def _product_links(base: str, request) -> dict:
    return {
        "title": request.product.title,
        "url": base + request.product.url,
        "stars": [{"stars": stars, "url": base + reverse("outreach:rate", kwargs={
            "token": rating_token(request_id=request.pk, stars=stars)})} for stars in range(1, 6)],
    }


def _unsubscribe_url(base: str, member, kind: str) -> str:
    return base + reverse("community:unsubscribe", kwargs={
        "token": unsubscribe_token(user_id=member.pk, kind=kind)})


def _unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def send_review_request(*, member, requests, reminder: bool) -> None:
    base = site_url.base_url()
    unsubscribe_url = _unsubscribe_url(base, member, REVIEW_REQUEST_KIND)
    context = {
        "member": member,
        "products": [_product_links(base, request) for request in requests],
        "reminder": reminder,
        "privacy_url": base + reverse("privacy:settings"),
        "unsubscribe_url": unsubscribe_url,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    names = ", ".join(product["title"] for product in context["products"])
    subject = (f"A reminder: how are you finding your {names}?" if reminder
               else f"How are you finding your {names}?")
    message = EmailMultiAlternatives(
        subject=email_subject(subject),
        body=render_to_string("outreach/email/review_request.txt", context),
        to=[member.email],
        headers=_unsubscribe_headers(unsubscribe_url),
    )
    message.attach_alternative(render_to_string("outreach/email/review_request.html", context), "text/html")
    message.send()


def digest_subject(digest) -> str:
    """"Your week on Hearth: 3 new replies, 1 mention", from the first sections with news."""
    summary = ", ".join(section.summary for section in digest.sections if section.summary)
    return f"Your {digest.period_word} on {settings.WAGTAIL_SITE_NAME}: {summary or 'what you missed'}"


def send_digest(*, member, digest) -> None:
    """Send a built digest (``outreach.digest.Digest``): its links are absolute already, to
    the address it was built with, and so are the email's own."""
    base = digest.base_url
    unsubscribe_url = _unsubscribe_url(base, member, DIGEST_KIND)
    context = {
        "member": member,
        "digest": digest,
        "site_url": base + "/",
        "settings_url": base + reverse("community:notification_settings"),
        "privacy_url": base + reverse("privacy:settings"),
        "unsubscribe_url": unsubscribe_url,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=email_subject(digest_subject(digest)),
        body=render_to_string("outreach/email/digest.txt", context),
        to=[member.email],
        headers=_unsubscribe_headers(unsubscribe_url),
    )
    message.attach_alternative(render_to_string("outreach/email/digest.html", context), "text/html")
    message.send()
