from allauth.account.forms import LoginForm as BaseLoginForm
from allauth.account.forms import ResetPasswordForm as BaseResetPasswordForm
from allauth.core import context, ratelimit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from community.images import open_validated_image
from community.models import User
from community.models.accounts import DigestFrequency
from community.notification_kinds import MARKETING, choosable_kinds, frequency_kind


class ProfileForm(forms.ModelForm):
    avatar = forms.FileField(
        required=False,
        help_text="JPEG, PNG, GIF or WebP, up to 2 MB. It is cropped to a square.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    class Meta:
        model = User
        fields = ["display_name", "bio"]
        help_texts = {
            "display_name": "Shown next to everything you post. Leave empty to use your username.",
            "bio": "A few words about yourself (up to 1,000 characters).",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    BIO_LIMIT = 1000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bio = self.fields["bio"]
        # No maxlength attribute: the browser would silently cut a longer paste. The page
        # counts as the member types (hearth.js) and clean_bio says by how much it is over.
        bio.widget.attrs.pop("maxlength", None)
        bio.widget.attrs["data-max-chars"] = str(self.BIO_LIMIT)
        bio.max_length = None
        bio.validators = [v for v in bio.validators if not hasattr(v, "limit_value")]

    def clean_bio(self):
        bio = self.cleaned_data.get("bio", "")
        if len(bio) > self.BIO_LIMIT:
            raise ValidationError(
                f"Your bio is {len(bio):,} characters long; the limit is {self.BIO_LIMIT:,}. "
                f"Shorten it by {len(bio) - self.BIO_LIMIT:,} characters and save again.",
                code="max_length",
            )
        return bio

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            self.avatar_image = None
            return upload
        self.avatar_image = open_validated_image(
            upload, max_bytes=settings.HEARTH_AVATAR_MAX_BYTES,
            max_pixels=settings.HEARTH_AVATAR_MAX_PIXELS,
        )
        return upload

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if name and not any(ch.isalnum() for ch in name):
            raise ValidationError("A display name needs at least one letter or digit.")
        return name


DIGEST_FIELD = "digest_frequency"


class NotificationPreferencesForm(forms.Form):
    """One checkbox per registered notification kind: email me about this."""

    def __init__(self, *args, current: dict[str, bool], digest_frequency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for kind in choosable_kinds():
            self.fields[kind.key] = forms.BooleanField(
                label=kind.label, required=False, initial=current.get(kind.key, kind.email_by_default),
                help_text=("Marketing: sent only while you agree to marketing email "
                           "(privacy settings)." if kind.basis == MARKETING else ""),
            )
        digest = frequency_kind()
        if digest is not None:
            self.fields[DIGEST_FIELD] = forms.ChoiceField(
                label=f"{digest.label}: how often", choices=DigestFrequency.choices,
                initial=digest_frequency, required=False,  # left out of a post: unchanged
                help_text="A summary of what happened while you were away (replies to your "
                          "topics, mentions, ideas you support, your points), sent only if you "
                          "have not visited in that time"
                          + (", and only while you agree to marketing email (privacy settings)."
                             if digest.basis == MARKETING else "."),
            )

    def email_kinds(self) -> dict[str, bool]:
        return {key: value for key, value in self.cleaned_data.items() if key != DIGEST_FIELD}


class LoginForm(BaseLoginForm):
    """allauth's login form with a label that says what can be typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        self.fields["login"].widget.attrs["placeholder"] = ""
        self.fields["password"].widget.attrs["placeholder"] = ""


class PasswordResetForm(BaseResetPasswordForm):
    """allauth's password-reset form, which says so on the form when the reset-mail limits
    (ACCOUNT_RATE_LIMITS["reset_password"]: per client address and per recipient) are reached,
    instead of a bare "too many requests" page. allauth itself takes the slot when the mail
    is sent."""

    LIMITED = (
        "Too many password-reset emails were asked for recently, from your network or for this "
        "email address, so none was sent. Check that inbox (and its spam folder) for the one "
        "already sent, or try again in an hour."
    )

    def clean_email(self):
        email = super().clean_email()
        if not ratelimit.consume(context.request, action="reset_password", key=email.lower(), dry_run=True):
            raise ValidationError(self.LIMITED, code="rate_limited")
        return email
