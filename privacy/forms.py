from allauth.account.forms import SignupForm as BaseSignupForm
from allauth.socialaccount.forms import SignupForm as BaseSocialSignupForm
from django import forms

from privacy.models import Consent
from privacy.purposes import MARKETING_EMAIL, PURPOSES, get_purpose


class MarketingQuestionMixin(forms.Form):
    """The optional, unticked marketing-email question of both sign-up forms. Ticking it
    records a consent (source: sign-up, the wording shown); leaving it records nothing."""

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


class SignupForm(MarketingQuestionMixin, BaseSignupForm):
    """allauth's sign-up form with the marketing-email question."""


class SocialSignupForm(MarketingQuestionMixin, BaseSocialSignupForm):
    """allauth's form for a new member coming from a sign-in provider (docs/sso.md), with the
    same question, unticked: signing in with a provider never implies consent."""


class ConsentForm(forms.Form):
    """One toggle on the privacy page: give or withdraw one consent."""

    purpose = forms.ChoiceField(choices=[(key, p.label) for key, p in PURPOSES.items()],
                                error_messages={"invalid_choice": "There is no such consent."})
    granted = forms.TypedChoiceField(choices=[("1", "Give"), ("0", "Withdraw")],
                                     coerce=lambda value: value == "1",
                                     error_messages={"invalid_choice": "Choose to give or withdraw."})


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label="Your password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    delete_content = forms.BooleanField(
        required=False, label="Also delete my forum posts, idea comments and reviews",
        help_text="Otherwise they stay, shown as written by “Former member”.")


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand this cannot be undone: the name, email, profile and sessions go "
              "at once.",
        error_messages={"required": "Tick the box to confirm."})
    delete_content = forms.BooleanField(
        required=False, label="Also delete their forum posts, idea comments and reviews")
    reason = forms.CharField(label="Reason (for the audit log)", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
