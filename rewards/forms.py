"""Forms of the rewards pages. Each keeps what the member typed when it is refused."""

from django import forms

from rewards.models import Reward


class PointsForm(forms.Form):
    """How many points to spend on a discount the member chooses (a range and a number
    input show the same value; the server checks the steps and bounds)."""

    points = forms.IntegerField(label="Points to spend", min_value=1, max_value=10_000_000)

    def __init__(self, *args, reward: Reward, spendable: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        step = reward.cost or 1
        lowest = reward.min_steps * step
        highest = reward.max_steps * step if reward.max_steps is not None else None
        # The slider stops at what the member can afford (the server checks the balance).
        affordable = spendable // step * step if spendable is not None else None
        if affordable is not None and affordable >= lowest:
            highest = min(highest, affordable) if highest is not None else affordable
        self.lowest, self.step = lowest, step
        self.reward_max = reward.max_steps * step if reward.max_steps is not None else None
        self.highest = highest if highest is not None else lowest
        self.fields["points"].widget.attrs.update(
            {"min": lowest, "max": highest, "step": step, "data-points-input": ""})

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points % self.step:
            raise forms.ValidationError(f"Choose a number of points in steps of {self.step:,}.")
        if points < self.lowest:
            raise forms.ValidationError(f"Spend at least {self.lowest:,} points.")
        if self.reward_max is not None and points > self.reward_max:
            raise forms.ValidationError(f"Spend at most {self.reward_max:,} points.")
        return points


class AddressForm(forms.Form):
    ship_name = forms.CharField(label="Name", max_length=120)
    ship_address = forms.CharField(label="Address", max_length=500,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    ship_postcode = forms.CharField(label="Postcode", max_length=20, required=False)
    ship_city = forms.CharField(label="Town or city", max_length=80)
    ship_country = forms.CharField(label="Country", max_length=80)


class ShipForm(forms.Form):
    tracking_note = forms.CharField(label="Tracking note", max_length=300,
                                    help_text="Carrier and tracking number; the member reads it.")


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why it is cancelled", max_length=300,
                             help_text="The member reads it; their points come back.")


class ImportCodesForm(forms.Form):
    file = forms.FileField(label="CSV file of codes",
                           help_text="One code per row, in the first column (a header “code” is skipped).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2_000_000:
            raise forms.ValidationError("The file is larger than 2 MB: split it.")
        return upload


class GenerateCodesForm(forms.Form):
    count = forms.IntegerField(label="How many codes", min_value=1, max_value=10_000)
