"""Requests every walked URL as every role and names each answer (shared by the
authorization walk and the CSRF walk)."""

from __future__ import annotations

import traceback
from urllib.parse import urlsplit

from django.db import transaction
from django.test import Client

LOGIN_PATHS = {"/accounts/login/", "/admin/login/", "/django-admin/login/", "/_util/login/"}
WAGTAIL_REFUSAL = "/admin/"
STATUS_NAMES = {400: "bad", 403: "denied", 404: "missing", 405: "method"}


def outcome(response) -> str:
    """ok: 2xx, or a redirect anywhere but a login page; login: a redirect to a login page;
    denied: 403, or Wagtail's redirect to its home page; bad 400, missing 404, method 405;
    anything else is its status code."""
    status = response.status_code
    if 300 <= status < 400:
        target = urlsplit(response["Location"]).path
        if target in LOGIN_PATHS:
            return "login"
        # Wagtail refuses a signed-in editor by sending them to the admin's home page.
        return "denied" if target == WAGTAIL_REFUSAL else "ok"
    if status < 300:
        return "ok"
    return STATUS_NAMES.get(status, str(status))


class RoleClient:
    """A test client signed in as one role whose session survives whatever a request does
    (log out, log in again): every request runs in a savepoint that is rolled back, so each
    URL meets the same world, and the session cookie is put back afterwards."""

    def __init__(self, user, **client_options):
        self.client = Client(raise_request_exception=False, **client_options)
        if user is not None:
            self.client.force_login(user)
        self.cookies = {name: morsel.value for name, morsel in self.client.cookies.items()}

    def request(self, method: str, path: str, data=None, **options) -> tuple[str, object]:
        """``options`` go to the test client (``content_type``, headers)."""
        try:
            with transaction.atomic():
                response = getattr(self.client, method.lower())(path, data or {}, **options)
                transaction.set_rollback(True)
        except Exception:  # a view that breaks is reported as one, never hidden
            return "error", traceback.format_exc(limit=3)
        finally:
            self.client.cookies.clear()
            for name, value in self.cookies.items():
                self.client.cookies[name] = value
        if response.status_code >= 500:
            return "error", getattr(response, "exc_info", None) or response.status_code
        return outcome(response), response

