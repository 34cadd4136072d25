"""Live dispatch: a broadcast reaches 500 open helper pages, against the e-mail path.

Run: .venv/bin/python bench/dispatch.py [--helpers 500] [--others 100] [--rounds 3]
                                        [--workers 2]

Set-up: two tenants on a fresh database; `helpers` vetted providers with a published
listing around 8004 Zürich on tenant 1 and `others` on tenant 2, each with a session.
Production's processes, each its own OS process: uvicorn serving quartier.config.asgi
(DEBUG off, one worker), a Celery worker (prefork, `--workers` processes) on a Redis
broker, Redis pub/sub for the live channel (DB 13, a prefix of its own), and an SMTP
sink on loopback that the e-mails go to through Django's SMTP backend. One asyncio
client process (bench/_sse_client.py) opens every helper's /events/stream/.

Each round a customer of tenant 1 posts a broadcast (`booking_broadcast`), which invites
the `helpers`; the clock starts in `transaction.on_commit`, registered before any of the
service's own callbacks, i.e. right after COMMIT. The same commit queues both channels
through the outbox: one live row per helper (Redis XADD + PUBLISH, then the hub hands it
to the open stream) and one mail row for the booking event (an e-mail to each helper).
Live latency: commit -> the frame read by the client, per stream. Baseline: commit -> the
SMTP sink has received that helper's message (end of DATA); that is the e-mail path's
delivery to the mail server, as close to "sent" as this machine can honestly measure
(no inbox here: a real MTA and the recipient's mail client only add to it).
Reports per round and the medians over rounds; asserts tenant 2's streams got nothing.
Prints one JSON line.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from _setup import ROOT, bench_database, median, percentile

REDIS = "redis://127.0.0.1:6379/13"
POSTAL_CODE = "8004"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--helpers", type=int, default=500)
    parser.add_argument("--others", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    prefix = f"quartier-live-bench-{uuid.uuid4().hex[:8]}"
    sink = SmtpSink()
    os.environ["CELERY_BROKER_URL"] = REDIS
    os.environ["LIVE_REDIS_URL"] = REDIS
    os.environ["LIVE_KEY_PREFIX"] = prefix
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    os.environ["EMAIL_HOST"] = "127.0.0.1"
    os.environ["EMAIL_PORT"] = str(sink.port)
    os.environ["DEBUG"] = "false"
    with bench_database("quartier_bench_dispatch"):
        try:
            figures = run(arguments, sink, prefix)
        finally:
            _redis_cleanup(prefix)
    print(json.dumps(figures))


def run(arguments, sink, prefix: str) -> dict:
    from django.core.management import call_command

    from quartier.platform.tenancy import tenant_context
    from quartier.tenants.services import tenant_provision

    call_command("migrate", verbosity=0, no_pool=True)
    started = time.perf_counter()
    first = tenant_provision(name="Dispatch one", slug="dispatch-one", admin_email="a@bench.test")
    second = tenant_provision(name="Dispatch two", slug="dispatch-two", admin_email="b@bench.test")
    streams = []
    with tenant_context(first.tenant):
        streams += _helpers(arguments.helpers, tenant=1)
        customer = _customer()
    with tenant_context(second.tenant):
        streams += _helpers(arguments.others, tenant=2)
    seed_s = time.perf_counter() - started
    with _processes(arguments.workers) as port:
        client = _client(port, streams)
        rounds = []
        for number in range(arguments.rounds):
            with tenant_context(first.tenant):
                rounds.append(_round(number, customer, sink, arguments.helpers))
        client.stdin.write("stop\n")
        client.stdin.flush()
        received = json.loads(client.stdout.readline())
        client.wait(timeout=30)
    return _figures(arguments, rounds, received, seed_s)


def _helpers(count: int, *, tenant: int) -> list[dict]:
    """Vetted providers with a published listing serving POSTAL_CODE, and a session."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from quartier.accounts.models import User
    from quartier.catalog.models import Category, Listing
    from quartier.catalog.services.listings import listing_create, listing_set_status
    from quartier.platform.money import Money
    from quartier.providers.models import ProviderProfile
    from quartier.providers.services import provider_profile_create
    from quartier.tenants.models import Domain

    host = Domain.objects.get(tenant=connection.tenant, is_primary=True).domain
    category = Category.objects.get(slug="router-setup")
    unusable = make_password(None)
    made = []
    for index in range(count):
        user = User.objects.create(
            email=f"h{index}@t{tenant}.bench.test", password=unusable, role=User.Role.PROVIDER
        )
        profile = provider_profile_create(
            user=user, display_name=f"H{index}", home_postal_code=POSTAL_CODE
        )
        ProviderProfile.objects.filter(pk=profile.pk).update(is_vetted=True)
        listing = listing_create(
            provider=profile,
            category=category,
            title="WLAN",
            price=Money(6000, "CHF"),
            duration_minutes=60,
        )
        listing_set_status(listing=listing, status=Listing.Status.PUBLISHED)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        made.append(
            {
                "host": host,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}",
                "tenant": tenant,
                "email": user.email,
            }
        )
    return made


def _customer():
    from django.contrib.auth.hashers import make_password

    from quartier.accounts.models import User

    return User.objects.create(email="customer@bench.test", password=make_password(None))


