"""The living style guide: every storefront component with sample data, in the current
tenant's theme (visit it on each tenant's host to see each brand).

Development only: it answers 404 unless DEBUG or the STYLE_GUIDE setting is on. The
samples are made up here; the only rows read are the tenant's own badges (so their
colour and icon show as the tenant set them).
"""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.bookings.availability import marketplace_zone
from quartier.bookings.book_views import day_format
from quartier.bookings.forms import SlotForm
from quartier.bookings.models import BookingStatus
from quartier.trust.selectors import badge_chips, badges


class SampleAddressForm(forms.Form):
    """A form with its errors showing: label above, hint, the error in words."""

    street = forms.CharField(
        label=gettext_lazy("Street and number"),
        error_messages={
            "required": gettext_lazy("Enter the street and number, e.g. Langstrasse 12.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.RegexField(
        label=gettext_lazy("Postal code"),
        regex=r"^\d{4}$",
        error_messages={"invalid": gettext_lazy("Enter a Swiss postal code, e.g. 8004.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )


def _sample_card(chips: list[dict]) -> dict:
    return {
        "id": 1,
        "title": _("WLAN setup at home"),
        "photo_url": None,
        "avatar_url": None,
        "initials": "LK",
        "category": {"name": _("Home network")},
        "provider": {
            "id": 1,
            "display_name": "Lea Keller",
            "rating": {"score": 4.8, "count": 23},
            "completed_jobs": 12,
        },
        "chips": chips,
        "price": {"amount_minor": 8500, "currency": "CHF"},
        "price_unit": "hour",
        "distance_km": 2.4,
        "is_remote": False,
        "next_slot": _("today 18:00"),
    }


def _sample_days() -> tuple[list, object, SlotForm]:
    zone = marketplace_zone()
    today = timezone.localdate(timezone=zone)
    days = [
        SimpleNamespace(date=today + timedelta(days=n), free=0 if n % 4 == 3 else 3)
        for n in range(28)
    ]
    chosen = days[1].date
    slots = [
        SimpleNamespace(starts_at=datetime.combine(chosen, time(hour), tzinfo=zone))
        for hour in (9, 11, 14, 16, 18)
    ]
    form = SlotForm(prefix="slot", slots=slots, needs_address=False)
    return days, chosen, form


def style_guide(request):
    if not (settings.DEBUG or settings.STYLE_GUIDE):
        raise Http404
    # Local import: storefront.views imports this module's neighbours, not the reverse.
    from quartier.storefront.views import _chip

    slugs = [badge.slug for badge in badges()]
    chips = [_chip(chip) for chip in badge_chips(slugs_by_provider={0: slugs}).get(0, [])]
    days, day, slot_form = _sample_days()
    form = SampleAddressForm({"street": "", "postal_code": "80"}, label_suffix="")
    form.is_valid()
    context = {
        "result": _sample_card(chips),
        "chips": chips,
        "days": days,
        "day": day,
        "day_format": day_format(),
        "duration": 60,
        "form": slot_form,
        "sample_form": form,
        "statuses": BookingStatus.choices,
        "sample_messages": [
            Message(constants.SUCCESS, _("Your request was sent to the helper.")),
            Message(constants.ERROR, _("Enter a Swiss postal code, e.g. 8004.")),
        ],
        "rating_rated": {"score": 4.8, "count": 23},
        "rating_new": {"score": None, "count": 1},
        "price": {"amount_minor": 8500, "currency": "CHF"},
    }
    return render(request, "storefront/style_guide.html", context)
