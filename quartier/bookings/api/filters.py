"""Filters for the bookings list (django-filter; bad values are a 400)."""

import django_filters

from quartier.bookings.models import Booking, BookingStatus
from quartier.platform.api.query import IsoDateTimeFilter


class BookingFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=BookingStatus.choices, distinct=False)
    kind = django_filters.ChoiceFilter(choices=Booking.Kind.choices)
    starts_after = IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    needs_attention = django_filters.BooleanFilter()

    class Meta:
        model = Booking
        fields = ["status", "kind", "starts_after", "starts_before", "needs_attention"]
