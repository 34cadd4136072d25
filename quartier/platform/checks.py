"""System checks: production refuses to run on development defaults."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

_REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": "a long random SECRET_KEY",
    "DATABASE_URL": "DATABASE_URL pointing at the production PostgreSQL",
    "REDIS_URL": "REDIS_URL, so every process shares the tenant cache",
    "CELERY_BROKER_URL": "CELERY_BROKER_URL, so background work leaves the web process",
}


def _setting(name: str) -> str:
    try:
        return getattr(settings, name, "")
    except ImproperlyConfigured:  # Django refuses to even read an empty SECRET_KEY
        return ""


@register(Tags.security)
def production_configuration(app_configs, **kwargs):
    if settings.QUARTIER_ENV != "production":
        return []
    problems = [
        Error(f"{name} is not set.", hint=f"Set {what}.", id="quartier.E001")
        for name, what in _REQUIRED_IN_PRODUCTION.items()
        if not _setting(name)
    ]
    if _setting("SECRET_KEY").startswith("django-insecure"):
        problems.append(Error("SECRET_KEY is the development key.", id="quartier.E002"))
    if settings.PLATFORM_DOMAIN in {"localhost", ""}:
        problems.append(
            Error("PLATFORM_DOMAIN is not set to the platform's real domain.", id="quartier.E003")
        )
    return problems
