from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
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


class HandoffForm(forms.Form):
    starts_at = forms.TypedChoiceField(label=_("When"), widget=forms.RadioSelect)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^[0-9]{4}$",
        error_messages={"invalid": _("Enter a 4-digit Swiss postal code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    note = forms.CharField(
        label=_("What do you need help with?"), max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args, times, **kwargs):
        super().__init__(*args, **kwargs)
        self._times = {moment.isoformat(): moment for moment in times}
        self.fields["starts_at"].choices = [
            (value, date_format(localtime(moment), "DATETIME_FORMAT"))
            for value, moment in self._times.items()
        ]
        self.fields["starts_at"].coerce = self._times.get
