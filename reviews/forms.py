from django import forms

from community.params import IdChoiceField
from reviews.models import FollowUp

RATING_CHOICES = [(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(label="Rating", choices=RATING_CHOICES, coerce=int,
                                    widget=forms.RadioSelect, error_messages={
                                        "required": "Choose a rating from 1 to 5 stars."})
    title = forms.CharField(label="Title", max_length=120)
    body = forms.CharField(label="Your review", max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text="What did you like or dislike? How long have you used it?")


class BrandReplyForm(forms.Form):
    body = forms.CharField(label="Public reply", max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
    confirm = forms.BooleanField(label="Publish anyway: I have re-read this reply", required=False)


class HideReviewForm(forms.Form):
    reason = forms.CharField(label="Guideline broken", max_length=300)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=FollowUp.Status.choices)
    assignee = IdChoiceField(label="Assignee", queryset=None, required=False,
                                      empty_label="Unassigned")
    note = forms.CharField(label="Internal note (never shown publicly)", required=False, max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = workers
