"""The store's webhook: thin, as every view (parse, call one service, answer).

Answers are JSON; refusals are RFC 9457 problem details (``application/problem+json``) with a
``type`` naming the problem, and change nothing. A replayed order or refund is answered 200
with ``"replay": true`` so the store stops retrying it.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from community.refusals import Invalid
from shop import services, webhooks
from shop.models import Order
from shop.parsing import parse_order, parse_refund

PROBLEM_BASE = "urn:hearth:shop:webhook:"
EVENT_TYPES = ("order.paid", "refund.created")


def problem(status: int, slug: str, title: str, detail: str) -> JsonResponse:
    return JsonResponse({"type": PROBLEM_BASE + slug, "title": title, "status": status,
                         "detail": detail}, status=status, content_type="application/problem+json")


# The store signs its deliveries (shop.webhooks) and sends no cookie or CSRF token: the
# signature is the authorization, so this endpoint alone is exempt from the CSRF check.
@csrf_exempt
@require_POST
def order_webhook(request: HttpRequest) -> JsonResponse:
    secret = settings.HEARTH_SHOP_WEBHOOK_SECRET
    if not secret:
        return problem(503, "not-configured", "Not configured",
                       "The shop webhook is not configured: set HEARTH_SHOP_WEBHOOK_SECRET.")
    if request.content_type != "application/json":
        # Also keeps a form body (which the middleware has parsed, so it is no longer
        # readable as raw bytes) away from the signature check.
        return problem(415, "unsupported-media-type", "Unsupported media type",
                       "Send the event as application/json.")
    try:
        body = request.body
    except RequestDataTooBig:
        return problem(413, "too-large", "Body too large", "The delivery is larger than Hearth accepts.")
    try:
        webhooks.verify(request.headers.get(webhooks.SIGNATURE_HEADER), body, secret=secret,
                        tolerance=settings.HEARTH_SHOP_WEBHOOK_TOLERANCE_SECONDS)
    except webhooks.WebhookRefused as refused:
        return problem(refused.status, refused.slug, refused.title, refused.detail)
    try:
        payload = json.loads(body, parse_float=Decimal)
    except ValueError:
        return problem(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.")
    if not isinstance(payload, dict) or payload.get("type") not in EVENT_TYPES:
        return problem(400, "unknown-event", "Unknown event",
                       'The body must be a JSON object whose "type" is "order.paid" or '
                       '"refund.created", with the order or refund in "data".')
    try:
        if payload["type"] == "order.paid":
            recorded = services.record_order(data=parse_order(payload.get("data")),
                                             source=Order.Source.WEBHOOK)
            order = recorded.obj
            answer = {"order": order.external_id, "points": order.points,
                      "unmatched_skus": list(order.lines.filter(product__isnull=True)
                                             .values_list("sku", flat=True))}
        else:
            recorded = services.record_refund(data=parse_refund(payload.get("data")))
            refund = recorded.obj
            answer = {"refund": refund.external_id, "points_taken_back": refund.points}
    except Invalid as refusal:
        return problem(400, "invalid-" + payload["type"].replace(".", "-"), "Invalid " + payload["type"],
                       refusal.message)
    return JsonResponse({"status": "recorded" if recorded.created else "already recorded",
                         "replay": not recorded.created, **answer})
