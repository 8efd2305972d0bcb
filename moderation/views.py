from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.models import User
from community.params import parse_id
from community.roles import is_community_manager
from moderation import selectors
from moderation.charts import bar_chart
from moderation.forms import (
    BulkActionForm,
    FlagForm,
    ItemActionForm,
    LiftForm,
    LogFilterForm,
    SuspendForm,
    TrustOverrideForm,
    WarnForm,
)
from moderation.models import QueueItem, TrustLevel
from moderation.registry import NotModeratable, adapter_for, load_object
from moderation.services import members as member_services
from moderation.services import queue as queue_services
from moderation.services import trust as trust_services
from moderation.services.flags import flag_content
from moderation.services.limits import ActionRefused


def manager_required(view):
    """Community managers only: anonymous visitors go to the login page, others get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_community_manager(request.user):
            raise PermissionDenied("Only community managers can see this page.")
        return view(request, *args, **kwargs)

    return wrapped


def _queue_context(request: HttpRequest, bulk_form: BulkActionForm | None = None) -> dict:
    sort = request.GET.get("sort", "score")
    page = Paginator(selectors.pending_items(sort=sort), 25).get_page(request.GET.get("page"))
    return {
        "page": page,
        "entries": selectors.attach_objects(page.object_list),
        "sort": sort if sort in selectors.SORTS else "score",
        "bulk_form": bulk_form or BulkActionForm(),
        "query_prefix": urlencode({"sort": sort}),
    }


@manager_required
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/queue.html", _queue_context(request))


def _item_context(item: QueueItem, **forms) -> dict:
    entry = selectors.attach_objects([item])[0]
    extra_forms = []
    if entry.obj is not None:
        for extra in entry.adapter.extra_actions:
            if extra.available(entry.obj):
                form = forms.get(f"extra_{extra.name}")
                if form is None and extra.form is not None:
                    form = extra.form(prefix=extra.name)
                extra_forms.append((extra, form))
    return {
        "entry": entry,
        "item": item,
        "flags": item.flags.select_related("flagger").order_by("created_at"),
        "action_form": forms.get("action_form") or ItemActionForm(initial={"version": item.version}),
        "extra_forms": extra_forms,
        "history": selectors.member_history(user=item.author) if item.author else None,
    }


@manager_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(
        QueueItem.objects.select_related("author", "content_type", "resolved_by"), pk=item_id
    )
    return render(request, "moderation/item.html", _item_context(item))


def _queue_item_fragment(request: HttpRequest, item_id: int, notice: str, level: str,
                         typed_reason: str = "") -> HttpResponse:
    """The queue entry as it is now (for htmx): the live item with a notice, or a line saying
    what became of it."""
    entries = selectors.attach_objects(selectors.pending_items().filter(pk=item_id))
    context = {"notice": notice, "notice_level": level, "typed_reason": typed_reason}
    if entries:
        return render(request, "moderation/includes/queue_item.html", {**context, "entry": entries[0]})
    item = get_object_or_404(QueueItem, pk=item_id)
    return render(request, "moderation/includes/queue_item_done.html", {**context, "item": item})


@manager_required
@require_GET
def item_row(request: HttpRequest, item_id: int) -> HttpResponse:
    """One queue row as it is now, for the live queue page: the pending item, or a line
    saying who handled it and how."""
    entries = selectors.attach_objects(selectors.pending_items().filter(pk=item_id))
    if entries:
        return render(request, "moderation/includes/queue_item.html", {"entry": entries[0]})
    item = get_object_or_404(QueueItem.objects.select_related("resolved_by"), pk=item_id)
    who = item.resolved_by.name if item.resolved_by else "Someone"
    notice = f"{who} handled this item: {item.get_status_display().lower()}."
    return render(request, "moderation/includes/queue_item_done.html",
                  {"item": item, "notice": notice, "notice_level": "info"})


@manager_required
@require_POST
def item_action(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(QueueItem.objects.select_related("author", "content_type"), pk=item_id)
    form = ItemActionForm(request.POST)
    forms = {"action_form": form}
    data: dict = {}
    if form.is_valid() and form.cleaned_data["action"] == "extra":
        entry = selectors.attach_objects([item])[0]
        extra = entry.adapter.extra_action(form.cleaned_data["extra"]) if entry.adapter else None
        if extra is not None and extra.form is not None:
            extra_form = extra.form(request.POST, prefix=extra.name)
            forms[f"extra_{extra.name}"] = extra_form
            if not extra_form.is_valid():
                return render(request, "moderation/item.html", _item_context(item, **forms), status=400)
            data = extra_form.cleaned_data
    if not form.is_valid():
        if request.htmx:
            errors = "; ".join(error for errors in form.errors.values() for error in errors)
            return _queue_item_fragment(request, item.pk, errors, "error", request.POST.get("reason", ""))
        return render(request, "moderation/item.html", _item_context(item, **forms), status=400)
    if form.cleaned_data["action"] == "suspend":
        data = {"days": form.cleaned_data["days"]}
    try:
        outcome = queue_services.act_on_item(
            actor=request.user, item_id=item.pk, action=form.cleaned_data["action"],
            version=form.cleaned_data["version"], reason=form.cleaned_data["reason"], data=data,
            extra_name=form.cleaned_data["extra"],
        )
    except queue_services.ModerationConflict as conflict:
        if request.htmx:
            return _queue_item_fragment(request, item.pk, conflict.message, "warning")
        messages.warning(request, conflict.message)
        return redirect("moderation:queue")
    except ActionRefused as refusal:
        if request.htmx:
            return _queue_item_fragment(request, item.pk, refusal.message, "error",
                                        form.cleaned_data["reason"])
        form.add_error(None, refusal.message)
        return render(request, "moderation/item.html", _item_context(item, **forms), status=400)
    if request.htmx:
        return _queue_item_fragment(request, item.pk, outcome.message, "success")
    messages.success(request, outcome.message)
    if outcome.item.status == QueueItem.Status.PENDING:
        return redirect("moderation:item", item_id=item.pk)
    return redirect("moderation:queue")


@manager_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(QueueItem.objects.select_related("author", "content_type"), pk=item_id)
    try:
        adapter = adapter_for(item.content_type.model_class())
        obj = load_object(content_type=item.content_type, object_id=item.object_id)
    except (NotModeratable, ObjectDoesNotExist):
        raise Http404("This content no longer exists.") from None
    if adapter.edit_form is None:
        raise Http404("This content cannot be edited from the queue.")
    form = adapter.edit_form(request.POST if request.method == "POST" else None, obj=obj)
    version = parse_id(request.POST.get("version")) if request.method == "POST" else item.version
    if version is None:
        # Not a version this page wrote: show the item as it is now, for the moderator to retry.
        form.add_error(None, "This form was out of date: check the text below and save again.")
        version = item.version
    elif request.method == "POST" and form.is_valid():
        try:
            outcome = queue_services.act_on_item(
                actor=request.user, item_id=item.pk, action="edit", version=version,
                reason=request.POST.get("reason", ""), data=form.cleaned_data,
            )
        except queue_services.ModerationConflict as conflict:
            messages.warning(request, conflict.message)
            return redirect("moderation:queue")
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, outcome.message)
            return redirect("moderation:item", item_id=item.pk)
    return render(request, "moderation/edit.html",
                  {"item": item, "form": form, "label": adapter.label, "version": version},
                  status=400 if request.method == "POST" else 200)


@manager_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        return render(request, "moderation/queue.html", _queue_context(request, form), status=400)
    done, problems = queue_services.bulk_act(
        actor=request.user, versions=form.versions, action=form.cleaned_data["action"],
        reason=form.cleaned_data["reason"],
    )
    if done:
        messages.success(request, f"Applied to {done} item{'s' if done != 1 else ''}.")
    for problem in problems:
        messages.warning(request, problem)
    return redirect("moderation:queue")


@manager_required
def log(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    actions = selectors.audit_log(
        moderator=filters.get("moderator", ""), member=filters.get("member", ""),
        action=filters.get("action", ""),
    )
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "moderation/log.html", {"form": form, "page": page, "query_prefix": query})


@manager_required
def dashboard(request: HttpRequest) -> HttpResponse:
    stats = selectors.dashboard()
    members = selectors.ring_members(stats["rings"])
    rings = [(ring, [members[i] for i in ring.user_ids if i in members]) for ring in stats["rings"]]
    charts = {
        "actions_chart": bar_chart([(day.strftime("%d"), n) for day, n in stats["actions_per_day"]]),
        "trust_chart": bar_chart([(f"TL{level}", n) for _label, level, n in stats["trust_distribution"]]),
    }
    return render(request, "moderation/dashboard.html", {**stats, **charts, "ring_rows": rings})


def _member(username: str) -> User:
    return get_object_or_404(User, username__iexact=username)


def _member_page(request, member, status=200, **forms) -> HttpResponse:
    history = selectors.member_history(user=member)
    trust = history["trust"]
    context = {
        "member": member,
        **history,
        "level_label": TrustLevel(trust.level).label,
        "trust_form": forms.get("trust_form") or TrustOverrideForm(
            initial={"level": trust.override_level}, prefix="trust"
        ),
        "suspend_form": forms.get("suspend_form") or SuspendForm(prefix="suspend"),
        "warn_form": forms.get("warn_form") or WarnForm(prefix="warn"),
        "lift_form": forms.get("lift_form") or LiftForm(prefix="lift"),
    }
    return render(request, "moderation/member.html", context, status=status)


@manager_required
def member(request: HttpRequest, username: str) -> HttpResponse:
    return _member_page(request, _member(username))


@manager_required
@require_POST
def member_trust(request: HttpRequest, username: str) -> HttpResponse:
    target = _member(username)
    form = TrustOverrideForm(request.POST, prefix="trust")
    if not form.is_valid():
        return _member_page(request, target, 400, trust_form=form)
    level = trust_services.set_trust_override(
        actor=request.user, user=target, level=form.cleaned_data["level"], reason=form.cleaned_data["reason"]
    )
    messages.success(request, f"{target.name} is now at trust level {level}.")
    return redirect("moderation:member", username=target.username)


@manager_required
@require_POST
def member_suspend(request: HttpRequest, username: str) -> HttpResponse:
    target = _member(username)
    form = SuspendForm(request.POST, prefix="suspend")
    if form.is_valid():
        try:
            member_services.suspend_member(actor=request.user, user=target, days=form.cleaned_data["days"],
                                           reason=form.cleaned_data["reason"])
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"{target.name} is suspended.")
            return redirect("moderation:member", username=target.username)
    return _member_page(request, target, 400, suspend_form=form)


@manager_required
@require_POST
def member_warn(request: HttpRequest, username: str) -> HttpResponse:
    target = _member(username)
    form = WarnForm(request.POST, prefix="warn")
    if form.is_valid():
        try:
            member_services.warn_member(actor=request.user, user=target, reason=form.cleaned_data["reason"])
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"Warning sent to {target.name}.")
            return redirect("moderation:member", username=target.username)
    return _member_page(request, target, 400, warn_form=form)


@manager_required
@require_POST
def suspension_lift(request: HttpRequest, suspension_id: int) -> HttpResponse:
    from moderation.models import Suspension

    suspension = get_object_or_404(Suspension.objects.select_related("user"), pk=suspension_id)
    form = LiftForm(request.POST, prefix="lift")
    if form.is_valid():
        try:
            member_services.lift_suspension(actor=request.user, suspension_id=suspension.pk,
                                            reason=form.cleaned_data["reason"])
        except ActionRefused as refusal:
            messages.warning(request, refusal.message)
        else:
            messages.success(request, f"The suspension of {suspension.user.name} is lifted.")
        return redirect("moderation:member", username=suspension.user.username)
    return _member_page(request, suspension.user, 400, lift_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, content_type_id: int, object_id: int) -> HttpResponse:
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
        obj = load_object(content_type=content_type, object_id=object_id)
        adapter = adapter_for(obj)
    except (ContentType.DoesNotExist, NotModeratable, ObjectDoesNotExist):
        raise Http404("Nothing to flag here.") from None
    if not adapter.visible_to(obj, request.user):
        # What the member cannot see on the site does not exist for them here either.
        raise Http404("Nothing to flag here.")
    back = request.POST.get("next") or request.GET.get("next") or adapter.url(obj)
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = adapter.url(obj)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flag_content(flagger=request.user, obj=obj, reason=form.cleaned_data["reason"],
                         note=form.cleaned_data["note"])
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Thanks: the community managers will look at it. You will be told "
                             "what they decide.")
            return redirect(back)
    return render(
        request, "moderation/flag.html",
        {"form": form, "obj": obj, "label": adapter.label, "excerpt": adapter.excerpt(obj), "next": back,
         "action_url": reverse("moderation:flag", args=[content_type_id, object_id])},
        status=400 if request.method == "POST" else 200,
    )
