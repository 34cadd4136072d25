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


@register()
def event_subscribers(app_configs, **kwargs):
    """Every subscriber is callable with one event; every required subscription exists."""
    import inspect

    from django.apps import apps

    from quartier.platform import events

    problems = []
    for event_type, handlers in events.subscribers().items():
        for handler in handlers:
            try:
                inspect.signature(handler).bind(None)
            except (TypeError, ValueError):
                problems.append(
                    Error(
                        f"Subscriber {handler!r} of {events.type_path(event_type)} cannot be "
                        "called with one event.",
                        hint="Subscribe a function taking the event as its only argument.",
                        id="quartier.E010",
                    )
                )
    defined = events.event_types()
    subscribed = events.subscribers()
    for path, app_names in settings.EVENT_SUBSCRIBERS_REQUIRED.items():
        event_type = defined.get(path)
        if event_type is None:
            problems.append(Error(f"Event type {path} is not defined.", id="quartier.E011"))
            continue
        modules = [getattr(h, "__module__", "") or "" for h in subscribed.get(event_type, [])]
        for app_name in app_names:
            if not apps.is_installed(app_name):
                continue
            if not any(module.startswith(app_name + ".") for module in modules):
                problems.append(
                    Error(
                        f"{app_name} does not subscribe to {path}.",
                        hint=f"Subscribe in {app_name}'s AppConfig.ready().",
                        id="quartier.E012",
                    )
                )
    return problems
