"""Shared fixtures: two tenants provisioned once per session, with users and clients.

Creating schemas per test is what makes django-tenants suites take hours, so the
tenants below are committed once (outside any test transaction) and every test runs
inside a transaction that is rolled back, on whichever schema its requests touch.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import translation
from rest_framework.test import APIClient

from quartier.accounts.models import User
from quartier.accounts.services import token_issue, user_create
from quartier.platform import tenant_cache
from quartier.platform.tenancy import public_context, tenant_context
from quartier.tenants.models import Tenant
from quartier.tenants.services import tenant_provision

PASSWORD = "correct-horse-battery-staple"
PLATFORM_HOST = "localhost"


@dataclass
class TenantHandle:
    """One provisioned tenant with an admin, a provider and a customer."""

    tenant: Tenant
    host: str
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.tenant.slug

    def client(self, role: str | None = None, *, token: str | None = None) -> APIClient:
        """An API client on this tenant's host, authenticated as `role` (or anonymous)."""
        client = APIClient(HTTP_HOST=self.host)
        token = token or (self.tokens[role] if role else None)
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    def session_client(self, role: str) -> APIClient:
        client = APIClient(HTTP_HOST=self.host)
        with tenant_context(self.tenant):
            client.force_login(self.users[role])
        return client

    def context(self):
        return tenant_context(self.tenant)


def _provision(slug: str, name: str) -> TenantHandle:
    provisioned = tenant_provision(
        name=name,
        slug=slug,
        admin_email=f"admin@{slug}.test",
        admin_password=PASSWORD,
        language="en",
    )
    handle = TenantHandle(tenant=provisioned.tenant, host=f"{slug}.{PLATFORM_HOST}")
    with tenant_context(provisioned.tenant):
        handle.users["admin"] = User.objects.get(email=f"admin@{slug}.test")
        handle.users["provider"] = user_create(
            email=f"provider@{slug}.test",
            password=PASSWORD,
            full_name=f"{name} Provider",
            role=User.Role.PROVIDER,
        )
        handle.users["customer"] = user_create(
            email=f"customer@{slug}.test",
            password=PASSWORD,
            full_name=f"{name} Customer",
            role=User.Role.CUSTOMER,
        )
        handle.tokens = {role: token_issue(user=user) for role, user in handle.users.items()}
    return handle


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,  # per-worker database names under xdist
):
    """pytest-django's set-up, except that the test database is always created.

    pytest-django creates it only when some collected test asks for `db` (or carries the
    django_db mark). A module whose tests use committed data only, such as
    tests/bookings/test_concurrency.py run on its own, then got no test database: its
    fixtures ran against the development database ("relation tenants_plan does not
    exist" on an empty one, or worse, tenants provisioned in a real one).
    """
    from django.db import DEFAULT_DB_ALIAS
    from django.test.utils import setup_databases, teardown_databases

    keep = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        databases = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={DEFAULT_DB_ALIAS},
            serialized_aliases=set(),
            keepdb=keep,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(databases, verbosity=request.config.option.verbose)


@pytest.fixture(scope="session")
def tenant_pair(django_db_setup, django_db_blocker) -> tuple[TenantHandle, TenantHandle]:
    """Tenant A ("telco") and tenant B ("acme"), committed for the whole session."""
    with django_db_blocker.unblock(), public_context():
        pair = (_provision("telco", "Telco Friends"), _provision("acme", "Acme Outdoor"))
        for handle in pair:
            extend_tenant(handle)
    return pair


def extend_tenant(handle: TenantHandle) -> None:
    """Hook for per-app session data (catalog, bookings...) on the shared tenants."""
    for seed in SESSION_SEEDS:
        with handle.context():
            seed(handle)


# Apps append functions (handle) -> None that add committed data to both tenants.
SESSION_SEEDS: list = []


@pytest.fixture
def tenant_a(tenant_pair, db) -> TenantHandle:
    return tenant_pair[0]


@pytest.fixture
def tenant_b(tenant_pair, db) -> TenantHandle:
    return tenant_pair[1]


