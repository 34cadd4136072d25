"""Booking a listing, in steps that each have a URL (back always works):

    1. /listings/<id>/book/           the day (a strip of four weeks), a free time of
                                      that day, how long, where, and a note
    2. /listings/<id>/book/summary/   the price breakdown, payment and cancellation
                                      terms; "Send request" is the only write
    3. /bookings/<id>/confirmed/      what happens next (or billing's card step first)

Step 1 keeps its answers in the session until step 2 sends them, so "change" links
lead back to a filled form. Plain links and forms; static/bookings/booking.js only
swaps the time chips in place when a day or a duration is chosen.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from quartier.bookings import flow, selectors
from quartier.bookings.availability import Slot, free_slots, marketplace_zone, next_free_slots
from quartier.bookings.forms import SlotForm, WindowsForm
from quartier.bookings.pricing import booking_price, default_duration, duration_choices, is_hourly
from quartier.bookings.services import requests
from quartier.catalog.selectors.catalog import listing_get_visible
from quartier.geo.selectors import postal_code_places, postal_code_point
from quartier.marketplace import eligibility
from quartier.marketplace.selectors import marketplace_settings
from quartier.marketplace.views import refusal_page
from quartier.platform.errors import ApplicationError
from quartier.platform.forms import add_application_error, form_apply
from quartier.platform.params import integer_or_none

STRIP_DAYS = 28
DRAFT_KEY = "booking-draft:{pk}"
# "Do, 10. Dez. 18:00" in German; the other languages put no point after the day.
DEADLINE_FORMATS = {"de": "D, j. M H:i"}
DEADLINE_FORMAT = "D j M, H:i"
# "Sonntag, 6. Dezember" in German, "dimanche 6 décembre", "domenica 6 dicembre".
DAY_FORMATS = {"de": "l, j. F", "en": "l, j F"}
DAY_FORMAT = "l j F"


def day_format() -> str:
    return DAY_FORMATS.get((get_language() or "en")[:2], DAY_FORMAT)


@dataclass(frozen=True)
class Day:
    date: date
    free: int  # how many start times are free that day


def _duration_from(listing, value) -> int:
    minutes = integer_or_none(value) if value else None
    return minutes if minutes in duration_choices(listing) else default_duration(listing)


def _strip(listing, duration: int) -> tuple[list[Day], dict[date, list[Slot]]]:
    """Four weeks of days from today, and the free start times of each."""
    zone = marketplace_zone()
    today = timezone.localtime(timezone.now(), zone).date()
    start = datetime.combine(today, datetime.min.time(), tzinfo=zone)
    slots = free_slots(
        provider=listing.provider,
        duration_minutes=duration,
        start=max(start, timezone.now()),
        end=start + timedelta(days=STRIP_DAYS),
    )
    by_day: OrderedDict[date, list[Slot]] = OrderedDict()
    for slot in slots:
        by_day.setdefault(slot.starts_at.astimezone(zone).date(), []).append(slot)
    days = [Day(today + timedelta(days=n), 0) for n in range(STRIP_DAYS)]
    return [Day(day.date, len(by_day.get(day.date, []))) for day in days], by_day


def _free_durations(listing) -> set[int]:
    """The durations with at least one free start in the strip's four weeks: longer
    jobs than the provider's longest free stretch are not offered."""
    if not is_hourly(listing):
        return set(duration_choices(listing))
    found = next_free_slots(
        wanted=[(listing.provider, minutes) for minutes in duration_choices(listing)],
        days=STRIP_DAYS,
    )
    return {minutes for (_provider, minutes), slot in found.items() if slot is not None}


def _chosen_day(value: str, days: list[Day]) -> tuple[date | None, str]:
    """The day asked for (or the first with free times), and an error for a bad one."""
    first_free = next((day.date for day in days if day.free), None)
    if not value:
        return first_free, ""
    try:
        wanted = date.fromisoformat(value)
    except ValueError:
        return first_free, _("Choose a day from the calendar.")
    if not days[0].date <= wanted <= days[-1].date:
        return first_free, _("Choose a day in the next four weeks.")
    return wanted, ""


