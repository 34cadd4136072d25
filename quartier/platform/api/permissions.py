"""Permissions shared by every app's API."""

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
    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and getattr(user, "is_tenant_admin", False)
            and request.tenant is not None
        )
