from django import forms

from insights.selectors import DEFAULT_PERIOD, PERIODS


class PeriodForm(forms.Form):
    """The period a manager looks at: 7, 30 or 90 days up to today (30 when not given)."""

    days = forms.TypedChoiceField(
        label="Period", coerce=int, required=False, empty_value=DEFAULT_PERIOD,
        choices=[(days, f"Last {days} days") for days in PERIODS],
        error_messages={"invalid_choice": "Choose a period of "
                        + ", ".join(str(days) for days in PERIODS[:-1]) + f" or {PERIODS[-1]} days."})

    @classmethod
    def from_query(cls, params) -> "PeriodForm":
        """The form bound to the query string, with the default period when none is given
        (so the menu shows it chosen)."""
        return cls({"days": params.get("days") or str(DEFAULT_PERIOD)})

    def period(self) -> int:
        return self.cleaned_data["days"] if self.is_valid() else DEFAULT_PERIOD