def _day_of(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ""
    if timezone.is_naive(moment):
        return ""
    return moment.astimezone(marketplace_zone()).date().isoformat()


def _draft(request, listing) -> dict:
    return request.session.get(DRAFT_KEY.format(pk=listing.pk)) or {}


def _wanted_day(request, data, draft: dict, days: list[Day]) -> str:
    """The day asked for: the form's, the link's, or the draft's while still ahead."""
    if data is not None:
        return data.get("day") or _day_of(data.get("slot-starts_at", ""))
    if request.GET.get("day"):
        return request.GET["day"]
    remembered = _day_of(draft.get("starts_at", ""))
    first, last = days[0].date.isoformat(), days[-1].date.isoformat()
    return remembered if remembered and first <= remembered <= last else ""


def _step_one(request, listing, *, data=None):
    draft = _draft(request, listing) if data is None else {}
    duration = _duration_from(
        listing,
        (data or {}).get("slot-duration") or request.GET.get("duration") or draft.get("duration"),
    )
    days, by_day = _strip(listing, duration)
    wanted = _wanted_day(request, data, draft, days)
    day, day_error = _chosen_day(wanted, days)
    slots = by_day.get(day, []) if day else []
    form = SlotForm(
        data,
        prefix="slot",
        slots=slots,
        durations=duration_choices(listing),
        saved_addresses=list(selectors.saved_addresses_of(request.user)),
        needs_address=not listing.is_remote,
        initial=_initial(draft, duration),
    )
    _checked_when_left(form, request.path)
    context = {
        "listing": listing,
        "free_durations": _free_durations(listing),
        "day_format": day_format(),
        "days": days,
        "day": day,
        "day_error": day_error,
        "duration": duration,
        "hourly": is_hourly(listing),
        "unit_price": booking_price(listing, 60) if is_hourly(listing) else None,
        "form": form,
        "windows_form": WindowsForm(prefix="windows"),
        "step": 1,
    }
    if request.GET.get("fragment") == "chips":
        # htmx also swaps the strip (out of band), so the chosen day shows as chosen.
        context["strip_out_of_band"] = bool(request.htmx)
        return render(
            request, "bookings/_slot_chips.html", context, status=400 if day_error else 200
        )
    return form, context, (400 if day_error else 200)


def _initial(draft: dict, duration: int) -> dict:
    initial = {"duration": duration}
    for name in ("starts_at", "street", "postal_code", "city", "note", "address", "save_address"):
        if draft.get(name) not in (None, ""):
            initial[name] = draft[name]
    return initial


@login_required
def booking_new(request, pk):
    """Step 1: when, how long, where, what. Also the "propose times" form."""
    listing = listing_get_visible(listing_id=pk, viewer=request.user)
    refusal = eligibility.check(request.user, eligibility.BOOK)
    if refusal is not None:
        # Say at once why, and what to do (the services refuse the booking anyway).
        return refusal_page(request, refusal)
    mode = request.POST.get("mode") if request.method == "POST" else None
    if mode == "windows":
        return _windows(request, listing)
    if request.method == "GET" and request.GET.get("fragment") == "address":
        return _address_check(request, listing)
    answer = _step_one(request, listing, data=request.POST if mode == "slot" else None)
    if not isinstance(answer, tuple):
        return answer  # the chips fragment
    form, context, status = answer
    if mode == "slot":
        try:
            requests.check_bookable(listing, request.user)
        except ApplicationError as error:
            form.is_valid()
            add_application_error(form, error)
            return render(request, "bookings/booking_new.html", context, status=error.status)
        if form.is_valid() and _address_ok(form, listing):
            request.session[DRAFT_KEY.format(pk=listing.pk)] = _draft_of(form.cleaned_data)
            return redirect("bookings:book-summary", pk=listing.pk)
        status = 400
    return render(request, "bookings/booking_new.html", context, status=status)


ADDRESS_FIELDS = ("street", "postal_code", "city")


def _checked_when_left(form: SlotForm, path: str) -> None:
    """With htmx, each new-address field is checked as the customer leaves it: only that
    field is swapped, never the one they are typing in."""
    for name in ADDRESS_FIELDS:
        if name in form.fields:
            form.fields[name].widget.attrs.update(
                {
                    "hx-get": f"{path}?fragment=address",
                    "hx-trigger": "change",
                    "hx-target": "closest .field",
                    "hx-swap": "outerHTML",
                    "hx-sync": "this:replace",
                }
            )


def _address_check(request, listing):
    """One new-address field again, with its error, or the place of a known postal code
    (the fragment "address" of step 1; the submit still checks everything)."""
    if listing.is_remote:
        raise Http404
    name = (request.headers.get("HX-Trigger-Name") or "").removeprefix("slot-")
    if name not in ADDRESS_FIELDS:
        name = "postal_code"
    form = SlotForm(request.GET, prefix="slot")
    form.full_clean()
    value = request.GET.get(f"slot-{name}", "").strip()
    message, hint = None, ""
    if value and name in form.errors:
        message = form.errors[name][0]
    elif value and name == "postal_code":
        try:
            postal_code_point(value)
        except ApplicationError as error:
            message = error.message
        else:
            hint = ", ".join(postal_code_places(value))
    form._errors = ErrorDict({name: form.error_class([message])} if message else {})
    _checked_when_left(form, request.path)
    return render(request, "storefront/_field.html", {"field": form[name], "field_hint": hint})


def _address_ok(form: SlotForm, listing) -> bool:
    """The address passes the same checks as the request (a known postal code)."""
    try:
        requests.address_clean(_address(form.cleaned_data)) if form.needs_address else None
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    return True


def _address(data: dict) -> requests.Address:
    return requests.Address(
        street=data.get("street", ""),
        postal_code=data.get("postal_code", ""),
        city=data.get("city", ""),
    )


def _draft_of(data: dict) -> dict:
    draft = {
        "starts_at": data["starts_at"].isoformat(),
        "duration": data["duration"],
        "note": requests.note_clean(data.get("note", "")),
    }
    if "street" in data:
        address, _point = requests.address_clean(_address(data))
        draft.update(
            street=address.street,
            postal_code=address.postal_code,
            city=address.city,
            address=data.get("address") or "new",
            save_address=bool(data.get("save_address")),
        )
    return draft


def _windows(request, listing):
    windows_form = WindowsForm(request.POST, prefix="windows")
    created = []
    status = form_apply(
        windows_form,
        lambda data: created.append(
            requests.booking_request(
                listing=listing, customer=request.user, windows=data["windows"], note=data["note"]
            )
        ),
    )
    if status == 200:
        messages.success(request, _("Your request was sent to the helper."))
        return redirect(
            flow.after_request_url(created[0]) or reverse("bookings:detail", args=[created[0].pk])
        )
    form, context, _status = _step_one(request, listing)
    context["windows_form"] = windows_form
    context["windows_open"] = True
    return render(request, "bookings/booking_new.html", context, status=status)


def cancellation_terms(quote: flow.Quote, starts_at: datetime) -> str:
    """The tenant's cancellation rule for this start, in plain words."""
    if quote.free_cancellation_hours is None:
        return _("You can cancel free of charge until the helper has accepted.")
    deadline = timezone.localtime(
        starts_at - timedelta(hours=quote.free_cancellation_hours), marketplace_zone()
    )
    language = (get_language() or "en")[:2]
    when = date_format(deadline, DEADLINE_FORMATS.get(language, DEADLINE_FORMAT))
    share = quote.late_cancellation_basis_points / 100
    if not quote.late_cancellation_basis_points:
        return _("Free cancellation at any time.")
    if deadline <= timezone.now():
        return _("Cancelling costs %(share)s %% of the price.") % {"share": f"{share:g}"}
    return _("Free cancellation until %(when)s, then %(share)s %% of the price.") % {
        "when": when,
        "share": f"{share:g}",
    }


def _summary_context(listing, draft: dict) -> dict:
    starts_at = datetime.fromisoformat(draft["starts_at"])
    duration = int(draft["duration"])
    price = booking_price(listing, duration)
    quote = flow.quote(price)
    return {
        "listing": listing,
        "draft": draft,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=duration),
        "hours": duration // 60,
        "hourly": is_hourly(listing),
        "unit_price": booking_price(listing, 60),
        "quote": quote,
        "terms": cancellation_terms(quote, starts_at),
        "expiry_hours": _expiry_hours(),
        "day_format": day_format(),
        "step": 2,
    }


