"""The member's API tokens page (/settings/api/): create (the secret is shown once, on the
answer to the form, and stored nowhere), list and revoke."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import selectors, services
from api.forms import TokenForm
from community.refusals import Refusal
from community.roles import is_staff_member

# The creation forms this session was given and has not sent yet: sending one twice (a reload
# of the answer that showed the secret, a double click) must not make a second token.
FORM_NONCES = "api_token_form_nonces"


def _form_nonce(request: HttpRequest) -> str:
    """The nonce of the form this page shows: the session's unsent one, or a new one (the
    session is written only then, not on every visit)."""
    outstanding = request.session.get(FORM_NONCES, [])
    if outstanding:
        return outstanding[-1]
    nonce = secrets.token_urlsafe(16)
    request.session[FORM_NONCES] = [nonce]
    return nonce


def _take_form_nonce(request: HttpRequest, nonce: str) -> bool:
    """Whether ``nonce`` is a form this session was given and has not sent yet (then it is
    used up). Forms without one (scripts, older pages) are not checked."""
    if not nonce:
        return True
    outstanding = request.session.get(FORM_NONCES, [])
    if nonce not in outstanding:
        return False
    request.session[FORM_NONCES] = [kept for kept in outstanding if kept != nonce]
    return True


def _page(request: HttpRequest, form: TokenForm, *, secret: str = "", created=None, status: int = 200):
    return render(
        request,
        "api/settings.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(user=request.user),
            "secret": secret,
            "created": created,
            "now": timezone.now(),
            "form_nonce": _form_nonce(request),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    staff = is_staff_member(request.user)
    if request.method == "GET":
        return _page(request, TokenForm(staff=staff))
    form = TokenForm(request.POST, staff=staff)
    if not _take_form_nonce(request, request.POST.get("form_nonce", "")):
        # What was typed stays; sending the form again as it is now creates the token.
        form.is_valid()
        form.add_error(None, "That form was already sent, and its token created: its key was "
                             "shown once. If you did not copy it, revoke that token below; to "
                             "create another, send this form again.")
        return _page(request, form, status=409)
    if not form.is_valid():
        return _page(request, form, status=400)
    days = form.cleaned_data["expires_in"]
    expires_at = timezone.now() + timedelta(days=int(days)) if days else None
    try:
        token, secret = services.create_token(
            user=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=expires_at,
        )
    except Refusal as refusal:
        form.add_error(None, refusal.message)
        return _page(request, form, status=refusal.status)
    # The only time the secret is ever shown: this answer is not cached (never_cache).
    return _page(request, TokenForm(staff=staff), secret=secret, created=token, status=201)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.revoke_token(actor=request.user, token_id=token_id)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("api_settings:settings")
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("api_settings:settings")
