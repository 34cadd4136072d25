"""TENANT: availability, booking lifecycle, messages and two-way reviews."""

from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "quartier.bookings"
    label = "bookings"
    verbose_name = "Bookings"
