"""Browser tests: a live server thread serving the whole app, driven by Debian's Chromium.

The server runs in this process (so it uses the session's test database and tenants)
and answers on 127.0.0.1; Chromium resolves `*.localhost` to loopback, so pages are
opened as `http://telco.localhost:PORT/` and routed by the Host header like in
production.

The server's requests run on their own connections: they see committed data only. The
tests commit their own data (package fixtures, made unique per run) and delete it again
afterwards, so the other tests' rollback-based isolation never sees it. The tests carry
`django_db` only so that pytest-django creates the test database when they run alone;
their own transaction is invisible to the server, so writes during a test go through
`committed()`. Nothing here may write the append-only audit trail (it cannot
be cleaned up): the badge below is awarded directly, not through the audited service.
"""

import os
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connections
from django.db.models import Q
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from django.utils import timezone

from quartier.accounts.models import User
from quartier.accounts.services import user_create
from quartier.bookings.models import Booking, Message, Review
from quartier.catalog.models import Listing
from quartier.marketplace.models import AuditEntry
from quartier.providers.models import ProviderProfile
from quartier.trust.models import Badge, BadgeAward
from tests.bookings.factories import bookable_listing
from tests.catalog.factories import make_provider
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@dataclass
class Storefront:
    """One tenant's committed browser-test data."""

    handle: object
    base_url: str
    customer_email: str
    provider_email: str
    listing: Listing
    provider: ProviderProfile
    user_ids: list[int] = field(default_factory=list)
    admin_email: str = ""
    saved_theme: dict | None = None


@pytest.fixture(scope="package")
def _database(django_db_setup, django_db_blocker):
    """Database access for this package's tests and for the server thread (whose
    connections pytest-django would otherwise block)."""
    with django_db_blocker.unblock():
        yield


class _ClosingHandler(_StaticFilesHandler):
    """Closes the request thread's database connections after each request: Chromium
    keeps HTTP connections alive, and their threads would otherwise hold database
    sessions open past the end of the test run."""

    def __call__(self, environ, start_response):
        try:
            return super().__call__(environ, start_response)
        finally:
            connections.close_all()


