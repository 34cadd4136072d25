"""Permissions shared by every app's API."""

from django.utils.translation import gettext as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission


class IsOperatorStaff(BasePermission):
    """Operator staff: staff users of the public schema (the operator's own domain)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and user.is_staff
            and request.tenant is None
        )


class IsTenantAdmin(BasePermission):
    """A tenant admin; in a browser session, one that passed the two-step sign-in when
    the tenant requires it (request.admin_mfa_missing, from quartier.accounts)."""

    def has_permission(self, request, view):
        user = request.user
        admin = bool(
            user
            and user.is_authenticated
            and getattr(user, "is_tenant_admin", False)
            and request.tenant is not None
        )
        if admin and isinstance(request.successful_authenticator, SessionAuthentication):
            missing = getattr(request._request, "admin_mfa_missing", None)
            if missing is not None and missing():
                raise PermissionDenied(
                    _(
                        "This marketplace requires administrators to use two-step "
                        "sign-in; sign in again with your authenticator app or passkey."
                    ),
                    code="mfa_required",
                )
        return admin