def _round(number: int, customer, sink, helpers: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from quartier.bookings.services.requests import booking_broadcast
    from quartier.catalog.models import Category

    category = Category.objects.get(slug="router-setup")
    sink.reset()
    commit: list[float] = []
    with transaction.atomic():
        # Registered first, so it runs before the outbox's own after-commit kicks.
        transaction.on_commit(lambda: commit.append(time.time()))
        booking = booking_broadcast(
            customer=customer,
            category=category,
            postal_code=POSTAL_CODE,
            starts_at=timezone.now() + timedelta(hours=2 + number),
        )
    invited = booking.invites.count()
    _wait_for_outbox(seconds=120)
    sink.wait_for(helpers, seconds=30)
    time.sleep(1.0)  # the last frames reach the client
    return {"commit": commit[0], "invited": invited, "mail": sink.times()}


def _wait_for_outbox(seconds: float) -> None:
    from quartier.outbox.models import OutboxMessage

    deadline = time.monotonic() + seconds
    while OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists():
        if time.monotonic() > deadline:
            raise SystemExit("the outbox was not delivered in time")
        time.sleep(0.05)


def _figures(arguments, rounds: list[dict], received: dict, seed_s: float) -> dict:
    events = received["events"]
    leaked = sum(1 for _stream, tenant, _at in events if tenant != 1)
    per_round = []
    for index, current in enumerate(rounds):
        end = rounds[index + 1]["commit"] if index + 1 < len(rounds) else float("inf")
        first_seen: dict[int, float] = {}
        for stream, tenant, at in events:
            if tenant == 1 and current["commit"] <= at < end:
                first_seen.setdefault(stream, at)
        live = [(at - current["commit"]) * 1000 for at in first_seen.values()]
        mail = [(at - current["commit"]) * 1000 for at in current["mail"]]
        per_round.append(
            {
                "invited": current["invited"],
                "delivered": len(live),
                "p50_ms": round(median(live), 1) if live else None,
                "p95_ms": round(percentile(live, 0.95), 1) if live else None,
                "max_ms": round(max(live), 1) if live else None,
                "mails": len(mail),
                "mail_p50_ms": round(median(mail), 1) if mail else None,
                "mail_p95_ms": round(percentile(mail, 0.95), 1) if mail else None,
                "mail_max_ms": round(max(mail), 1) if mail else None,
            }
        )
    if leaked:
        raise SystemExit(f"{leaked} events reached tenant 2's streams")

    def middle(key):
        values = [r[key] for r in per_round if r[key] is not None]
        return round(median(values), 1) if values else None

    p95, mail_p95 = middle("p95_ms"), middle("mail_p95_ms")
    return {
        "helpers": arguments.helpers,
        "others": arguments.others,
        "rounds": arguments.rounds,
        "workers": arguments.workers,
        "seed_s": round(seed_s, 1),
        "refused": len(received["refused"]),
        "delivered_min": min(r["delivered"] for r in per_round),
        "tenant2_events": leaked,
        "p50_ms": middle("p50_ms"),
        "p95_ms": p95,
        "max_ms": middle("max_ms"),
        "mail_p50_ms": middle("mail_p50_ms"),
        "mail_p95_ms": mail_p95,
        "mail_max_ms": middle("mail_max_ms"),
        "ratio": round(mail_p95 / p95, 1) if p95 and mail_p95 else None,
        "per_round": per_round,
    }


class _Processes:
    def __init__(self, workers: int):
        self.workers = workers
        self.children: list[subprocess.Popen] = []

    def __enter__(self) -> int:
        from django.db import connections

        connections.close_all()
        environment = {**os.environ, "PYTHONPATH": str(ROOT)}
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "quartier.config.asgi:application"]
            + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT,
            env=environment,
        )
        self.children.append(server)
        self.children.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "quartier.config.celery_app", "worker"]
                + ["--pool", "prefork", "--concurrency", str(self.workers)]
                + ["-Q", "quartier", "--loglevel", "warning", "--without-gossip"]
                + ["--without-mingle", "--without-heartbeat"],
                cwd=ROOT,
                env=environment,
            )
        )
        _wait_for_port(port, server, seconds=60)
        time.sleep(3)  # the worker connects to the broker
        return port

    def __exit__(self, *exc) -> None:
        for child in self.children:
            child.terminate()
        for child in self.children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=10)


def _processes(workers: int) -> _Processes:
    return _Processes(workers)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("uvicorn exited")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("uvicorn did not start")


def _client(port: int, streams: list[dict]) -> subprocess.Popen:
    client = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("_sse_client.py")), str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    client.stdin.write(json.dumps(streams) + "\n")
    client.stdin.flush()
    ready = client.stdout.readline().split()
    if not ready or ready[0] != "ready":
        raise SystemExit(f"the stream client did not get ready: {ready}")
    print(f"{ready[1]} streams open in {ready[2]} s", file=sys.stderr)
    return client


class SmtpSink:
    """A minimal SMTP server on loopback, in a thread of its own event loop: notes the
    time each message's DATA ends. Accepts everything, stores nothing."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self._times: list[float] = []
        self._lock = threading.Lock()
        ready = threading.Event()
        holder = {}

        def serve():
            asyncio.set_event_loop(self.loop)
            server = self.loop.run_until_complete(
                asyncio.start_server(self._session, "127.0.0.1", 0)
            )
            holder["port"] = server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        ready.wait()
        self.port = holder["port"]

    async def _session(self, reader, writer) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go on\r\n")
                await writer.drain()
                while (await reader.readline()) not in (b".\r\n", b""):
                    pass
                with self._lock:
                    self._times.append(time.time())
                writer.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()

    def reset(self) -> None:
        with self._lock:
            self._times = []

    def times(self) -> list[float]:
        with self._lock:
            return list(self._times)

    def wait_for(self, count: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while len(self.times()) < count and time.monotonic() < deadline:
            time.sleep(0.05)


def _redis_cleanup(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}-log:*"):
        client.delete(key)


if __name__ == "__main__":
    main()
