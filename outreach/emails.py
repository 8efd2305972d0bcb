"""The review request email: plain text and HTML in the site's look (styles inline, as mail
clients drop style sheets), five star links per product, and the one-click unsubscribe
headers of RFC 8058."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from community import site_url
from community.tasks import email_subject, unsubscribe_token
from outreach.apps import REVIEW_REQUEST_KIND

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


def send_review_request(*, member, requests, reminder: bool) -> None:
    base = site_url.base_url()
    unsubscribe_url = base + reverse("community:unsubscribe", kwargs={
        "token": unsubscribe_token(user_id=member.pk, kind=REVIEW_REQUEST_KIND)})
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
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("outreach/email/review_request.html", context), "text/html")
    message.send()
