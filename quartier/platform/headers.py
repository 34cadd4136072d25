"""Security headers that Django and django-csp do not set themselves."""

from functools import wraps

from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_sameorigin


def _permissions_policy(features: dict[str, list[str]]) -> str:
    return ", ".join(f"{name}=({' '.join(origins)})" for name, origins in features.items())


class PermissionsPolicyMiddleware:
    """Sends PERMISSIONS_POLICY (feature -> allowed origins; empty denies it everywhere)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = _permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


def framed_by_same_origin(view):
    """The page may be shown in a frame of its own host (X-Frame-Options and CSP alike);
    every other page refuses any frame."""
    same_origin = {"frame-ancestors": ["'self'"]}

    @xframe_options_sameorigin
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # django-csp reads these per response, for the enforced and the report-only policy.
        response._csp_replace = same_origin
        response._csp_replace_ro = same_origin
        return response

    return wrapped


def stripe_js_allowed(view):
    """The page may load Stripe.js and show its frames (the card step of a payment).

    Only pages that mount Stripe's elements take it: STRIPE_JS_ORIGIN is in no other
    page's policy, so a script injected elsewhere cannot load it either.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        origin = [settings.STRIPE_JS_ORIGIN]
        allowed = {"script-src": origin, "frame-src": origin, "connect-src": origin}
        response._csp_update = allowed
        response._csp_update_ro = allowed
        return response

    return wrapped


def stripe_connect_allowed(view):
    """The page's forms may lead to Stripe's hosted Connect onboarding (payout setup).

    The onboarding form posts to our own host, which answers with a redirect to Stripe;
    a browser checks form-action against that redirect too, so only pages showing the
    form add STRIPE_CONNECT_ORIGIN to it.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        allowed = {"form-action": [settings.STRIPE_CONNECT_ORIGIN]}
        response._csp_update = allowed
        response._csp_update_ro = allowed
        return response

    return wrapped
