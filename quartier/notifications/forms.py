"""The quiet-hours form of the preferences page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class QuietHoursForm(forms.Form):
    start = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 22:00.")},
    )
    end = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 07:00.")},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if (start is None) != (end is None):
            missing = "end" if end is None else "start"
            self.add_error(missing, _("Give both times, or leave both empty."))
        elif start is not None and start == end:
            self.add_error("end", _("The quiet hours must end at another time than they start."))
        return data
