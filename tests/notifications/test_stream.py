"""The event stream against a real uvicorn process and a real Redis.

The server runs in its own process on its own database connections: it sees committed
data only, so these tests commit the sessions they use (and delete them afterwards).
"""

import http.client
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection

from quartier.notifications import live
from quartier.notifications.models import Notification
from quartier.outbox.models import OutboxMessage
from tests.notifications.servers import REDIS_URL, redis_available, run_prefix, uvicorn_server

PREFIX = run_prefix()
pytestmark = pytest.mark.skipif(not redis_available(), reason="needs Redis")


@pytest.fixture(autouse=True)
def _database(db):
    """The session's tenants are provisioned behind the `db` fixture (its test
    transaction stays empty here: what the server must see is committed)."""


@pytest.fixture(scope="module")
def _unblocked(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def server(_unblocked, tenant_pair):
    with uvicorn_server(prefix=PREFIX) as port:
        yield port


@pytest.fixture
def live_settings(settings):
    settings.LIVE_REDIS_URL = REDIS_URL
    settings.LIVE_KEY_PREFIX = PREFIX
    live._client.cache_clear()
    return settings


def committed(function):
    """Run `function` on a connection of its own (a new thread), committed at once."""
    result, errors = [], []

    def target():
        try:
            result.append(function())
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    return result[0]


@pytest.fixture
def sessions(_unblocked, tenant_pair):
    """`sessions(handle, role)` -> a committed session key of that user."""
    made = []

    def make(handle, role):
        from django.contrib.sessions.backends.db import SessionStore

        user = handle.users[role]

        def create():
            with handle.context():
                store = SessionStore()
                store[SESSION_KEY] = str(user.pk)
                store[BACKEND_SESSION_KEY] = django_settings.AUTHENTICATION_BACKENDS[0]
                store[HASH_SESSION_KEY] = user.get_session_auth_hash()
                store.create()
                return store.session_key

        key = committed(create)
        made.append((handle, key))
        return key

    yield make

    def delete():
        for handle, key in made:
            with handle.context():
                Session.objects.filter(session_key=key).delete()

    committed(delete)


class Stream:
    """A raw SSE reader: the frames of one open /events/stream/ response."""

    def __init__(self, port: int, host: str, session_key: str = "", last_event_id: str = ""):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Host": f"{host}:{port}", "Accept": "text/event-stream"}
        if session_key:
            headers["Cookie"] = f"{django_settings.SESSION_COOKIE_NAME}={session_key}"
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", "/events/stream/", headers=headers)
        self.response = self.connection.getresponse()
        self.comments = 0

    def frames(self, count: int, seconds: float = 5.0) -> list[dict]:
        """The next `count` events (id, event, data), waiting at most `seconds` for each."""
        self.connection.sock.settimeout(seconds)
        deadline = time.monotonic() + seconds * count
        found, frame = [], {}
        while len(found) < count:
            if time.monotonic() > deadline:  # heartbeats alone never end the wait
                raise TimeoutError(f"{len(found)} of {count} events arrived")
            # readline() of the response decodes the chunked transfer encoding
            line = self.response.readline().decode().rstrip("\r\n")
            if line.startswith(":"):
                self.comments += 1
            elif line == "":
                if "event" in frame:
                    found.append(frame)
                frame = {}
            else:
                name, _colon, value = line.partition(": ")
                frame[name] = value
        return found

    def nothing_more(self, seconds: float = 1.5) -> bool:
        try:
            extra = self.frames(1, seconds=seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected event {extra}")

    def close(self):
        self.connection.close()


def _publish(handle, role, text):
    return live.publish_to_user(
        schema=handle.tenant.schema_name,
        user_id=handle.users[role].pk,
        event="notification",
        data={"title": text},
    )


def _titles(frames) -> list[str]:
    import json

    return [json.loads(frame["data"])["title"] for frame in frames]


def test_a_stream_without_a_session_is_refused(server, tenant_pair):
    tenant_a, _tenant_b = tenant_pair

    anonymous = Stream(server, tenant_a.host)
    forged = Stream(server, tenant_a.host, session_key="not-a-session-key")

    assert (anonymous.response.status, anonymous.response.read()) == (401, b"Sign in first.\n")
    assert forged.response.status == 401


def test_each_stream_gets_only_its_own_users_events_while_two_tenants_publish(
    server, tenant_pair, sessions, live_settings
):
    tenant_a, tenant_b = tenant_pair
    # user ids repeat across tenants: only the schema tells these two customers apart
    assert tenant_a.users["customer"].pk == tenant_b.users["customer"].pk
    streams = {
        ("a", "customer"): Stream(server, tenant_a.host, sessions(tenant_a, "customer")),
        ("b", "customer"): Stream(server, tenant_b.host, sessions(tenant_b, "customer")),
        ("a", "provider"): Stream(server, tenant_a.host, sessions(tenant_a, "provider")),
    }
    for stream in streams.values():
        assert stream.response.status == 200
        assert stream.response.getheader("Content-Type") == "text/event-stream"
        assert stream.response.getheader("Cache-Control") == "no-cache, no-transform"
        assert stream.response.getheader("X-Accel-Buffering") == "no"
    handles = {"a": tenant_a, "b": tenant_b}
    sent = {key: [f"{key[0]}-{key[1]}-{number}" for number in range(20)] for key in streams}

    def publish_all(key):
        for text in sent[key]:
            _publish(handles[key[0]], key[1], text)

    publishers = [threading.Thread(target=publish_all, args=(key,)) for key in streams]
    for publisher in publishers:
        publisher.start()
    for publisher in publishers:
        publisher.join()

    for key, stream in streams.items():
        assert _titles(stream.frames(20)) == sent[key]
        assert stream.nothing_more()
        stream.close()


def test_last_event_id_resumes_with_the_missed_events(server, tenant_pair, sessions, live_settings):
    tenant_a, _tenant_b = tenant_pair
    key = sessions(tenant_a, "customer")
    first = Stream(server, tenant_a.host, key)
    _publish(tenant_a, "customer", "seen")
    (seen,) = first.frames(1)
    first.close()

    _publish(tenant_a, "customer", "missed 1")
    _publish(tenant_a, "customer", "missed 2")
    resumed = Stream(server, tenant_a.host, key, last_event_id=seen["id"])
    replayed = resumed.frames(2)
    _publish(tenant_a, "customer", "live")
    (after,) = resumed.frames(1)

    assert _titles(replayed) == ["missed 1", "missed 2"]
    assert _titles([after]) == ["live"]
    assert resumed.nothing_more()
    assert resumed.comments >= 1  # the heartbeat (every second in this server)
    resumed.close()


@pytest.mark.parametrize("forgery", ["other-user", "same-tenant-user", "unknown", "garbage"])
def test_a_forged_last_event_id_starts_fresh(server, tenant_pair, sessions, live_settings, forgery):
    tenant_a, tenant_b = tenant_pair
    _publish(tenant_a, "customer", "old news")
    foreign = _publish(tenant_b, "customer", "someone else's")  # same user id, tenant B
    _publish(tenant_b, "customer", "someone else's too")
    # another user of the same tenant: an id of their log, then events after it
    neighbour = _publish(tenant_a, "provider", "the provider's")
    _publish(tenant_a, "provider", "the provider's too")
    forged = {
        "other-user": foreign,
        "same-tenant-user": neighbour,
        "unknown": "99999999999999-0",
        "garbage": "1-0 or 1=1",
    }[forgery]

    stream = Stream(server, tenant_a.host, sessions(tenant_a, "customer"), last_event_id=forged)
    _publish(tenant_a, "customer", "fresh")

    assert _titles(stream.frames(1)) == ["fresh"]
    assert stream.nothing_more()
    stream.close()


def test_a_committed_notification_reaches_the_open_stream_through_the_outbox(
    server, tenant_pair, sessions, live_settings
):
    tenant_a, _tenant_b = tenant_pair
    stream = Stream(server, tenant_a.host, sessions(tenant_a, "provider"))
    provider = tenant_a.users["provider"]

    def notify():
        from quartier.notifications.services import notifications_create

        with tenant_a.context():
            (notification,) = notifications_create(
                recipient_ids=[provider.pk], kind="broadcast_invite", url="/bookings/1/"
            )
            return notification.pk

    pk = committed(notify)
    try:
        (frame,) = stream.frames(1)
    finally:
        stream.close()

        def clean():
            with tenant_a.context():
                Notification.objects.filter(pk=pk).delete()
                OutboxMessage.objects.filter(dedupe_key=f"notification:{pk}:live").delete()

        committed(clean)

    import json

    assert frame["event"] == "notification"
    assert json.loads(frame["data"]) == {
        "id": pk,
        "kind": "broadcast_invite",
        "title": "Urgent request near you",
        "url": "/bookings/1/",
        "unread": 1,
    }


def test_one_fan_out_row_reaches_each_recipients_own_stream_only(
    server, tenant_pair, sessions, live_settings
):
    """A broadcast's notifications travel as one outbox row and one Redis pipeline:
    each recipient still gets exactly its own event and its own unread count."""
    import json

    tenant_a, tenant_b = tenant_pair
    provider = Stream(server, tenant_a.host, sessions(tenant_a, "provider"))
    customer = Stream(server, tenant_a.host, sessions(tenant_a, "customer"))
    other_tenant = Stream(server, tenant_b.host, sessions(tenant_b, "provider"))
    recipients = [tenant_a.users["provider"].pk, tenant_a.users["customer"].pk]

    def notify():
        from quartier.notifications.services import notifications_create

        with tenant_a.context():
            notifications_create(recipient_ids=recipients[:1], kind="message_received")
            return [
                n.pk
                for n in notifications_create(recipient_ids=recipients, kind="message_received")
            ]

    pks = committed(notify)
    try:
        provider_frames = provider.frames(2)
        (customer_frame,) = customer.frames(1)
        assert customer.nothing_more(seconds=0.5)
        assert other_tenant.nothing_more(seconds=0.5)
    finally:
        for stream in (provider, customer, other_tenant):
            stream.close()

        def clean():
            with tenant_a.context():
                Notification.objects.filter(recipient_id__in=recipients).delete()
                OutboxMessage.objects.filter(kind="notifications.live").delete()

        committed(clean)

    provider_data = [json.loads(frame["data"]) for frame in provider_frames]
    customer_data = json.loads(customer_frame["data"])
    assert [(d["id"], d["unread"]) for d in provider_data][-1] == (pks[0], 2)
    assert (customer_data["id"], customer_data["unread"]) == (pks[1], 1)
