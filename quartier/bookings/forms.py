"""Forms of the booking pages; each hands clean values to one service."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quartier.bookings.availability import marketplace_zone
from quartier.bookings.services.lifecycle import PAGE_ACTIONS
from quartier.bookings.services.requests import MAX_WINDOWS

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A <input type="datetime-local"> read as wall-clock time in the marketplace's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)
    input_formats = [LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S"]

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        zone: ZoneInfo = marketplace_zone()
        return parsed.replace(tzinfo=None).replace(tzinfo=zone)


NEW_ADDRESS = "new"


def _hours(minutes: int) -> str:
    hours = minutes // 60
    return ngettext("%(hours)s hour", "%(hours)s hours", hours) % {"hours": hours}


class SlotForm(forms.Form):
    """Step 1 of booking a free slot: the time, how long, where, and a note."""

    starts_at = forms.ChoiceField(
        label=_("Time"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a time."),
            "invalid_choice": _("That time is no longer free. Choose another one."),
        },
    )
    duration = forms.TypedChoiceField(
        label=_("How long"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose a duration from the list.")},
    )
    address = forms.ChoiceField(
        label=_("Where"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose one of your addresses.")},
    )
    street = forms.CharField(
        label=_("Street and number"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"max_length": _("Use at most 120 characters.")},
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 6}
        ),
    )
    city = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={"max_length": _("Use at most 80 characters.")},
    )
    save_address = forms.BooleanField(
        label=_("Save this address for my next booking"), required=False
    )
    note = forms.CharField(
        label=_("What needs doing? (optional)"),
        help_text=_("For example: the router blinks red since yesterday."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Use at most 2000 characters.")},
    )

    def __init__(
        self, *args, slots=(), durations=(60,), saved_addresses=(), needs_address=True, **kwargs
    ):
        kwargs.setdefault("label_suffix", "")  # labels stand above their fields: no colon
        super().__init__(*args, **kwargs)
        zone = marketplace_zone()
        self.needs_address = needs_address
        self.fields["starts_at"].choices = [
            (slot.starts_at.isoformat(), time_format(slot.starts_at.astimezone(zone), "H:i"))
            for slot in slots
        ]
        self.fields["duration"].choices = [(minutes, _hours(minutes)) for minutes in durations]
        self.saved = {str(address.pk): address for address in saved_addresses}
        self.fields["address"].choices = [
            *((pk, str(address)) for pk, address in self.saved.items()),
            (NEW_ADDRESS, _("A new address")),
        ]
        if not needs_address:
            for name in ("address", "street", "postal_code", "city", "save_address"):
                del self.fields[name]

    def clean_starts_at(self) -> datetime:
        return datetime.fromisoformat(self.cleaned_data["starts_at"])

    def clean(self):
        cleaned = super().clean()
        if not self.needs_address:
            return cleaned
        chosen = cleaned.get("address") or NEW_ADDRESS
        if chosen != NEW_ADDRESS and chosen in self.saved:
            saved = self.saved[chosen]
            cleaned.update(street=saved.street, postal_code=saved.postal_code, city=saved.city)
            cleaned["save_address"] = False
            return cleaned
        if not cleaned.get("street", "").strip() and "street" not in self.errors:
            self.add_error("street", _("Enter the street and number, e.g. Langstrasse 12."))
        if not cleaned.get("postal_code", "").strip() and "postal_code" not in self.errors:
            self.add_error("postal_code", _("Enter a Swiss postal code, e.g. 8004."))
        return cleaned


class WindowsForm(forms.Form):
    """Up to three windows; the first is required."""

    note = forms.CharField(
        label=_("Note for your helper (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_WINDOWS + 1):
            required = number == 1
            self.fields[f"window_{number}_start"] = LocalDateTimeField(
                label=_("Window %(number)s: from") % {"number": number}, required=required
            )
            self.fields[f"window_{number}_end"] = LocalDateTimeField(
                label=_("Window %(number)s: until") % {"number": number}, required=required
            )
        self.order_fields([*(name for name in self.fields if name != "note"), "note"])

    def clean(self):
        cleaned = super().clean()
        windows = []
        for number in range(1, MAX_WINDOWS + 1):
            start = cleaned.get(f"window_{number}_start")
            end = cleaned.get(f"window_{number}_end")
            if start is None and end is None:
                continue
            if start is None or end is None:
                self.add_error(
                    f"window_{number}_end" if start else f"window_{number}_start",
                    _("Give both a start and an end."),
                )
                continue
            windows.append({"start": start, "end": end})
        cleaned["windows"] = windows
        return cleaned

    def window_rows(self):
        """(start field, end field) per window, for the template."""
        return [
            (self[f"window_{number}_start"], self[f"window_{number}_end"])
            for number in range(1, MAX_WINDOWS + 1)
        ]


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in PAGE_ACTIONS])
    starts_at = LocalDateTimeField(label=_("Start time"), required=False)
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)
    next = forms.CharField(required=False, max_length=200)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Stars"),
        coerce=int,
        choices=[(number, str(number)) for number in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your review"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(forms.Form):
    """The customer's "Report a problem" on their booking."""

    category = forms.ChoiceField(
        label=_("What went wrong?"),
        error_messages={
            "required": _("Choose what went wrong."),
            "invalid_choice": _("Choose what went wrong."),
        },
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Describe what happened."),
            "max_length": _("Use at most 2000 characters."),
        },
    )

    def __init__(self, *args, **kwargs):
        from quartier.bookings.models import Dispute

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose…")), *Dispute.Category.choices]


class UrgentForm(forms.Form):
    """Urgent help: the request goes to every vetted helper nearby at once."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=None,
        empty_label=_("Choose a category…"),
        error_messages={
            "required": _("Choose a category."),
            "invalid_choice": _("Choose a category from the list."),
        },
    )
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^[1-9][0-9]{3}$",
        error_messages={
            "required": _("Enter a Swiss postal code of four digits, e.g. 8004."),
            "invalid": _("Enter a Swiss postal code of four digits, e.g. 8004."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    starts_at = LocalDateTimeField(
        label=_("When should the helper come?"),
        error_messages={
            "required": _("Choose a time in the future."),
            "invalid": _("Choose a time in the future."),
        },
    )
    note = forms.CharField(
        label=_("Note for your helper (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
