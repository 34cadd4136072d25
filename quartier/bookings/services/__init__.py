"""Writes on bookings, by sub-domain."""
