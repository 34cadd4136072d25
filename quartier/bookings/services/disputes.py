"""Disputes: a problem with a booking that the marketplace's admins settle.

Two ways in: the customer reports a problem on the booking page (once the helper has
accepted; one open report per booking), or the customer's bank opens a card dispute at
Stripe (billing's webhook calls `dispute_card_record`). Either publishes
`DisputeOpened` in the same transaction; the notification centre tells the admins.
The booking's own status does not change: the job can still be completed and paid,
and a refund is the admin's decision on the payment's page.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.bookings import errors
from quartier.bookings.events import DisputeOpened
from quartier.bookings.models import Booking, BookingStatus, Dispute, DisputeNote
from quartier.bookings.services.lifecycle import DISPUTE_WINDOW
from quartier.platform.errors import ApplicationError, Conflict
from quartier.platform.events import publish

S = BookingStatus
# After the helper accepted: the job is agreed, so something can go wrong with it.
REPORTABLE = frozenset({S.ACCEPTED, S.CONFIRMED, S.COMPLETED, S.NO_SHOW, S.DISPUTED})
# Stripe's statuses of a dispute the bank has decided.
CARD_CLOSED = frozenset({"won", "lost", "warning_closed"})


def dispute_can_report(*, booking: Booking, user: User) -> bool:
    """Whether the page offers `user` the "Report a problem" form for `booking`."""
    return (
        booking.customer_id == user.pk
        and _reportable(booking)
        and not Dispute.objects.filter(
            booking=booking, source=Dispute.Source.CUSTOMER, status=Dispute.Status.OPEN
        ).exists()
    )


def _reportable(booking: Booking) -> bool:
    if booking.status not in REPORTABLE:
        return False
    closed = booking.completed_at and booking.completed_at + DISPUTE_WINDOW < timezone.now()
    return not closed


@transaction.atomic
def dispute_report(*, booking: Booking, customer: User, category: str, description: str):
    """The customer reports a problem with their booking."""
    if booking.customer_id != customer.pk:
        raise ApplicationError(
            errors.DISPUTE_NOT_ALLOWED, _("Only the customer can report a problem here.")
        )
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if not _reportable(booking):
        raise Conflict(
            errors.DISPUTE_NOT_ALLOWED,
            _(
                "A problem can be reported once the helper has accepted, "
                "and up to 14 days after the job."
            ),
            extra={"status": booking.status},
        )
    if category not in Dispute.Category.values:
        raise ApplicationError.invalid_field("category", _("Choose what went wrong."))
    description = description.strip()
    if not description:
        raise ApplicationError.invalid_field("description", _("Describe what happened."))
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                booking=booking,
                source=Dispute.Source.CUSTOMER,
                category=category,
                description=description[:2000],
                reported_by=customer,
            )
    except IntegrityError as error:
        raise Conflict(
            errors.DISPUTE_OPEN,
            _("You already reported a problem with this booking; the team is looking into it."),
        ) from error
    _opened(dispute)
    return dispute


@transaction.atomic
def dispute_card_record(
    *,
    booking: Booking,
    stripe_dispute_id: str,
    stripe_status: str,
    reason: str,
    amount_minor: int,
    currency: str,
) -> Dispute:
    """A card dispute reported by Stripe (created or updated): one record per Stripe id.

    A dispute the bank has decided (won, lost) is resolved here; any other status keeps
    it open for the admins.
    """
    dispute = (
        Dispute.objects.select_for_update().filter(stripe_dispute_id=stripe_dispute_id).first()
    )
    created = dispute is None
    if created:
        dispute = Dispute(
            booking=booking, source=Dispute.Source.CARD, stripe_dispute_id=stripe_dispute_id
        )
    dispute.stripe_status = stripe_status[:40]
    dispute.stripe_reason = reason[:60]
    dispute.amount_minor = int(amount_minor)
    dispute.currency = currency.upper()[:3]
    if stripe_status in CARD_CLOSED and dispute.status == Dispute.Status.OPEN:
        dispute.status = Dispute.Status.RESOLVED
        dispute.resolved_at = timezone.now()
    dispute.save()
    if created:
        _opened(dispute)
    return dispute


def _opened(dispute: Dispute) -> None:
    publish(
        DisputeOpened(dispute_id=dispute.pk, booking_id=dispute.booking_id, source=dispute.source)
    )


def _note_text(body: str, field: str) -> str:
    body = body.strip()
    if not body:
        raise ApplicationError.invalid_field(field, _("Write a few words."))
    return body[:2000]


@transaction.atomic
def dispute_note_add(*, dispute: Dispute, author: User, body: str) -> DisputeNote:
    return DisputeNote.objects.create(dispute=dispute, author=author, body=_note_text(body, "body"))


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, admin: User, resolution: str) -> Dispute:
    """Close an open dispute with what was decided."""
    resolution = _note_text(resolution, "resolution")
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise Conflict(errors.DISPUTE_RESOLVED, _("This dispute is already resolved."))
    dispute.status = Dispute.Status.RESOLVED
    dispute.resolution = resolution
    dispute.resolved_by = admin
    dispute.resolved_at = timezone.now()
    dispute.save()
    return dispute
