"""How bookings start: a free slot, preferred windows, an accepted offer, a broadcast."""

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.bookings import errors
from quartier.bookings.availability import (
    DEFAULT_DURATION_MINUTES,
    schedule_of,
    slot_state,
)
from quartier.bookings.events import BroadcastInvited
from quartier.bookings.guard import provider_write_lock, write_or_conflict
from quartier.bookings.models import Booking, BookingEvent, BroadcastInvite, SavedAddress
from quartier.bookings.pricing import booking_price, default_duration, duration_choices
from quartier.bookings.services.lifecycle import (
    booking_claim,
    booking_event_announce,
    booking_transition,
)
from quartier.catalog.models import Category, Listing, Offer
from quartier.catalog.selectors.catalog import category_ids_with_children
from quartier.geo.selectors import postal_code_places, postal_code_point
from quartier.marketplace import eligibility
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import ApplicationError, Conflict, PermissionDenied
from quartier.platform.events import publish
from quartier.providers.models import ProviderProfile

MAX_WINDOWS = 3
MAX_WINDOW = timedelta(hours=12)
MAX_AHEAD = timedelta(days=365)


def _duration(listing: Listing) -> int:
    return listing.duration_minutes or DEFAULT_DURATION_MINUTES


def check_bookable(listing: Listing, customer: User) -> None:
    """Refuse an unpublished listing, a suspended provider, or one's own listing, and a
    customer the tenant's eligibility rule does not let book."""
    eligibility.enforce(customer, eligibility.BOOK)
    if listing.status != Listing.Status.PUBLISHED or listing.provider.is_suspended:
        raise ApplicationError.invalid_field(
            "listing", _("This listing cannot be booked."), code=errors.NOT_BOOKABLE
        )
    if listing.provider.user_id == customer.pk:
        raise PermissionDenied(_("You cannot book your own listing."))


def _expiry(starts_at: datetime | None) -> datetime:
    deadline = timezone.now() + timedelta(hours=marketplace_settings().booking_request_expiry_hours)
    return min(deadline, starts_at) if starts_at else deadline


def _create(booking: Booking, actor: User, **event_data) -> Booking:
    provider_write_lock(booking.provider_id)
    write_or_conflict(booking.save, message=_("That time was just booked by someone else."))
    event = BookingEvent.objects.create(
        booking=booking,
        to_status=booking.status,
        actor=actor,
        data={"action": "request", **event_data},
    )
    booking_event_announce(booking=booking, event=event)
    return booking


def _snapshot(listing: Listing) -> dict:
    return {
        "listing": listing,
        "provider": listing.provider,
        "category": listing.category,
        "price_amount_minor": listing.price_amount_minor,
        "price_currency": listing.price_currency,
        "price_unit": listing.price_unit,
        "duration_minutes": _duration(listing),
    }


@dataclass(frozen=True)
class Address:
    """Where the job happens, as the customer typed it (checked by address_clean)."""

    street: str
    postal_code: str
    city: str = ""


def _plain(text: str, *, keep_newlines: bool = False) -> str:
    """NFC text without control or invisible formatting characters (a right-to-left
    override in a street name would show the helper a different address)."""
    text = unicodedata.normalize("NFC", text or "")
    kept = "\n" if keep_newlines else ""
    return "".join(
        char
        for char in text
        if char in kept or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    ).strip()


def note_clean(note: str) -> str:
    return _plain(note.replace("\r\n", "\n"), keep_newlines=True)


def address_clean(address: Address) -> tuple[Address, object]:
    """The address with plain text and a known Swiss postal code, and its point."""
    street = _plain(address.street)
    if not street:
        raise ApplicationError.invalid_field(
            "street", _("Enter the street and number."), code=errors.INVALID_ADDRESS
        )
    point = postal_code_point(address.postal_code)
    code = str(address.postal_code).strip()
    city = _plain(address.city) or next(iter(postal_code_places(code)), "")
    return Address(street=street[:120], postal_code=code, city=city[:80]), point


def _address_fields(address: Address | None) -> dict:
    if address is None:
        return {}
    address, point = address_clean(address)
    return {
        "street": address.street,
        "postal_code": address.postal_code,
        "city": address.city,
        "location": point.projected(),
    }


