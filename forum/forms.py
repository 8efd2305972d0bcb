"""Forms for forum writes. They parse and validate input (with the same rules the services
enforce) so that a refused submission comes back with clear messages and the text intact."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from community.models import ProductPage
from community.params import MAX_ID, IdChoiceField
from forum import rules
from forum.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH

BODY_HELP = (
    "Markdown: **bold**, _italic_, `code`, ``` for code blocks, - lists, [links](https://…), "
    "@name to mention."
)


def _body_field(label: str = "Your post") -> forms.CharField:
    # max_length is checked by clean_body with a friendlier message; the widget attribute
    # is left off so the browser never silently truncates pasted text.
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 8, "data-mentions": "true"}),
    )


def _product_field() -> IdChoiceField:
    return IdChoiceField(
        queryset=ProductPage.objects.none(), required=False,
        empty_label="Not about a product", label="About a product (optional)",
        error_messages={"invalid_choice": rules.PRODUCT_UNAVAILABLE},
        help_text="A question about a product is listed on its page, and members who bought "
                  "it are asked to help.",
    )


def _offer_products(form: forms.Form) -> None:
    # Built per form: which pages are private is read when the queryset is made.
    form.fields["product"].queryset = rules.askable_products().order_by("title")


class TokenMixin(forms.Form):
    # A fresh uuid per rendered form: resubmitting the same form creates nothing new.
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class TopicForm(TokenMixin):
    title = forms.CharField(label="Title", required=False, max_length=TITLE_MAX_LENGTH * 2,
                            help_text=f"{rules.TITLE_MIN_LENGTH} to {TITLE_MAX_LENGTH} characters.")
    body = _body_field("What would you like to discuss?")
    product = _product_field()
    field_order = ["title", "body", "product", "token"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_products(self)

    def clean_title(self):
        return rules.clean_title(self.cleaned_data.get("title", ""))

    def clean_body(self):
        return rules.clean_body(self.cleaned_data.get("body", ""))


class ReplyForm(TokenMixin):
    body = _body_field("Your reply")
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID)

    def clean_body(self):
        return rules.clean_body(self.cleaned_data.get("body", ""))


class EditPostForm(forms.Form):
    title = forms.CharField(label="Title", required=False, max_length=TITLE_MAX_LENGTH * 2)
    body = _body_field("Text")
    product = _product_field()

    def __init__(self, *args, first_post: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_post = first_post
        if first_post:
            _offer_products(self)
        else:
            del self.fields["title"]
            del self.fields["product"]

    def clean_title(self):
        return rules.clean_title(self.cleaned_data.get("title", ""))

    def clean_body(self):
        return rules.clean_body(self.cleaned_data.get("body", ""))


def apply_service_error(form: forms.Form, error: ValidationError, field: str | None = "body") -> None:
    """Show a refusal from a service on the form (the typed text stays in the form)."""
    if error.code == "product" and "product" in form.fields:
        field = "product"
    form.add_error(None if error.code == "locked" else field, error)


__all__ = ["BODY_MAX_LENGTH", "EditPostForm", "ReplyForm", "TopicForm", "apply_service_error"]
