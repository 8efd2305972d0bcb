from django import forms

from community.params import parse_id
from moderation.models import FlagReason, ModerationAction, TrustLevel


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you flagging this?", choices=FlagReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note for the moderators", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for “Something else”; helpful for the others.",
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == FlagReason.OTHER and not data.get("note", "").strip():
            self.add_error(
                "note", "Tell the moderators what is wrong: a note is needed for “Something else”."
            )
        return data


class ItemActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in
                                        ("dismiss", "restore", "hide", "delete", "warn", "suspend", "extra")])
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(label="Reason shown to the member", required=False, max_length=500)
    days = forms.IntegerField(label="Days (empty: permanent)", required=False, min_value=1, max_value=3650)
    extra = forms.CharField(required=False, max_length=40)

    def clean(self):
        data = super().clean()
        if data.get("action") in {"hide", "delete", "warn", "suspend"} and not data.get("reason", "").strip():
            self.add_error("reason", "Give the reason the member will see.")
        return data


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        label="With selected",
        choices=[("", "Choose an action"), ("dismiss", "Dismiss flags"), ("restore", "Restore or approve"),
                 ("hide", "Hide"), ("delete", "Delete")],
    )
    reason = forms.CharField(label="Reason shown to the authors", required=False, max_length=500)

    def __init__(self, data=None):
        super().__init__(data)
        self.versions: dict[int, int] = {}
        if data is not None:
            for raw in data.getlist("items"):
                item_id, _sep, version = raw.partition(":")
                if parse_id(item_id) and parse_id(version):
                    self.versions[int(item_id)] = int(version)

    def clean(self):
        data = super().clean()
        if not self.versions:
            raise forms.ValidationError("Select at least one item.")
        if data.get("action") in {"hide", "delete"} and not data.get("reason", "").strip():
            self.add_error("reason", "Give the reason the authors will see.")
        return data


class LogFilterForm(forms.Form):
    moderator = forms.CharField(label="Moderator (username)", required=False, max_length=150)
    member = forms.CharField(label="Member (username)", required=False, max_length=150)
    action = forms.ChoiceField(label="Action", required=False,
                               choices=[("", "Any action"), *ModerationAction.Kind.choices])


class TrustOverrideForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Trust level", coerce=int, empty_value=None, required=False,
        choices=[("", "Computed from activity"),
                 *[(lvl.value, f"{lvl.value}: {lvl.label}") for lvl in TrustLevel]],
    )
    reason = forms.CharField(label="Why (kept in the log)", max_length=500)


class SuspendForm(forms.Form):
    days = forms.IntegerField(label="Days (empty: permanent)", required=False, min_value=1, max_value=3650)
    reason = forms.CharField(label="Reason shown to the member", max_length=500)


class WarnForm(forms.Form):
    reason = forms.CharField(label="Warning the member will read", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class LiftForm(forms.Form):
    reason = forms.CharField(label="Why lift it (kept in the log)", max_length=500)
