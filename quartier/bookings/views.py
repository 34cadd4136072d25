"""Booking pages: my bookings, one booking, and the provider's private iCal feed."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from quartier.bookings import selectors
from quartier.bookings.calendars import provider_feed
from quartier.bookings.models import Schedule


@login_required
def booking_list(request):
    return render(
        request,
        "bookings/booking_list.html",
        {"bookings": selectors.bookings_of_user(request.user)[:100]},
    )


@login_required
def booking_detail(request, pk):
    booking = selectors.booking_get_for_user(booking_id=pk, user=request.user)
    return render(
        request,
        "bookings/booking_detail.html",
        {
            "booking": booking,
            "messages_list": selectors.messages_of(booking),
            "reviews": selectors.reviews_of_booking(booking, request.user),
        },
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
