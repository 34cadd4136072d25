"""What bookings does when other apps publish events (registered in BookingsConfig.ready)."""

from quartier.catalog.events import OfferAccepted
from quartier.platform.events import subscribe


def offer_accepted(event: OfferAccepted) -> None:
    """The accepted offer becomes a booking, in the acceptance's transaction."""
    from quartier.bookings.services.requests import booking_create_from_offer
    from quartier.catalog.models import Offer

    offer = Offer.objects.select_related("task__customer", "provider__user").get(pk=event.offer_id)
    booking_id = booking_create_from_offer(offer=offer)
    Offer.objects.filter(pk=offer.pk).update(booking_id=booking_id)


def register() -> None:
    subscribe(OfferAccepted, offer_accepted)
