"""Forms of the month calendar and the calendar links: one-off extra hours, the booking
rules (notice and break), and the address of the helper's own calendar."""

from datetime import date, datetime

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartier.bookings.availability import marketplace_zone
from quartier.workspace.forms import DATE_INPUTS, _messages

TIME_INPUTS = ["%H:%M", "%H:%M:%S", "%H.%M"]


def _time_field(label, required_message) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=TIME_INPUTS,
        error_messages=_messages(required_message, _("Enter a time like 08:30.")),
        widget=forms.TimeInput(attrs={"type": "time", "autocomplete": "off"}, format="%H:%M"),
    )


class ExtraHoursForm(forms.Form):
    """Hours on one day on top of the weekly hours (a Saturday morning, say)."""

    day = forms.DateField(
        label=_("Day"),
        error_messages=_messages(
            _("Enter the day you can work extra."), _("Enter a date like 24.12.2026.")
        ),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
    )
    starts = _time_field(_("From"), _("Enter when you start."))
    ends = _time_field(_("Until"), _("Enter when you stop."))
    note = forms.CharField(
        label=_("Note for yourself (optional)"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Keep the note under 200 characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if day is not None and day < timezone.localdate(timezone=marketplace_zone()):
            self.add_error("day", _("Choose today or a later day."))
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends", _("The end must come after the start."))
        return cleaned

    def period(self) -> tuple[datetime, datetime]:
        zone = marketplace_zone()
        day: date = self.cleaned_data["day"]
        return (
            datetime.combine(day, self.cleaned_data["starts"], tzinfo=zone),
            datetime.combine(day, self.cleaned_data["ends"], tzinfo=zone),
        )


class CalendarUrlForm(forms.Form):
    """The address of the helper's own calendar, read so its appointments block slots."""

    url = forms.CharField(
        label=_("Address of your calendar (iCal)"),
        help_text=_(
            "Your calendar app calls it the private or secret address in iCal format; "
            "it ends in .ics more often than not."
        ),
        max_length=500,
        error_messages={
            "required": _("Paste the address of your calendar."),
            "max_length": _("This address is too long (at most 500 characters)."),
        },
        widget=forms.URLInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        # Calendar apps hand out subscriptions as webcal://, which is https underneath.
        if url.lower().startswith("webcal://"):
            url = "https://" + url[len("webcal://") :]
        try:
            URLValidator(schemes=["http", "https"])(url)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                _("Enter the full address, starting with https://.")
            ) from error
        return url
