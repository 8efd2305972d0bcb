"""Webhooks in the Django admin (/django-admin/): staff register endpoints (their signing
secret is shown on the endpoint's page to staff who may change endpoints), read the delivery
log and redeliver."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from community.params import parse_id
from community.refusals import Refusal
from webhooks import guard, services
from webhooks.catalogue import EVENT_CHOICES
from webhooks.models import Attempt, Delivery, Endpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https",
                         help_text="Where Hearth POSTs the events: an https URL on the internet.")
    events = forms.MultipleChoiceField(
        choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple,
        help_text="Hearth sends these events to the endpoint, and no others.")

    class Meta:
        model = Endpoint
        fields = ("url", "description", "events", "is_active")

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        try:
            guard.check_url(url)
        except guard.UnsafeURL as refusal:
            raise forms.ValidationError(str(refusal)) from refusal
        return url


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("__str__", "url", "is_active", "event_list", "disabled_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    actions = ("send_test_event", "new_secret")

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "events", "is_active"]
        if obj is not None:
            if self.has_change_permission(request, obj):
                fields.append("secret")
            fields += ["created_at", "failing_since", "disabled_at", "disabled_reason"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = ["created_at", "failing_since", "disabled_at", "disabled_reason"]
        if self.has_change_permission(request, obj):
            readonly.append("secret")
        return readonly

    @admin.display(description="events")
    def event_list(self, endpoint: Endpoint) -> str:
        return ", ".join(endpoint.events or [])

    def save_model(self, request, obj, form, change):
        activated = change and "is_active" in form.changed_data and obj.is_active
        services.save_endpoint(endpoint=obj, activated=activated)

    def delete_model(self, request, obj):
        services.delete_endpoints(ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        services.delete_endpoints(ids=list(queryset.values_list("pk", flat=True)))

    @admin.action(description="Send a test event", permissions=("change",))
    def send_test_event(self, request, queryset):
        for endpoint_id in queryset.values_list("pk", flat=True):
            self._send_test_event(request, endpoint_id)

    def _send_test_event(self, request, endpoint_id: int) -> Delivery | None:
        try:
            delivery = services.send_test_event(endpoint_id=endpoint_id)
        except Refusal as refusal:
            messages.error(request, refusal.message)
            return None
        log = reverse("admin:webhooks_delivery_change", args=[delivery.pk])
        messages.success(request, format_html(
            "A test event is on its way to “{}”: <a href=\"{}\">its delivery</a> shows what the "
            "endpoint answered.", delivery.endpoint, log))
        return delivery

    def get_urls(self):
        return [path("<path:object_id>/test-event/", self.admin_site.admin_view(self.test_event_view),
                     name="webhooks_endpoint_test_event")] + super().get_urls()

    def test_event_view(self, request, object_id):
        """The endpoint page's "Send a test event" button: then the test delivery's page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        endpoint_id = parse_id(object_id)
        if endpoint_id is None:
            raise Http404
        endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
        if not self.has_change_permission(request, endpoint):
            messages.error(request, "You may not send test events.")
            return HttpResponseRedirect(reverse("admin:webhooks_endpoint_changelist"))
        delivery = self._send_test_event(request, endpoint.pk)
        if delivery is None:
            return HttpResponseRedirect(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
        return HttpResponseRedirect(reverse("admin:webhooks_delivery_change", args=[delivery.pk]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_send_test_event": self.has_change_permission(request)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(description="Generate a new signing secret", permissions=("change",))
    def new_secret(self, request, queryset):
        for endpoint_id in queryset.values_list("pk", flat=True):
            services.rotate_secret(endpoint_id=endpoint_id)
        messages.warning(request, "New secrets generated: update the receivers, or they will "
                                  "refuse every delivery.")


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ("number", "at", "status_code", "duration_ms", "response_excerpt", "error", "manual")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "state", "attempts", "last_status_code",
                    "last_attempt_at", "created_at", "msg_id")
    list_filter = ("state", "event_type", "endpoint")
    search_fields = ("msg_id", "event_key")
    list_select_related = ("endpoint",)
    fields = ("endpoint", "event_type", "msg_id", "state", "attempts", "next_attempt_at",
              "last_attempt_at", "last_status_code", "delivered_at", "created_at", "payload")
    readonly_fields = fields
    inlines = (AttemptInline,)
    actions = ("redeliver",)

    @admin.display(description="event", ordering="event_type")
    def event(self, delivery: Delivery) -> str:
        return delivery.event_type

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the log is read-only; "redeliver" is its one action

    def has_redeliver_permission(self, request):
        return request.user.has_perm("webhooks.change_delivery")

    @admin.display(description="payload")
    def payload(self, delivery: Delivery) -> str:
        try:
            text = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
        except ValueError:
            text = delivery.body
        return format_html("<pre>{}</pre>", text)

    @admin.action(description="Redeliver the selected deliveries", permissions=("redeliver",))
    def redeliver(self, request, queryset):
        self._redeliver(request, list(queryset.values_list("pk", flat=True)))

    def _redeliver(self, request, ids: list[int]) -> None:
        try:
            count = services.redeliver(delivery_ids=ids)
        except Refusal as refusal:
            messages.error(request, refusal.message)
            return
        messages.success(request, f"{count} delivery(ies) sent again.")

    def get_urls(self):
        return [path("<path:object_id>/redeliver/", self.admin_site.admin_view(self.redeliver_view),
                     name="webhooks_delivery_redeliver")] + super().get_urls()

    def redeliver_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_redeliver_permission(request):
            messages.error(request, "You may not redeliver webhooks.")
            return HttpResponseRedirect(reverse("admin:webhooks_delivery_changelist"))
        delivery_id = parse_id(object_id)
        if delivery_id is None:
            raise Http404
        delivery = get_object_or_404(Delivery, pk=delivery_id)
        self._redeliver(request, [delivery.pk])
        return HttpResponseRedirect(reverse("admin:webhooks_delivery_change", args=[delivery.pk]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_redeliver": self.has_redeliver_permission(request)}
        return super().changeform_view(request, object_id, form_url, extra_context)
