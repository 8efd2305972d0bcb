from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors, staff_links
from community.forms import DIGEST_FIELD, NotificationPreferencesForm, ProfileForm
from community.health import health_report
from community.models import Notification, User
from community.notification_kinds import get_kind
from community.services import accounts as account_services
from community.services import notifications as notification_services
from community.tasks import UNSUBSCRIBE_SALT


def profile(request: HttpRequest, username: str) -> HttpResponse:
    try:
        member = selectors.public_profile(username=username)
    except User.DoesNotExist:
        raise Http404("No such member.") from None
    return render(request, "community/profile.html", {"member": member})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        account_services.update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            bio=form.cleaned_data["bio"],
            avatar_image=form.avatar_image,
            remove_avatar=request.POST.get("avatar-clear") == "on",
        )
        messages.success(request, "Your profile is saved.")
        return redirect(request.user.get_absolute_url())
    return render(request, "community/profile_edit.html", {"form": form})


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "community/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    notification_services.mark_read(user=request.user, notification_id=notification.pk)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "community:notifications"
    return redirect(target)


@login_required
@require_POST
def notification_mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification_services.mark_read(user=request.user, notification_id=notification_id)
    if request.htmx:
        return HttpResponse(status=204)
    return redirect("community:notifications")


@login_required
@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    changed = notification_services.mark_all_read(user=request.user)
    messages.success(request, f"Marked {changed} notification{'s' if changed != 1 else ''} read.")
    return redirect("community:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = selectors.email_preferences(user=request.user)
    form = NotificationPreferencesForm(request.POST or None, current=current,
                                       digest_frequency=request.user.digest_frequency)
    if request.method == "POST" and form.is_valid():
        notification_services.set_email_preferences(user=request.user, email_kinds=form.email_kinds(),
                                                    digest_frequency=form.cleaned_data.get(DIGEST_FIELD))
        messages.success(request, "Your email preferences are saved.")
        return redirect("community:notification_settings")
    return render(request, "community/notification_settings.html", {"form": form})


# Mail clients send the RFC 8058 one-click POST without a CSRF token; the signed token in
# the URL is what authorizes it, and all it can do is turn one kind of email off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=data["u"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        return render(request, "community/unsubscribe.html", {"invalid": True}, status=400)
    kind = get_kind(data["k"])
    if request.method == "POST":
        notification_services.unsubscribe(user=user, kind=kind.key)
        return render(request, "community/unsubscribe.html", {"done": True, "kind": kind})
    return render(request, "community/unsubscribe.html", {"kind": kind, "token": token})


def healthz(request: HttpRequest):
    from django.http import JsonResponse

    report = health_report()
    return JsonResponse(report, status=200 if report["serving"] else 503)


def media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve uploads when no proxy or object store does (HEARTH_SERVE_MEDIA). Everything under
    MEDIA_ROOT was re-encoded by Hearth, and responses carry nosniff."""
    from django.conf import settings
    from django.views.static import serve

    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
@require_GET
def staff_counts(request: HttpRequest) -> JsonResponse:
    """The header's staff menu counts, counted afresh (polled by hearth.js). Members, who
    have no staff pages, are refused."""
    links = staff_links.links_for(request.user)
    if not links:
        raise PermissionDenied("Only staff see these counts.")
    counts = staff_links.fresh_counts(links)
    response = JsonResponse({
        "total": sum(count.number for entries in counts.values() for count in entries[:1]),
        "links": {key: [{"key": c.key, "label": c.label, "number": c.number, "alert": c.alert}
                        for c in entries] for key, entries in counts.items()},
    })
    response["Cache-Control"] = "no-store"
    return response
