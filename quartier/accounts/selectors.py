"""Reads on accounts."""

from django.contrib.auth import authenticate

from quartier.accounts.models import SigninFailure, User


def user_authenticate(*, request, email: str, password: str) -> User | None:
    """The active user of the current schema with these credentials, or None."""
    user = authenticate(request=request, username=email.strip().lower(), password=password)
    return user if user is not None and user.is_active else None


def signin_failure_list():
    """Refused sign-ins of the current schema, newest first."""
    return SigninFailure.objects.order_by("-created_at", "-id")
