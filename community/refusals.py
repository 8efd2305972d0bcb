"""The one vocabulary of refusals: why Hearth declines to do what a member asked, and the
response each refusal becomes.

Services raise a ``Refusal`` subclass (the apps' own exceptions derive from these:
moderation's ``ActionRefused``, ideas' ``IdeaActionRefused``, the queue's
``ModerationConflict``). A view that has a form to show the message in catches it there; a
refusal a view does not catch reaches ``RefusalMiddleware``, which turns it into a response
in this one place:

- an htmx request gets a toast fragment (swapped into ``#toasts``, with the refusal's status);
- a form post from a page of the site gets the message and a redirect back to that page;
- anything else gets a page: 403.html for a 403 (``NotPermitted``), refusal.html for the others.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme


class Refusal(Exception):
    """Hearth declines the action. ``message`` is for the member; ``status`` is the HTTP
    status of the response; ``retry_at``, when known, is when they may try again."""

    status = 400
    title = "That cannot be done"
    default_message = "That cannot be done."

    def __init__(self, message: str | None = None, *, retry_at: datetime | None = None):
        self.message = message or self.default_message
        self.retry_at = retry_at
        super().__init__(self.message)


class Invalid(Refusal):
    """The request itself is wrong (a choice that does not exist, a missing note)."""


class NotPermitted(Refusal):
    """This member may not do this (role, ownership, state of the object)."""

    status = 403
    title = "Not allowed"
    default_message = "You do not have permission to do that."


class Suspended(NotPermitted):
    """The member's account is suspended."""

    title = "Your account is suspended"


class RateLimited(Refusal):
    """Too many of these for now; ``retry_at`` says when."""

    status = 429
    title = "Not just now"
    default_message = "You have done this too often for now. Try again a little later."


class Conflict(Refusal):
    """Someone else changed the object first; nothing was applied."""

    status = 409
    title = "Someone else got there first"
    default_message = "Someone else changed this first. Reload and try again."


def refusal_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The response for a refusal no view caught (see the module's docstring)."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(
            format_html('<div class="toast" role="alert">{}</div>', refusal.message), status=refusal.status
        )
        # hearth.js swaps responses carrying Hearth-Refusal although their status is an error.
        response["Hearth-Refusal"] = str(refusal.status)
        response["HX-Retarget"] = "#toasts"
        response["HX-Reswap"] = "beforeend"
        return response
    back = request.headers.get("Referer", "")
    if request.method == "POST" and back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        messages.error(request, refusal.message)
        return redirect(back)
    if refusal.status == 403:
        return render(request, "403.html", {"exception": refusal.message}, status=refusal.status)
    return render(request, "refusal.html", {"refusal": refusal}, status=refusal.status)


class RefusalMiddleware:
    """Maps every ``Refusal`` a view lets through to its response (``refusal_response``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Refusal):
            return refusal_response(request, exception)
        return None
