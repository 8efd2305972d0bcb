from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from community.images import open_validated_image
from community.models import ProductCategory, ProductPage
from community.params import MAX_ID, IdChoiceField
from ideas.models import Status
from ideas.rules import staff_choices
from ideas.services.submission import MAX_IMAGES

IMAGE_TYPES = "image/jpeg,image/png,image/gif,image/webp"


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleImageInput

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data or []) if upload] if isinstance(data, list | tuple) else (
            [data] if data else []
        )
        return [super(MultipleImageField, self).clean(upload, initial) for upload in uploads]


class IdeaForm(forms.Form):
    title = forms.CharField(
        max_length=120, min_length=10,
        help_text="Say what you want in a few words, e.g. \u201cA travel lid for the Trail Flask\u201d.",
    )
    description = forms.CharField(
        max_length=10_000, min_length=30, widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What should it do, and why would it help? Markdown works: **bold**, lists, links.",
    )
    category = IdChoiceField(
        queryset=ProductCategory.objects.order_by("name"), required=False, empty_label="No category",
        label="Product category",
    )
    product = IdChoiceField(
        queryset=ProductPage.objects.live().order_by("title"), required=False, empty_label="No product",
        label="Product", help_text="Pick a product if the idea is about one (its category is then used).",
    )
    images = MultipleImageField(
        required=False, label="Images",
        widget=MultipleImageInput(attrs={"accept": IMAGE_TYPES}),
        help_text=f"Up to {MAX_IMAGES} images: JPEG, PNG, GIF or WebP, up to 5 MB each.",
    )

    def __init__(self, *args, kept_images: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_images = kept_images
        self.decoded_images = []
        self.fields["title"].widget.attrs.update({"autocomplete": "off"})

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not any(ch.isalpha() for ch in title):
            raise ValidationError("A title needs words.")
        return title

    def clean_images(self):
        uploads = self.cleaned_data.get("images") or []
        if len(uploads) + self.kept_images > MAX_IMAGES:
            raise ValidationError(f"An idea can have at most {MAX_IMAGES} images; you chose {len(uploads)}"
                                  + (f" and it already has {self.kept_images}." if self.kept_images else "."))
        decoded = []
        for upload in uploads:
            try:
                decoded.append(open_validated_image(upload, max_bytes=settings.HEARTH_IDEAS_IMAGE_MAX_BYTES))
            except ValidationError as error:
                raise ValidationError(f"{upload.name}: {error.messages[0]}") from None
        self.decoded_images = decoded
        return uploads


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown works. Mention members with @username.",
    )


class DecisionForm(forms.Form):
    to_status = forms.ChoiceField(label="New status")
    comment = forms.CharField(
        label="Public comment", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the idea and sent to its creator and supporters. Required except when approving.",
    )

    def __init__(self, *args, status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = staff_choices(status)


class MergeForm(forms.Form):
    original = forms.IntegerField(
        label="Original idea number", min_value=1, max_value=MAX_ID,
        help_text="The number shown as \u201cIdea #\u2026\u201d on the original idea's page.",
    )
    comment = forms.CharField(label="Public comment", required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class IdeaFilterForm(forms.Form):
    sort = forms.ChoiceField(required=False, label="Sort by")
    status = forms.ChoiceField(required=False, label="Status")
    category = forms.ChoiceField(required=False, label="Category")
    mine = forms.BooleanField(required=False, label="Only my ideas")

    def __init__(self, *args, sorts: dict, statuses: list, categories: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = list(sorts.items())
        self.fields["status"].choices = [("", "Any status")] + [(s.value, Status(s).label) for s in statuses]
        self.fields["category"].choices = [("", "Any category")] + categories