@pytest.fixture(scope="package")
def live_server_port(_database):
    server = LiveServerThread("127.0.0.1", _ClosingHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield server.port
    server.terminate()


def _seed(handle, port: int, title: str, description: str) -> Storefront:
    # Short, random addresses: a long one can trip the password-similarity validator.
    run = uuid.uuid4().hex[:8]
    with handle.context():
        provider_user = user_create(
            email=f"p{run}@{handle.slug}.test",
            password=PASSWORD,
            full_name=f"Helper {handle.tenant.name}",
            role=User.Role.PROVIDER,
        )
        customer = user_create(
            email=f"c{run}@{handle.slug}.test",
            password=PASSWORD,
            full_name="Carla Kunde",
            role=User.Role.CUSTOMER,
        )
        profile = make_provider(user=provider_user, postal_code="8004", radius_km=10)
        listing = bookable_listing(
            provider=profile,
            title=title,
            description=description,
            francs=1250 if handle.slug == "acme" else 60,
            lead_minutes=0,
        )
        # As the "vetted" rule badge would be, without writing the audit trail.
        BadgeAward.objects.create(badge=Badge.objects.get(slug="vetted"), provider=profile)
        ProviderProfile.objects.filter(pk=profile.pk).update(badge_slugs=["vetted"])
        Listing.objects.filter(pk=listing.pk).update(badge_slugs=["vetted"])
        saved_theme = _brand(handle.slug)
    return Storefront(
        saved_theme=saved_theme,
        handle=handle,
        base_url=f"http://{handle.host}:{port}",
        customer_email=customer.email,
        provider_email=provider_user.email,
        listing=listing,
        provider=profile,
        user_ids=[provider_user.pk, customer.pk],
        admin_email=handle.users["admin"].email,
    )


def _brand(slug: str) -> dict | None:
    """Show the demo brand of telco and acme (two brands in the screenshots), written
    straight to the theme row: publishing through the service would add an audit entry
    that no cleanup could remove. Returns what _unbrand() restores."""
    from quartier.themes import tokens
    from quartier.themes.demo import DEMO_THEMES
    from quartier.themes.models import Theme
    from quartier.themes.selectors import published_cache_key

    theme = Theme.objects.filter(singleton=True).first()
    if theme is None or slug not in DEMO_THEMES:
        return None
    saved = {"published": theme.published, "version": theme.version}
    Theme.objects.filter(pk=theme.pk).update(
        published=tokens.tokens_validate({**theme.published, **DEMO_THEMES[slug]}),
        version=theme.version + 1,
    )
    cache.delete(published_cache_key())
    return saved


def _unbrand(saved: dict | None) -> None:
    from quartier.themes.models import Theme
    from quartier.themes.selectors import css_cache_key, published_cache_key

    if saved is None:
        return
    Theme.objects.filter(singleton=True).update(**saved)
    cache.delete(published_cache_key())
    cache.delete(css_cache_key(saved["version"] + 1))


def _clean(storefront: Storefront) -> None:
    with storefront.handle.context():
        _unbrand(storefront.saved_theme)
        users = storefront.user_ids
        bookings = Booking.objects.filter(Q(customer_id__in=users) | Q(provider__user_id__in=users))
        Review.objects.filter(booking__in=bookings).delete()
        Message.objects.filter(booking__in=bookings).delete()
        bookings.delete()
        Listing.objects.filter(provider__user_id__in=users).delete()
        ProviderProfile.objects.filter(user_id__in=users).delete()
        signed_in = {str(pk) for pk in users}
        for session in Session.objects.filter(expire_date__gt=timezone.now()):
            if str(session.get_decoded().get("_auth_user_id")) in signed_in:
                session.delete()
        User.objects.filter(pk__in=users).delete()


def committed(function) -> None:
    """Run `function` on a connection of its own (a new thread), committed at once."""
    errors = []

    def target():
        from django.db import connection

        try:
            function()
        except Exception as error:  # re-raised below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


def _audit_count(handle) -> int:
    with handle.context():
        return AuditEntry.objects.count()


@pytest.fixture(scope="package")
def storefronts(tenant_pair, live_server_port):
    """Committed data on telco and acme for the whole browser package, then removed."""
    telco, acme = tenant_pair
    audit_before = {handle.slug: _audit_count(handle) for handle in tenant_pair}
    created = {
        "telco": _seed(
            telco,
            live_server_port,
            "WLAN setup at home",
            "Router, Wi-Fi and printers set up at your place.",
        ),
        "acme": _seed(
            acme,
            live_server_port,
            "Tent and stove check",
            "Seams, poles and the camping stove checked before your trip.",
        ),
    }
    yield created
    for storefront in created.values():
        _clean(storefront)
    # Leftover audit rows could not be deleted and would break other tests' counts.
    assert {handle.slug: _audit_count(handle) for handle in tenant_pair} == audit_before


@pytest.fixture(scope="package")
def journey_storefront(tenant_pair, live_server_port):
    """A marketplace of its own for the full journey, purged afterwards: completing a
    job writes the append-only ledger (billing), which no cleanup could remove from the
    shared tenants; dropping the whole schema does."""
    from quartier.platform.tenancy import public_context
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"journey{uuid.uuid4().hex[:6]}", "Journey Helpers")
    storefront = _seed(
        handle,
        live_server_port,
        "WLAN setup at home",
        "Router, Wi-Fi and printers set up at your place.",
    )
    yield storefront
    with public_context():
        tenant_delete(tenant=handle.tenant, reason="browser test done")
        tenant_purge(tenant=handle.tenant)


@pytest.fixture(scope="package")
def browser(_database):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread, which makes Django
    # refuse database calls here as "async"; the calls really are synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
            # While Playwright runs, the tests' database connection is a separate one
            # (Django keys connections by context); close it before the loop goes.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Runs in every page before its own scripts: hands each Content-Security-Policy violation
# (enforced or report-only) to the test through a binding, which survives navigations.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__quartierCspViolation({
    page: document.location.href,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    line: event.lineNumber,
  });
});
"""


@pytest.fixture
def csp_violations():
    """CSP violations seen by the test's browser contexts; none may remain at the end."""
    found: list = []
    yield found
    assert found == [], f"Content-Security-Policy violations: {found}"


def watch_csp(context, found: list) -> None:
    """Record every CSP violation of `context`'s pages in `found`: the DOM event, and
    Chromium's console message (which also names violations the event does not reach)."""
    context.expose_binding("__quartierCspViolation", lambda source, report: found.append(report))
    context.add_init_script(_REPORT_CSP_VIOLATIONS)

    def console(message):
        if "Content Security Policy" in message.text:
            found.append({"console": message.text[:500]})

    context.on("console", console)


@pytest.fixture
def new_context(browser, csp_violations):
    """Fresh browser contexts (separate cookies: one per person), closed afterwards; any
    Content-Security-Policy violation on their pages fails the test."""
    contexts = []

    def make():
        context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
        context.set_default_timeout(15_000)
        watch_csp(context, csp_violations)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.content()[:2000]


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the current page."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run scripts/ensure-axe (make test does)")
    # Evaluated through DevTools rather than added as a <script> element: the page's
    # Content-Security-Policy (rightly) refuses an inline script without its nonce.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["html"][:200] for node in violation["nodes"][:5]],
        }
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def check_phone_page(page, screenshot: str) -> None:
    """The page fits its width, has no serious or critical axe finding, and is kept as
    test-artifacts/screenshots/<screenshot>.png."""
    page.wait_for_load_state()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (screenshot, widths)
    violations = axe_violations(page)
    assert violations == [], (screenshot, violations)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"), full_page=True)
