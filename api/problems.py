"""Errors as RFC 9457 problem details (``application/problem+json``): one place maps every
refusal, validation error, authentication and permission failure, missing object, wrong
method, throttle and unreadable body to ``{type, title, status, detail, instance}``, plus
``errors`` (field -> messages) for invalid input and ``retry_after`` (seconds) for 429.

The services' own vocabulary (``community.refusals``, Django's ``ValidationError`` and
``PermissionDenied``) comes through unchanged, so a refusal reads the same as on the site."""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from community.refusals import Refusal

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:hearth:problem:"

# What each kind of problem is called (its ``type`` is TYPE_BASE + the key); docs/api.md
# lists them.
TITLES = {
    "invalid": "Your request has invalid fields",
    "malformed-body": "The request body could not be read",
    "not-authenticated": "Authentication needed",
    "token-invalid": "The token is not valid",
    "token-revoked": "The token was revoked",
    "token-expired": "The token has expired",
    "insufficient-scope": "The token lacks a scope",
    "forbidden": "Not allowed",
    "not-found": "Not found",
    "method-not-allowed": "Method not allowed",
    "not-acceptable": "Not acceptable",
    "unsupported-media-type": "Unsupported media type",
    "throttled": "Too many requests",
    "refused": "That cannot be done",
    "conflict": "Someone else got there first",
    "needs-confirmation": "Confirmation needed",
}


def problem(kind: str, *, status: int, detail: str, request=None, title: str | None = None, **extra) -> dict:
    body = {
        "type": TYPE_BASE + kind,
        "title": title or TITLES.get(kind, "Error"),
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.path
    body.update(extra)
    return body


def _messages(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [m for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return {"non_field_errors": list(error.messages)}


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def _refusal_kind(refusal: Refusal) -> str:
    return {403: "forbidden", 409: "conflict", 429: "throttled"}.get(refusal.status, "refused")


DRF_KINDS = {
    exceptions.ParseError: "malformed-body",
    exceptions.NotAuthenticated: "not-authenticated",
    exceptions.AuthenticationFailed: "not-authenticated",
    exceptions.NotFound: "not-found",
    exceptions.MethodNotAllowed: "method-not-allowed",
    exceptions.NotAcceptable: "not-acceptable",
    exceptions.UnsupportedMediaType: "unsupported-media-type",
    exceptions.Throttled: "throttled",
    exceptions.PermissionDenied: "forbidden",
    exceptions.ValidationError: "invalid",
}


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error of an API view as problem details."""
    request = context.get("request")
    if isinstance(exc, Refusal):
        extra = {}
        headers = {}
        if exc.retry_at is not None:
            seconds = max(1, math.ceil((exc.retry_at - timezone.now()).total_seconds()))
            extra["retry_after"] = seconds
            headers["Retry-After"] = str(seconds)
        body = problem(
            _refusal_kind(exc),
            status=exc.status,
            title=exc.title,
            detail=exc.message,
            request=request,
            **extra,
        )
        return Response(body, status=exc.status, headers=headers, content_type=CONTENT_TYPE)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_messages(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling (logged, mailed) takes it
    kind = next((k for cls, k in DRF_KINDS.items() if isinstance(exc, cls)), "refused")
    code = getattr(exc, "problem_code", None) or (exc.get_codes() if isinstance(exc.detail, str) else None)
    if code in ("token_invalid", "token_revoked", "token_expired", "insufficient_scope"):
        kind = code.replace("_", "-")
    extra = {}
    if kind == "invalid":
        extra["errors"] = _flatten(exc.detail)
        detail = "Some fields are not valid: see errors."
    else:
        detail = str(exc.detail)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        extra["retry_after"] = max(1, math.ceil(exc.wait))
    response.data = problem(kind, status=response.status_code, detail=detail, request=request, **extra)
    response.content_type = CONTENT_TYPE
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a problem, not the site's HTML 404 page. Exempt from the
    CSRF check like the API's views (it changes nothing), so a PATCH to an id out of range
    gets this 404, not the site's HTML page about a failed form."""
    body = problem("not-found", status=404, detail="There is no such API endpoint.", request=request)
    return JsonResponse(body, status=404, content_type=CONTENT_TYPE)


def bad_request(request, exception=None):
    """handler400 for /api/ (config/urls.py): input rejected before any view (a NUL byte, invalid
    UTF-8: community.middleware.MalformedInputMiddleware) as a problem, not the site's page."""
    body = problem("malformed-body", status=400, detail="The request holds text that cannot be read.",
                   request=request)
    return JsonResponse(body, status=400, content_type=CONTENT_TYPE)
