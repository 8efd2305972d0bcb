"""Service tokens for integrations, created by staff in the Django admin (/django-admin/).
A service token acts as the account it names (e.g. a brand-staff account of the shop's
integration), so every rule of that account applies; its secret is shown once, in the
message after saving."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from api import services
from api.models import SCOPES, ApiToken
from community.refusals import Refusal

# What an existing token's admin page shows, all of it read-only: a token is never edited,
# only revoked.
TOKEN_FIELDS = ("user", "name", "kind", "prefix", "scope_list", "created_at", "created_by",
                "last_used_at", "expires_at", "revoked_at")


class ServiceTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ("user", "name", "scopes", "expires_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "user",
        "prefix",
        "scope_list",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("kind",)
    search_fields = ("name", "prefix", "user__username")
    raw_id_fields = ("user",)
    actions = ("revoke",)
    readonly_fields = ("kind", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ServiceTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name", "scopes", "expires_at")
        return TOKEN_FIELDS

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return TOKEN_FIELDS

    def save_model(self, request, obj, form, change):
        if change:
            return  # a token is never edited: revoke it and create another
        try:
            token, secret = services.create_token(
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.cleaned_data["expires_at"],
                kind=ApiToken.Kind.SERVICE,
                created_by=request.user,
            )
        except Refusal as refusal:
            messages.error(request, refusal.message)
            obj.pk = None
            return
        obj.pk = token.pk
        messages.warning(request, f"The service token's secret (shown once, copy it now): {secret}")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"{count} token(s) revoked.")
