"""TENANT: availability, booking lifecycle, messages and two-way reviews."""

from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "quartier.bookings"
    label = "bookings"
    verbose_name = "Bookings"

    def ready(self):
        from quartier.bookings import notifications, setup, subscribers
        from quartier.platform.initialisers import demo_seeder_register, tenant_initialiser_register

        tenant_initialiser_register(setup.tenant_initialise, order=50)
        demo_seeder_register(setup.demo_seed, order=40)
        subscribers.register()
        notifications.register()
