from allauth.account.forms import SignupForm as BaseSignupForm
from django import forms

from privacy.models import Consent
from privacy.purposes import MARKETING_EMAIL, PURPOSES, get_purpose


class SignupForm(BaseSignupForm):
    """allauth's sign-up form with the optional, unticked marketing-email question. Ticking
    it records a consent (source: sign-up, the wording shown); leaving it records nothing."""

    marketing_email = forms.BooleanField(required=False, initial=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marketing_email"].label = get_purpose(MARKETING_EMAIL).wording
        self.fields["marketing_email"].help_text = "Optional."

    def save(self, request):
        from privacy.services.consents import record_consent

        user = super().save(request)
        if user is not None and self.cleaned_data.get("marketing_email"):
            record_consent(user=user, purpose=MARKETING_EMAIL, granted=True,
                           source=Consent.Source.SIGNUP)
        return user


class ConsentForm(forms.Form):
    """One toggle on the privacy page: give or withdraw one consent."""

    purpose = forms.ChoiceField(choices=[(key, p.label) for key, p in PURPOSES.items()],
                                error_messages={"invalid_choice": "There is no such consent."})
    granted = forms.TypedChoiceField(choices=[("1", "Give"), ("0", "Withdraw")],
                                     coerce=lambda value: value == "1",
                                     error_messages={"invalid_choice": "Choose to give or withdraw."})
