from django import forms


class DecisionForm(forms.Form):
    """A staff decision on a held referral: approve (both rewarded) or reject, with a note."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")],
                                 error_messages={"required": "Choose approve or reject.",
                                                 "invalid_choice": "Choose approve or reject."})
    note = forms.CharField(label="Note (kept in the audit log)", max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "Add a note saying why."})
