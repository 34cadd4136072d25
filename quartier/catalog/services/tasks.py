"""Task requests (what a customer needs) and the offers providers send for them."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.catalog import errors
from quartier.catalog.events import OfferAccepted, OfferMade
from quartier.catalog.models import Category, Offer, TaskRequest
from quartier.catalog.services.locations import location_fields
from quartier.geo.projection import plane_distance_km
from quartier.marketplace import eligibility
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import ApplicationError, Conflict, PermissionDenied
from quartier.platform.events import publish
from quartier.platform.money import MAX_AMOUNT_MINOR, Money
from quartier.providers.models import ProviderProfile

MAX_WINDOWS = 3
MAX_WINDOW = timedelta(hours=12)
MAX_AHEAD = timedelta(days=365)


def _clean_windows(windows) -> list[dict]:
    if not isinstance(windows, list) or len(windows) > MAX_WINDOWS:
        raise ApplicationError.invalid_field(
            "preferred_windows",
            _("Give up to %(max_windows)s time windows.") % {"max_windows": MAX_WINDOWS},
            code=errors.INVALID_WINDOWS,
        )
    now, cleaned = timezone.now(), []
    for window in windows:
        start, end = _window_bounds(window)
        if end <= start:
            raise ApplicationError.invalid_field(
                "preferred_windows",
                _("Each window must end after it starts."),
                code=errors.INVALID_WINDOWS,
            )
        if start < now or start > now + MAX_AHEAD or end - start > MAX_WINDOW:
            raise ApplicationError.invalid_field(
                "preferred_windows",
                _("Windows must be in the next 12 months and at most 12 hours long."),
                code=errors.INVALID_WINDOWS,
            )
        cleaned.append({"start": start.isoformat(), "end": end.isoformat()})
    return cleaned


def _window_bounds(window) -> tuple[datetime, datetime]:
    if not isinstance(window, dict):
        raise ApplicationError.invalid_field(
            "preferred_windows", _("A window has start and end."), code=errors.INVALID_WINDOWS
        )
    bounds = []
    for key in ("start", "end"):
        value = window.get(key)
        parsed = (
            value
            if isinstance(value, datetime)
            else (parse_datetime(value) if isinstance(value, str) else None)
        )
        if parsed is None or timezone.is_naive(parsed):
            raise ApplicationError.invalid_field(
                "preferred_windows",
                _("%(key)s must be an ISO 8601 time with a UTC offset.") % {"key": key},
                code=errors.INVALID_WINDOWS,
            )
        bounds.append(parsed)
    return bounds[0], bounds[1]


def _clean_budget(budget: Money | None) -> Money | None:
    if budget is not None and not (0 < budget.amount_minor <= MAX_AMOUNT_MINOR):
        raise ApplicationError.invalid_field(
            "budget",
            _("Give a budget above zero and below CHF 10 million."),
            code=errors.INVALID_PRICE,
        )
    return budget


@transaction.atomic
def task_request_create(
    *,
    customer: User,
    category: Category,
    title: str,
    postal_code: str,
    description: str = "",
    budget: Money | None = None,
    preferred_windows: list | None = None,
) -> TaskRequest:
    eligibility.enforce(customer, eligibility.BOOK)
    if not category.is_active:
        raise ApplicationError.invalid_field(
            "category", _("This category is not active."), code=errors.INVALID_CATEGORY
        )
    if not title.strip():
        raise ApplicationError.invalid_field("title", _("A title is required."))
    budget = _clean_budget(budget)
    task = TaskRequest(
        customer=customer,
        category=category,
        title=title.strip(),
        description=description,
        postal_code=postal_code,
        preferred_windows=_clean_windows(preferred_windows or []),
        budget_amount_minor=budget.amount_minor if budget else None,
        budget_currency=budget.currency if budget else marketplace_settings().currency,
        **location_fields(postal_code),
    )
    task.save()
    return task


@transaction.atomic
def task_request_cancel(*, task: TaskRequest, customer: User) -> TaskRequest:
    task = TaskRequest.objects.select_for_update().get(pk=task.pk)
    if task.customer_id != customer.pk:
        raise PermissionDenied(_("Only the customer who posted it can cancel this task."))
    if task.status != TaskRequest.Status.OPEN:
        raise Conflict(
            errors.TASK_NOT_OPEN,
            _("Only open tasks can be cancelled."),
            extra={"status": task.status},
        )
    task.status = TaskRequest.Status.CANCELLED
    task.save(update_fields=["status", "updated_at"])
    task.offers.filter(status=Offer.Status.PENDING).update(status=Offer.Status.DECLINED)
    return task


def _check_may_offer(task: TaskRequest, provider: ProviderProfile) -> None:
    if task.status != TaskRequest.Status.OPEN:
        raise Conflict(
            errors.TASK_NOT_OPEN,
            _("This task no longer takes offers."),
            extra={"status": task.status},
        )
    if provider.is_suspended:
        raise ApplicationError("provider_suspended", _("Your profile is suspended."), status=403)
    eligibility.enforce(lambda: provider.user, eligibility.OFFER)
    if marketplace_settings().vetting_required and not provider.is_vetted:
        raise ApplicationError(
            errors.VETTING_REQUIRED, _("Complete vetting before you send offers."), status=403
        )
    if task.customer_id == provider.user_id:
        raise PermissionDenied(_("You cannot send an offer for your own task."))
    distance = plane_distance_km(task.location, provider.location)
    if distance > provider.service_radius_km:
        raise ApplicationError(
            errors.OUT_OF_RANGE,
            _("This task is %(distance)s km away, beyond your service radius.")
            % {"distance": f"{distance:.1f}"},
            status=403,
        )


@transaction.atomic
def offer_create(
    *,
    task: TaskRequest,
    provider: ProviderProfile,
    price: Money,
    message: str = "",
    proposed_start: datetime | None = None,
    proposed_minutes: int | None = None,
) -> Offer:
    task = TaskRequest.objects.select_for_update().get(pk=task.pk)
    _check_may_offer(task, provider)
    if not (0 < price.amount_minor <= MAX_AMOUNT_MINOR):
        raise ApplicationError.invalid_field(
            "price",
            _("Give a price above zero and below CHF 10 million."),
            code=errors.INVALID_PRICE,
        )
    if proposed_start is not None and proposed_start < timezone.now():
        raise ApplicationError.invalid_field("proposed_start", _("Propose a time in the future."))
    if Offer.objects.filter(task=task, provider=provider).exists():
        raise Conflict(errors.OFFER_EXISTS, _("You already sent an offer for this task."))
    offer = Offer.objects.create(
        task=task,
        provider=provider,
        price_amount_minor=price.amount_minor,
        price_currency=price.currency,
        message=message.strip(),
        proposed_start=proposed_start,
        proposed_minutes=proposed_minutes,
    )
    publish(
        OfferMade(
            offer_id=offer.pk,
            task_id=task.pk,
            provider_id=provider.pk,
            customer_id=task.customer_id,
        )
    )
    return offer


def _offer_close(offer: Offer, *, status: str, refusal: str) -> Offer:
    """A pending offer leaves the running (withdrawn or declined); `refusal` says why
    another status cannot."""
    if offer.status != Offer.Status.PENDING:
        raise Conflict(errors.OFFER_NOT_PENDING, refusal, extra={"status": offer.status})
    offer.status = status
    offer.save(update_fields=["status", "updated_at"])
    return offer


@transaction.atomic
def offer_withdraw(*, offer: Offer, provider: ProviderProfile) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.provider_id != provider.pk:
        raise PermissionDenied(_("This is not your offer."))
    return _offer_close(
        offer,
        status=Offer.Status.WITHDRAWN,
        refusal=_("Only pending offers can be withdrawn."),
    )


@transaction.atomic
def offer_decline(*, offer: Offer, customer: User) -> Offer:
    offer = Offer.objects.select_for_update().select_related("task").get(pk=offer.pk)
    if offer.task.customer_id != customer.pk:
        raise PermissionDenied(_("Only the customer who posted the task can decline offers."))
    return _offer_close(
        offer, status=Offer.Status.DECLINED, refusal=_("Only pending offers can be declined.")
    )


@transaction.atomic
def offer_accept(*, offer: Offer, customer: User, starts_at: datetime | None = None) -> Offer:
    """The customer picks one offer: the others are declined and the task is assigned.

    An offer sent without a time gets its time from the customer here (`starts_at`, which
    the accept page requires); the booking then starts accepted at that time, as with a
    time the helper proposed. Without one (the API), the booking waits for the helper to
    pick a time, as before.

    OfferAccepted is published in the same transaction: its subscriber (bookings) makes
    the booking and writes its id onto the offer, so an offer is never accepted without
    its booking.
    """
    task = TaskRequest.objects.select_for_update().get(pk=offer.task_id)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if task.customer_id != customer.pk:
        raise PermissionDenied(_("Only the customer who posted the task can accept offers."))
    if task.status != TaskRequest.Status.OPEN:
        raise Conflict(
            errors.TASK_NOT_OPEN, _("This task is no longer open."), extra={"status": task.status}
        )
    if offer.status != Offer.Status.PENDING:
        raise Conflict(
            errors.OFFER_NOT_PENDING,
            _("This offer is no longer pending."),
            extra={"status": offer.status},
        )
    if offer.proposed_start is None and starts_at is not None:
        if timezone.is_naive(starts_at):
            raise ApplicationError.invalid_field(
                "starts_at", _("Choose the day and time the job should start.")
            )
        if starts_at <= timezone.now():
            raise ApplicationError.invalid_field("starts_at", _("Choose a time in the future."))
        offer.proposed_start = starts_at
    offer.status = Offer.Status.ACCEPTED
    task.status = TaskRequest.Status.ASSIGNED
    task.save(update_fields=["status", "updated_at"])
    task.offers.exclude(pk=offer.pk).filter(status=Offer.Status.PENDING).update(
        status=Offer.Status.DECLINED
    )
    offer.save(update_fields=["status", "proposed_start", "updated_at"])
    publish(
        OfferAccepted(
            offer_id=offer.pk,
            task_id=task.pk,
            provider_id=offer.provider_id,
            customer_id=task.customer_id,
        )
    )
    offer.refresh_from_db(fields=["booking_id"])
    return offer