@transaction.atomic
def booking_request_slot(
    *,
    listing: Listing,
    customer: User,
    starts_at: datetime,
    note: str = "",
    duration_minutes: int | None = None,
    address: Address | None = None,
    save_address: bool = False,
) -> Booking:
    """Book one of the listing's free slots; the slot is held while the provider answers.

    Hourly listings take a duration of 1-8 hours and cost the price times the hours;
    with `save_address` the address is kept for the customer's next booking, in the
    same transaction (a refused booking saves nothing).
    """
    check_bookable(listing, customer)
    if timezone.is_naive(starts_at):
        raise ApplicationError.invalid_field(
            "starts_at", _("Give a time with a UTC offset."), code=errors.INVALID_TIME
        )
    if starts_at <= timezone.now():
        raise ApplicationError.invalid_field(
            "starts_at", _("This time is in the past."), code=errors.INVALID_TIME
        )
    duration = duration_minutes or default_duration(listing)
    if duration not in duration_choices(listing):
        raise ApplicationError.invalid_field(
            "duration", _("Choose a duration from the list."), code=errors.INVALID_TIME
        )
    place = _address_fields(address)
    state = slot_state(provider=listing.provider, starts_at=starts_at, duration_minutes=duration)
    if state == "taken":
        raise Conflict(errors.SLOT_TAKEN, _("That time was just booked by someone else."))
    if state != "free":
        raise ApplicationError.invalid_field(
            "starts_at",
            _("This time is not one of the provider's free slots."),
            code=errors.SLOT_UNAVAILABLE,
        )
    buffer = timedelta(minutes=schedule_of(listing.provider).buffer_minutes)
    ends_at = starts_at + timedelta(minutes=duration)
    booking = Booking(
        kind=Booking.Kind.SLOT,
        customer=customer,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + buffer,
        note=note_clean(note),
        expires_at=_expiry(starts_at),
        **_snapshot(listing),
        **place,
    )
    booking.duration_minutes = duration
    booking.price_amount_minor = booking_price(listing, duration).amount_minor
    booking = _create(booking, customer)
    if save_address and place:
        saved_address_add(
            user=customer,
            address=Address(place["street"], place["postal_code"], place["city"]),
        )
    return booking


def saved_address_add(*, user: User, address: Address) -> SavedAddress:
    """Keep an address for the user's next booking (once per street and postal code)."""
    address, _point = address_clean(address)
    saved, _created = SavedAddress.objects.get_or_create(
        user=user,
        street=address.street,
        postal_code=address.postal_code,
        defaults={"city": address.city},
    )
    return saved


def clean_windows(windows, *, min_minutes: int = 0) -> list[dict]:
    if not isinstance(windows, list) or not 1 <= len(windows) <= MAX_WINDOWS:
        raise ApplicationError.invalid_field(
            "windows", _("Propose one to three time windows."), code=errors.INVALID_TIME
        )
    now, cleaned = timezone.now(), []
    for window in windows:
        start, end = (
            (window.get("start"), window.get("end")) if isinstance(window, dict) else (None, None)
        )
        if (
            not isinstance(start, datetime)
            or not isinstance(end, datetime)
            or timezone.is_naive(start)
            or timezone.is_naive(end)
        ):
            raise ApplicationError.invalid_field(
                "windows",
                _("Each window needs a start and an end with a UTC offset."),
                code=errors.INVALID_TIME,
            )
        if end <= start:
            raise ApplicationError.invalid_field(
                "windows", _("A window must end after it starts."), code=errors.INVALID_TIME
            )
        if start <= now:
            raise ApplicationError.invalid_field(
                "windows", _("Windows must be in the future."), code=errors.INVALID_TIME
            )
        if start > now + MAX_AHEAD or end - start > MAX_WINDOW:
            raise ApplicationError.invalid_field(
                "windows",
                _("Windows must lie within a year and last at most 12 hours."),
                code=errors.INVALID_TIME,
            )
        if (end - start) < timedelta(minutes=min_minutes):
            raise ApplicationError.invalid_field(
                "windows", _("A window is shorter than the job."), code=errors.INVALID_TIME
            )
        cleaned.append({"start": start.isoformat(), "end": end.isoformat()})
    return sorted(cleaned, key=lambda window: window["start"])


@transaction.atomic
def booking_request_windows(
    *, listing: Listing, customer: User, windows: list, note: str = ""
) -> Booking:
    """Propose up to three windows; the provider picks a time or counter-proposes."""
    check_bookable(listing, customer)
    cleaned = clean_windows(windows, min_minutes=_duration(listing))
    booking = Booking(
        kind=Booking.Kind.WINDOWS,
        customer=customer,
        windows=cleaned,
        note=note_clean(note),
        expires_at=_expiry(None),
        **_snapshot(listing),
    )
    return _create(booking, customer)


def booking_request(
    *,
    listing: Listing,
    customer: User,
    starts_at: datetime | None = None,
    windows: list | None = None,
    note: str = "",
    **slot_details,
) -> Booking:
    """A customer asks for a listing: at one free slot (`starts_at`) or in up to three
    windows. The one use case behind the booking page and POST /api/bookings/."""
    if (starts_at is None) == (windows is None):
        raise ApplicationError.invalid_field(
            "starts_at", _("Give either a start time (a free slot) or windows.")
        )
    if starts_at is not None:
        return booking_request_slot(
            listing=listing, customer=customer, starts_at=starts_at, note=note, **slot_details
        )
    return booking_request_windows(listing=listing, customer=customer, windows=windows, note=note)


