from django import forms

POINTS_LIMIT = 1_000_000


class AdjustPointsForm(forms.Form):
    username = forms.CharField(max_length=150, label="Member's username")
    points = forms.IntegerField(
        min_value=-POINTS_LIMIT, max_value=POINTS_LIMIT,
        help_text="Positive to grant, negative to deduct (at most what they have left to spend).",
    )
    reason = forms.CharField(max_length=200, help_text="The member reads this in their points "
                             "history and in a notification.")

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError("Enter a number of points other than zero.")
        return points
