"""Booking pages: booking a listing, the dashboards, one booking (messages, reviews,
status changes), and the provider's private iCal feed.

Views stay thin: a form validates the input, one service does the work, and a
service's ApplicationError is shown on the form with the error's status.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quartier.bookings import flow, selectors
from quartier.bookings.calendars import provider_feed
from quartier.bookings.forms import (
    MessageForm,
    ReportForm,
    ReviewForm,
    TransitionForm,
    UrgentForm,
)
from quartier.bookings.models import Booking, Review, Schedule
from quartier.bookings.services import conversation, disputes, lifecycle, requests, reviews
from quartier.catalog.selectors.catalog import (
    category_list,
    tasks_of_customer,
)
from quartier.platform.errors import NotFound
from quartier.platform.forms import form_apply
from quartier.providers.selectors import provider_profile_of


@login_required
def booking_urgent(request):
    """Ask for urgent help: every vetted helper nearby hears of it at once, and the
    request page shows who takes it (live, or on reload)."""
    form = UrgentForm(request.POST or None, categories=category_list())
    status = 200
    if request.method == "POST":
        created = []
        status = form_apply(
            form,
            lambda data: created.append(requests.booking_broadcast(customer=request.user, **data)),
        )
        if status == 200:
            messages.success(request, _("Your request was sent to the helpers nearby."))
            return redirect("bookings:detail", pk=created[0].pk)
    return render(request, "bookings/booking_urgent.html", {"form": form}, status=status)


@login_required
def customer_dashboard(request):
    bookings = list(selectors.bookings_of_user(request.user, role="customer")[:100])
    for booking in bookings:
        booking.page_actions = _actions_for(booking, request.user)
    return render(
        request,
        "bookings/customer_dashboard.html",
        {"bookings": bookings, "tasks": list(tasks_of_customer(request.user)[:50])},
    )


@login_required
def provider_dashboard(request):
    profile = provider_profile_of(request.user)
    if profile is None:
        # A helper who has not finished the onboarding continues it, never a dead end.
        return redirect("workspace:start")
    bookings = list(selectors.bookings_of_user(request.user, role="provider")[:200])
    for booking in bookings:
        booking.page_actions = _actions_for(booking, request.user)
    groups = {
        "requests": [b for b in bookings if b.status == Booking.Status.REQUESTED],
        "accepted": [b for b in bookings if b.status == Booking.Status.ACCEPTED],
        "confirmed": [b for b in bookings if b.status == Booking.Status.CONFIRMED],
        "past": [
            b
            for b in bookings
            if b.status
            not in (Booking.Status.REQUESTED, Booking.Status.ACCEPTED, Booking.Status.CONFIRMED)
        ],
    }
    today = timezone.localdate()
    groups["today"] = [
        b
        for b in groups["confirmed"] + groups["accepted"]
        if b.starts_at and timezone.localdate(b.starts_at) == today
    ]
    return render(
        request,
        "bookings/provider_dashboard.html",
        {"profile": profile, "groups": groups, "now": timezone.now(), "section": "dashboard"},
    )


@login_required
def booking_list(request):
    return render(
        request,
        "bookings/booking_list.html",
        {"bookings": selectors.bookings_of_user(request.user)[:100]},
    )


def _actions_for(booking: Booking, user) -> list[tuple[str, str]]:
    """(action, button label) pairs the user may take now, from the lifecycle's RULES."""
    return [
        (action, lifecycle.RULES[action].button)
        for action in lifecycle.actions_for(booking, user)
        if lifecycle.RULES[action].button
    ]


def _detail_context(request, booking, **forms) -> dict:
    user = request.user
    booking_reviews = selectors.reviews_of_booking(booking, user)
    is_party = selectors.booking_is_party(booking, user)
    wrote = any(review.author_id == user.pk for review in booking_reviews)
    can_review = is_party and booking.status == Booking.Status.COMPLETED and not wrote
    thread = list(selectors.messages_of(booking))
    return {
        "booking": booking,
        "role": lifecycle.role_of(booking, user),
        "is_party": is_party,
        "messages_list": thread,
        # Reading is a POST of its own (GETs never write): the page offers the button
        # while the other party's messages are unread.
        "has_unread": is_party
        and any(message.read_at is None and message.sender_id != user.pk for message in thread),
        "reviews": booking_reviews,
        "sealed": [
            review
            for review in booking_reviews
            if review.author_id == user.pk and review.revealed_at is None
        ],
        "actions": _actions_for(booking, user) if is_party else [],
        "panels": flow.detail_panels(request, booking) if is_party else [],
        "needs_start": booking.kind == Booking.Kind.WINDOWS
        and booking.status == Booking.Status.REQUESTED,
        "transition_form": forms.get("transition_form") or TransitionForm(prefix="transition"),
        "message_form": forms.get("message_form") or MessageForm(prefix="message"),
        # A submitted form is shown again with its errors even when writing is no
        # longer possible (the review exists): the errors say why.
        "review_form": forms.get("review_form")
        or (ReviewForm(prefix="review") if can_review else None),
        "review_direction": Review.Direction,
        # "Report a problem": the customer's form, or their open report.
        "open_report": selectors.dispute_open_report(booking)
        if booking.customer_id == user.pk
        else None,
        "report_form": forms.get("report_form")
        or (
            ReportForm(prefix="report")
            if disputes.dispute_can_report(booking=booking, user=user)
            else None
        ),
        "invited": selectors.broadcast_invited_count(booking),
        "in_support": booking.provider_id is None and selectors.broadcast_in_support(booking),
        "typical_minutes": selectors.typical_answer_minutes(booking.category_id)
        if booking.kind == Booking.Kind.BROADCAST and booking.provider_id is None
        else None,
    }