def _expiry_hours() -> int:
    return marketplace_settings().booking_request_expiry_hours


@login_required
def booking_summary(request, pk):
    """Step 2: check your answers, see the price and terms, send the request."""
    listing = listing_get_visible(listing_id=pk, viewer=request.user)
    draft = _draft(request, listing)
    if not draft.get("starts_at"):
        return redirect("bookings:book", pk=listing.pk)
    context = _summary_context(listing, draft)
    if request.method != "POST":
        return render(request, "bookings/booking_summary.html", context)
    try:
        booking = requests.booking_request(
            listing=listing,
            customer=request.user,
            starts_at=context["starts_at"],
            note=draft.get("note", ""),
            duration_minutes=int(draft["duration"]),
            address=_address(draft) if draft.get("street") else None,
            save_address=bool(draft.get("save_address")),
        )
    except ApplicationError as error:
        context["error"] = error
        context["taken"] = error.code in ("slot_taken", "slot_unavailable")
        return render(request, "bookings/booking_summary.html", context, status=error.status)
    del request.session[DRAFT_KEY.format(pk=listing.pk)]
    return redirect(
        flow.after_request_url(booking) or reverse("bookings:confirmed", args=[booking.pk])
    )


@login_required
def booking_confirmed(request, pk):
    """Step 3: what was sent, what happens next, how the customer pays."""
    booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
    quote = flow.quote(booking.price) if booking.price is not None else None
    return render(
        request,
        "bookings/booking_confirmed.html",
        {
            "booking": booking,
            "quote": quote,
            "terms": cancellation_terms(quote, booking.starts_at)
            if quote and booking.starts_at
            else "",
            "expiry_hours": _expiry_hours(),
            "day_format": day_format(),
        },
    )
