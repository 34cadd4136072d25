"""Template context every page gets; must never query the database (404 pages use it)."""

from django.conf import settings


def platform(request):
    return {
        "platform_domain": settings.PLATFORM_DOMAIN,
        "current_tenant": getattr(request, "tenant", None),
    }