@login_required
def booking_detail(request, pk):
    booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
    return render(request, "bookings/booking_detail.html", _detail_context(request, booking))


def _party_booking(request, pk) -> Booking:
    """A booking the signed-in user is a party to; anything else is a 404."""
    booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
    if not selectors.booking_is_party(booking, request.user):
        raise NotFound(_("No such booking."))
    return booking


def _next_url(request, value: str, booking: Booking) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("bookings:detail", args=[booking.pk])


def _detail_post(request, booking: Booking, form, form_name: str, act, done):
    """A form on the booking page: act on the valid form, or show the page with its errors.

    `act(data)` calls one service; `done(data)` gives the success message and where to go.
    """
    status = form_apply(form, act)
    if status == 200:
        message, target = done(form.cleaned_data)
        messages.success(request, message)
        return redirect(target)
    booking.refresh_from_db()
    return render(
        request,
        "bookings/booking_detail.html",
        _detail_context(request, booking, **{form_name: form}),
        status=status,
    )


@login_required
@require_POST
def booking_transition_view(request, pk):
    booking = _party_booking(request, pk)
    return _detail_post(
        request,
        booking,
        TransitionForm(request.POST, prefix="transition"),
        "transition_form",
        act=lambda data: lifecycle.booking_transition(
            booking=booking,
            action=data["action"],
            actor=request.user,
            reason=data["reason"],
            starts_at=data["starts_at"],
        ),
        done=lambda data: (
            lifecycle.RULES[data["action"]].done,
            _next_url(request, data["next"], booking),
        ),
    )


@login_required
@require_POST
def booking_message_view(request, pk):
    booking = _party_booking(request, pk)
    return _detail_post(
        request,
        booking,
        MessageForm(request.POST, prefix="message"),
        "message_form",
        act=lambda data: conversation.message_send(
            booking=booking, sender=request.user, body=data["body"]
        ),
        done=lambda data: (
            _("Your message was sent."),
            reverse("bookings:detail", args=[booking.pk]) + "#messages",
        ),
    )


@login_required
@require_POST
def booking_messages_read_view(request, pk):
    booking = _party_booking(request, pk)
    conversation.messages_mark_read(booking=booking, reader=request.user)
    messages.success(request, _("Messages marked as read."))
    return redirect(reverse("bookings:detail", args=[booking.pk]) + "#messages")


@login_required
@require_POST
def booking_review_view(request, pk):
    booking = _party_booking(request, pk)
    return _detail_post(
        request,
        booking,
        ReviewForm(request.POST, prefix="review"),
        "review_form",
        act=lambda data: reviews.review_write(
            booking=booking, author=request.user, rating=data["rating"], text=data["text"]
        ),
        done=lambda data: (
            _("Thank you for your review."),
            reverse("bookings:detail", args=[booking.pk]) + "#reviews",
        ),
    )


@login_required
@require_POST
def booking_report_view(request, pk):
    """The customer reports a problem: a dispute the marketplace's admins see."""
    booking = _party_booking(request, pk)
    return _detail_post(
        request,
        booking,
        ReportForm(request.POST, prefix="report"),
        "report_form",
        act=lambda data: disputes.dispute_report(
            booking=booking,
            customer=request.user,
            category=data["category"],
            description=data["description"],
        ),
        done=lambda data: (
            _("Thank you. The marketplace team will look into it and get back to you."),
            reverse("bookings:detail", args=[booking.pk]) + "#report",
        ),
    )


@never_cache
def provider_feed_view(request, token):
    """The secret URL is the credential; a rotated token is simply unknown."""
    schedule = Schedule.objects.select_related("provider").filter(feed_token=token).first()
    if schedule is None:
        raise Http404("Unknown calendar.")
    response = HttpResponse(provider_feed(schedule), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="quartier.ics"'
    return response
