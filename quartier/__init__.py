"""Quartier: a multi-tenant, white-label marketplace platform for neighbourhood help."""

from quartier.config.celery_app import app as celery_app

__all__ = ["celery_app"]
