"""Escalation of urgent requests with SLAs: rings that widen while nobody takes one.

    ring 1  at once: every vetted helper whose own service radius covers the place
            (`booking_broadcast`)
    ring 2  after the policy's `ring2_after_minutes`: helpers within `ring2_radius_km`
            of the place, whatever their own radius (and helpers with `ring2_badge`
            there, vetted or not)
    ring 3  after `support_after_minutes`: the tenant's support queue (the back office
            lists it, the tenant's admins are notified)

`broadcasts_escalate_due(now=...)` runs every minute (celery beat, per tenant) and takes
the clock as an argument, so tests move time by hand. Each step is a `BookingEvent`
(action "escalate", the ring, how many were invited) on the booking's history; the
booking row is locked while a step is taken, so two runs never take the same step, and
a request someone accepted (it has a provider) never escalates again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from quartier.bookings.events import BroadcastEscalated, BroadcastInvited
from quartier.bookings.models import Booking, BookingEvent, BroadcastInvite, DispatchPolicy
from quartier.catalog.models import Listing
from quartier.catalog.selectors.catalog import category_ids_with_children
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.events import publish

ESCALATE = "escalate"
SUPPORT_RING = 3


def policy_for(category_id: int) -> DispatchPolicy:
    """The category's policy, else the tenant's default, else the built-in one."""
    policies = {
        policy.category_id: policy
        for policy in DispatchPolicy.objects.filter(category_id__in=[category_id, None])
    }
    return (
        policies.get(category_id)
        or DispatchPolicy.objects.filter(category__isnull=True).first()
        or DispatchPolicy()
    )


def ring_of(booking: Booking) -> int:
    rings = [
        event.data.get("ring", 1)
        for event in booking.events.all()
        if event.data.get("action") == ESCALATE
    ]
    return max(rings, default=1)


def _open_broadcasts():
    return Booking.objects.filter(
        kind=Booking.Kind.BROADCAST, status=Booking.Status.REQUESTED, provider__isnull=True
    )


def broadcasts_escalate_due(*, now: datetime | None = None) -> int:
    """Take every step that is due; returns how many steps were taken."""
    now = now or timezone.now()
    taken = 0
    for booking_id in _open_broadcasts().values_list("pk", flat=True):
        taken += _escalate(booking_id, now)
    return taken


@transaction.atomic
def _escalate(booking_id: int, now: datetime) -> int:
    booking = _open_broadcasts().select_for_update().filter(pk=booking_id).first()
    if booking is None:
        return 0  # taken (or expired) meanwhile
    policy = policy_for(booking.category_id)
    waited = now - booking.created_at
    ring = ring_of(booking)
    steps = 0
    if ring < 2 and waited >= timedelta(minutes=policy.ring2_after_minutes):
        invited = _invite_ring2(booking, policy)
        _record(booking, ring=2, invited=len(invited), waited=waited)
        ring, steps = 2, steps + 1
    if ring < SUPPORT_RING and waited >= timedelta(minutes=policy.support_after_minutes):
        _record(booking, ring=SUPPORT_RING, invited=0, waited=waited)
        publish(
            BroadcastEscalated(
                booking_id=booking.pk, customer_id=booking.customer_id, ring=SUPPORT_RING
            )
        )
        steps += 1
    return steps


def _invite_ring2(booking: Booking, policy: DispatchPolicy) -> list[int]:
    if booking.location is None:
        return []
    already = set(
        BroadcastInvite.objects.filter(booking=booking).values_list("provider_id", flat=True)
    )
    listings = (
        Listing.objects.published()
        .filter(
            category_id__in=category_ids_with_children(booking.category_id),
            is_remote=False,
        )
        .exclude(provider_id__in=already)
        .exclude(provider__user_id=booking.customer_id)
        .select_related("provider")
        .order_by("provider_id", "price_amount_minor")
        .extra(  # noqa: S610 (constant SQL, parameters bound)
            where=["catalog_listing.location <-> point(%s, %s) <= %s"],
            params=[booking.location[0], booking.location[1], policy.ring2_radius_km],
        )
    )
    vetting = marketplace_settings().vetting_required
    chosen: dict[int, Listing] = {}
    for listing in listings:
        partner = policy.ring2_badge and policy.ring2_badge in (listing.provider.badge_slugs or [])
        if vetting and not listing.provider.is_vetted and not partner:
            continue
        chosen.setdefault(listing.provider_id, listing)
    BroadcastInvite.objects.bulk_create(
        [
            BroadcastInvite(booking=booking, provider_id=provider_id, listing=listing)
            for provider_id, listing in chosen.items()
        ]
    )
    if chosen:
        publish(
            BroadcastInvited(
                booking_id=booking.pk,
                customer_id=booking.customer_id,
                provider_ids=tuple(chosen),
            )
        )
    return list(chosen)


def _record(booking: Booking, *, ring: int, invited: int, waited: timedelta) -> None:
    BookingEvent.objects.create(
        booking=booking,
        from_status=booking.status,
        to_status=booking.status,
        actor=None,
        data={
            "action": ESCALATE,
            "ring": ring,
            "invited": invited,
            "waited_minutes": int(waited.total_seconds() // 60),
        },
    )


@transaction.atomic
def dispatch_policy_set(
    *,
    category,
    ring2_after_minutes: int,
    ring2_radius_km: int,
    support_after_minutes: int,
    ring2_badge: str = "",
) -> DispatchPolicy:
    """Set the policy of `category` (None: the tenant's default)."""
    from django.utils.translation import gettext

    from quartier.platform.errors import ApplicationError

    if support_after_minutes <= ring2_after_minutes:
        raise ApplicationError.invalid_field(
            "support_after_minutes",
            gettext("The support queue must come after ring 2."),
            code="dispatch_rings_order",
        )
    policy, _created = DispatchPolicy.objects.update_or_create(
        category=category,
        defaults={
            "ring2_after_minutes": ring2_after_minutes,
            "ring2_radius_km": ring2_radius_km,
            "ring2_badge": ring2_badge,
            "support_after_minutes": support_after_minutes,
        },
    )
    return policy