@transaction.atomic
def booking_create_from_offer(*, offer: Offer) -> int:
    """An accepted task offer becomes a booking (bookings.subscribers: OfferAccepted)."""
    task = offer.task
    duration = offer.proposed_minutes or DEFAULT_DURATION_MINUTES
    booking = Booking(
        kind=Booking.Kind.OFFER,
        status=Booking.Status.REQUESTED,
        customer=task.customer,
        provider=offer.provider,
        category=task.category,
        offer=offer,
        price_amount_minor=offer.price_amount_minor,
        price_currency=offer.price_currency,
        price_unit=Listing.PriceUnit.FIXED,
        duration_minutes=duration,
        note=offer.message,
        windows=task.preferred_windows,
        postal_code=task.postal_code,
        location=task.location,
        expires_at=_expiry(None),
    )
    _create(booking, task.customer, offer=offer.pk)
    if offer.proposed_start is not None:
        # The customer accepted the provider's proposed time with the offer.
        booking_transition(
            booking=booking,
            action="accept",
            actor=offer.provider.user,
            starts_at=offer.proposed_start,
            reason="Offer accepted.",
        )
    return booking.pk


def _providers_in_range(category_ids, point) -> list[tuple[ProviderProfile, Listing]]:
    """Vetted, active providers with a published listing in the category serving point."""
    requires_vetting = marketplace_settings().vetting_required
    listings = (
        Listing.objects.published()
        .filter(category_id__in=category_ids, is_remote=False)
        .select_related("provider")
        .order_by("provider_id", "price_amount_minor")
    )
    if requires_vetting:
        listings = listings.filter(provider__is_vetted=True)
    chosen: dict[int, tuple[ProviderProfile, Listing]] = {}
    for listing in listings.extra(  # noqa: S610 (constant SQL, parameters bound)
        where=[
            "circle(catalog_listing.location, catalog_listing.radius_km::float8) "
            "@> circle(point(%s, %s), 0)"
        ],
        params=[point[0], point[1]],
    ):
        chosen.setdefault(listing.provider_id, (listing.provider, listing))
    return list(chosen.values())


@transaction.atomic
def booking_broadcast(
    *,
    customer: User,
    category: Category,
    postal_code: str,
    starts_at: datetime,
    duration_minutes: int = DEFAULT_DURATION_MINUTES,
    note: str = "",
) -> Booking:
    """Urgent help: the request goes at once to every vetted provider in range."""
    eligibility.enforce(customer, eligibility.BOOK)
    if timezone.is_naive(starts_at) or starts_at <= timezone.now():
        raise ApplicationError.invalid_field(
            "starts_at", _("Choose a time in the future."), code=errors.INVALID_TIME
        )
    point = postal_code_point(postal_code).projected()
    candidates = [
        (provider, listing)
        for provider, listing in _providers_in_range(category_ids_with_children(category.pk), point)
        if provider.user_id != customer.pk
    ]
    if not candidates:
        raise ApplicationError.invalid_field(
            "postal_code",
            _("No vetted helper serves this place for this category yet."),
            code=errors.NO_PROVIDERS,
        )
    booking = Booking(
        kind=Booking.Kind.BROADCAST,
        customer=customer,
        category=category,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        note=note.strip(),
        postal_code=postal_code,
        location=point,
        expires_at=_expiry(starts_at),
    )
    booking = _create(booking, customer, invited=len(candidates))
    BroadcastInvite.objects.bulk_create(
        [
            BroadcastInvite(booking=booking, provider=provider, listing=listing)
            for provider, listing in candidates
        ]
    )
    publish(
        BroadcastInvited(
            booking_id=booking.pk,
            customer_id=customer.pk,
            provider_ids=tuple(provider.pk for provider, _listing in candidates),
        )
    )
    return booking


@transaction.atomic
def broadcast_accept(*, booking: Booking, provider: ProviderProfile) -> Booking:
    """An invited provider takes an open broadcast (the lifecycle's broadcast_accept)."""
    invite = (
        BroadcastInvite.objects.filter(booking=booking, provider=provider)
        .select_related("listing")
        .first()
    )
    if invite is None:
        raise ApplicationError("not_invited", _("This request was not sent to you."), status=404)
    return booking_claim(booking=booking, provider=provider, listing=invite.listing)


@transaction.atomic
def broadcast_decline(*, booking: Booking, provider: ProviderProfile) -> None:
    """An invited provider says no: the request leaves their list for good."""
    deleted, _rows = BroadcastInvite.objects.filter(
        booking=booking, provider=provider, booking__provider__isnull=True
    ).delete()
    if not deleted:
        raise Conflict(
            errors.BROADCAST_TAKEN,
            _("Another helper was faster."),
            extra={"status": Booking.objects.get(pk=booking.pk).status},
        )
