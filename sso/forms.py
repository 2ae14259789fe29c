from django import forms

from sso.models import OnboardingStatus


class OnboardingStatusForm(forms.Form):
    status = forms.ChoiceField(choices=OnboardingStatus.choices)
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Why (optional)"}),
    )
