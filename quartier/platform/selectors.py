"""Reads of the platform app (public schema)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from quartier.platform.errors import NotFound
from quartier.platform.models import DeadLetter


def dead_letter_list(*, is_retried: bool | None = None) -> QuerySet[DeadLetter]:
    """Dead letters, newest first; only open (or only retried) ones when asked."""
    dead_letters = DeadLetter.objects.order_by("-created_at", "-id")
    if is_retried is not None:
        dead_letters = dead_letters.filter(retried_at__isnull=not is_retried)
    return dead_letters


def dead_letter_get(*, pk: int) -> DeadLetter:
    dead_letter = DeadLetter.objects.filter(pk=pk).first()
    if dead_letter is None:
        raise NotFound(_("No dead letter with this id."))
    return dead_letter


def dead_letter_open_count() -> int:
    return DeadLetter.objects.filter(retried_at__isnull=True).count()
