from django import forms

from api.models import SCOPES

EXPIRY_CHOICES = [("", "Never"), ("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year")]


class TokenForm(forms.Form):
    """A new personal token: a name, its scopes, and when it stops working."""

    name = forms.CharField(max_length=80, help_text="What it is for, e.g. “my reading app”.")
    scopes = forms.MultipleChoiceField(
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=["read"],
        error_messages={"required": "Choose at least one scope."},
    )
    expires_in = forms.ChoiceField(choices=EXPIRY_CHOICES, required=False, label="Expires")

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            self.fields["scopes"].choices = [(k, v) for k, v in SCOPES.items() if k != "staff"]
