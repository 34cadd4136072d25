"""Security headers of every response: Content-Security-Policy, Permissions-Policy.

The policy is strict: scripts and styles come from our own origin, or carry the
request's nonce (`request.csp_nonce`); no inline event handlers, no inline `style`
attributes, no plugins, no foreign frames. Development only reports violations (in the
browser's console), so a page under construction still works; test and production
enforce it, and the browser tests fail on any violation.
"""

from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF

from quartier.config.settings.storage import S3_BUCKET, S3_ENDPOINT_URL, S3_REGION
from quartier.platform.env import deployment, env_list, env_str


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _media_origins() -> list[str]:
    """Where uploaded images (logos, photos) are served from, when not from our host."""
    if not S3_BUCKET:
        return []
    if S3_ENDPOINT_URL:
        return [_origin(S3_ENDPOINT_URL)]
    return [
        f"https://{S3_BUCKET}.s3.{S3_REGION}.amazonaws.com",
        f"https://s3.{S3_REGION}.amazonaws.com",
    ]


# Stripe.js, for the card step of online payments. In no page's policy by default: the
# page that mounts Stripe's card element takes it with platform.headers.stripe_js_allowed
# (scripts and frames). Its wallets would also need `payment` in PERMISSIONS_POLICY.
STRIPE_JS_ORIGIN = env_str("STRIPE_JS_ORIGIN", "https://js.stripe.com")
# Where the payout onboarding form's answer sends the helper (Stripe's hosted Connect
# onboarding): form-action follows redirects, so the pages with that form allow it.
STRIPE_CONNECT_ORIGIN = env_str("STRIPE_CONNECT_ORIGIN", "https://connect.stripe.com")

CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    # The nonce serves the few third-party templates with an inline <style> (API docs).
    "style-src": [SELF, NONCE],
    # data: for the SVG icons inside stylesheets (API docs).
    "img-src": [SELF, "data:", *_media_origins(), *env_list("CSP_EXTRA_IMG_ORIGINS")],
    "font-src": [SELF],
    "connect-src": [SELF],
    # The theme editor previews the storefront in a frame of the same host.
    "frame-src": [SELF],
    # Pages that may be framed by their own host say so (platform.headers.framed_by_same_origin).
    "frame-ancestors": [NONE],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
}

if deployment() == "development":
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}

# Browser features no page of ours uses: denied to the page and to any frame in it.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}
