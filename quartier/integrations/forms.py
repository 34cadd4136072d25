from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.integrations.scopes import SCOPE_CHOICES
from quartier.integrations.webhooks import EVENT_TYPES


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Permissions"), choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Expires on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2030-12-31.")},
    )


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Address (https)"),
        max_length=500,
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events (none chosen: all)"),
        choices=[(event, event) for event in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class EndpointEditForm(EndpointForm):
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