@pytest.fixture(scope="session")
def operator_token(django_db_setup, django_db_blocker) -> str:
    with django_db_blocker.unblock(), public_context():
        staff = User.objects.filter(
            email="ops@platform.test"
        ).first() or User.objects.create_superuser(email="ops@platform.test", password=PASSWORD)
        return token_issue(user=staff)


@pytest.fixture
def operator_client(operator_token, db) -> APIClient:
    client = APIClient(HTTP_HOST=PLATFORM_HOST)
    client.credentials(HTTP_AUTHORIZATION=f"Token {operator_token}")
    return client


@pytest.fixture(autouse=True)
def _fresh_state_between_tests():
    """Each test starts on the public schema, in English, with empty caches.

    Requests leave the connection on their tenant's schema and the thread in the
    language they were answered in (a test after a German page would otherwise see
    German messages, depending on the order tests run in), and a rolled-back test may
    have cached what it saw (a suspended tenant, say) that no longer exists.
    """
    connection.set_schema_to_public()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    connection.set_schema_to_public()
    translation.activate(settings.LANGUAGE_CODE)
    for alias in ("default", "platform"):
        caches[alias].clear()
    tenant_cache.forget_pending()


class NetworkGuard:
    """How many atomic blocks belong to the test's scaffolding rather than the code."""

    def __init__(self, baseline: int) -> None:
        self.baseline = baseline

    @contextmanager
    def scaffolding_transaction(self):
        """An atomic block the test opens around a request (to roll it back) is not the
        code's: the code under test must still open none around a network call."""
        with transaction.atomic():
            self.baseline += 1
            try:
                yield
            finally:
                self.baseline -= 1
                transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def network_guard(request, monkeypatch) -> NetworkGuard:
    """Stripe, mail and text messages are never sent while a transaction is open.

    A network call inside a transaction holds its row locks for as long as the other
    side takes to answer. Installed for every test, so each billing, bookings, trust and
    accounts test proves it. A `db` test runs inside its own transaction: only atomic
    blocks opened beyond the ones open when the test starts count.
    """
    from django.core.mail.backends.locmem import EmailBackend

    from quartier.accounts.sms import LocmemSMS
    from quartier.billing import gateway

    if "db" in request.fixturenames:
        request.getfixturevalue("db")  # its transaction is open before the baseline
    network = NetworkGuard(len(connection.atomic_blocks))

    def guarded(what, call):
        def guard(*args, **kwargs):
            opened = len(connection.atomic_blocks) - network.baseline
            if opened > 0:
                pytest.fail(f"{what} called inside a transaction ({opened} atomic block open)")
            return call(*args, **kwargs)

        return guard

    monkeypatch.setattr(gateway, "call", guarded("Stripe", gateway.call))
    monkeypatch.setattr(EmailBackend, "send_messages", guarded("Mail", EmailBackend.send_messages))
    monkeypatch.setattr(LocmemSMS, "send", guarded("SMS", LocmemSMS.send))
    return network


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process, seconds: float = 20.0) -> None:
    import socket
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@pytest.fixture(scope="session")
def moto_s3():
    """A real S3-compatible server (moto_server) on a free port, for the whole session."""
    import subprocess
    import sys
    from pathlib import Path

    port = free_port()
    binary = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def stripe_servers():
    """localstripe behind the Connect/fault front server (tests/billing/stripe_servers.py)."""
    from tests.billing.stripe_servers import StripeServers

    servers = StripeServers()
    try:
        yield servers
    finally:
        servers.stop()


STRIPE_WEBHOOK_SECRET = "whsec_quartier_tests"


@pytest.fixture
def stripe(settings, stripe_servers):
    """The application pointed at the Stripe test servers, with fast retries."""
    settings.STRIPE_SECRET_KEY = "sk_test_quartier"
    settings.STRIPE_API_BASE = stripe_servers.api_base
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_TIMEOUT_SECONDS = 1
    settings.STRIPE_RETRY_BACKOFF_SECONDS = 0.01
    stripe_servers.clear_faults()
    yield stripe_servers
    stripe_servers.clear_faults()
