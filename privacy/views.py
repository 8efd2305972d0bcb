from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.refusals import Refusal
from community.roles import is_community_manager
from privacy import selectors
from privacy.forms import AnonymiseForm, ConsentForm, DeleteAccountForm
from privacy.models import Consent, DataExport
from privacy.services import consents as consent_services
from privacy.services import erasure as erasure_services
from privacy.services import exports as export_services


@login_required
@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    export = selectors.latest_export(user=request.user)
    return render(request, "privacy/settings.html", {
        "consents": selectors.consent_states(user=request.user),
        "export": export,
        "export_state": selectors.export_status(export),
        "export_days": settings.HEARTH_PRIVACY_EXPORT_DAYS,
        "delete_form": DeleteAccountForm(),
        "grace_days": erasure_services.grace_days(),
    })


@login_required
@require_POST
def request_export(request: HttpRequest) -> HttpResponse:
    try:
        export_services.request_export(user=request.user)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("privacy:settings")
    messages.success(request, "We are preparing your data. This page shows the progress, and we "
                              "will email you the link when it is ready.")
    return redirect("privacy:settings")


@never_cache
@login_required
@require_GET
def export_status(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.export_status(selectors.latest_export(user=request.user)))


@never_cache
@login_required
@require_GET
def download(request: HttpRequest, export_id: int) -> HttpResponse:
    # Someone else's export, an expired one, or one not ready are all simply not found.
    export = DataExport.objects.filter(pk=export_id, user=request.user).first()
    if export is None or not export.downloadable(timezone.now()):
        raise Http404("No such export.")
    try:
        handle = export_services.file_path(export).open("rb")
    except FileNotFoundError:
        raise Http404("No such export.") from None
    stamp = export.finished_at.strftime("%Y-%m-%d")
    response = FileResponse(handle, as_attachment=True, content_type="application/zip",
                            filename=f"hearth-data-{request.user.username}-{stamp}.zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["POST"])
def consent(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("privacy:settings")
    purpose, granted = form.cleaned_data["purpose"], form.cleaned_data["granted"]
    try:
        recorded = consent_services.record_consent(
            user=request.user, purpose=purpose, granted=granted,
            source=Consent.Source.PRIVACY_PAGE)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("privacy:settings")
    label = dict(form.fields["purpose"].choices)[purpose]
    if recorded is None:
        messages.info(request, f"{label}: nothing changed, that was already your choice.")
    elif granted:
        messages.success(request, f"{label}: thank you, your consent is recorded.")
    else:
        messages.success(request, f"{label}: withdrawn. We will not send you any more.")
    return redirect("privacy:settings")


@never_cache
@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    """Schedule the deletion of the member's account (password required), end every session
    of theirs and show the date: logging in before then cancels it."""
    form = DeleteAccountForm(request.POST)
    if form.is_valid() and not ratelimit.consume(request, action="reauthenticate", user=request.user):
        # A password check is a way to guess the password (for whoever holds the session):
        # as limited as allauth's own confirmations (ACCOUNT_RATE_LIMITS).
        form.add_error("password", "Too many tries. Nothing was changed: wait a few minutes and try again.")
    elif form.is_valid():
        try:
            erasure = erasure_services.request_erasure(
                user=request.user, password=form.cleaned_data["password"],
                delete_content=form.cleaned_data["delete_content"])
        except Refusal as refusal:
            form.add_error("password", refusal.message)
        else:
            logout(request)
            return render(request, "privacy/erasure_scheduled.html", {"erasure": erasure})
    export = selectors.latest_export(user=request.user)
    return render(request, "privacy/settings.html", {
        "consents": selectors.consent_states(user=request.user),
        "export": export,
        "export_state": selectors.export_status(export),
        "export_days": settings.HEARTH_PRIVACY_EXPORT_DAYS,
        "delete_form": form,
        "grace_days": erasure_services.grace_days(),
    }, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def anonymise_member(request: HttpRequest, username: str) -> HttpResponse:
    """A community manager anonymises a member at once, after a confirmation page."""
    if not is_community_manager(request.user):
        raise PermissionDenied("Only community managers can anonymise a member.")
    member = get_object_or_404(get_user_model(), username__iexact=username)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure = erasure_services.anonymise_member(
                actor=request.user, user=member, reason=form.cleaned_data["reason"],
                delete_content=form.cleaned_data["delete_content"])
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"The member is anonymised as {erasure.former_name}.")
            return redirect("moderation:member", username=erasure.former_username)
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/anonymise.html", {"member": member, "form": form}, status=status)
