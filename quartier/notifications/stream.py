"""`/events/stream/`: Server-Sent Events for the signed-in user, served under ASGI.

One Redis pattern subscriber per process hands each message to the queues of the
streams open for its channel, so Redis sees two connections per process however many
pages are open. A stream checks the session once, then gives its database connections
back before it starts: an open page must not pin a PostgreSQL connection.
"""

from __future__ import annotations

import asyncio
import json
import logging

import redis.asyncio as redis_async
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse

from quartier.notifications import live

logger = logging.getLogger(__name__)

HEADERS = {
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",
}
QUEUE_SIZE = 256
# How long the browser waits before it reconnects after a stream ends.
RETRY_MILLISECONDS = 3000


class Hub:
    """The process's one pattern subscription and the queues of its open streams."""

    def __init__(self, url: str):
        self.url = url
        self.client = redis_async.Redis.from_url(url, decode_responses=True)
        self.listeners: dict[str, set[Listener]] = {}
        self._task: asyncio.Task | None = None
        self._subscribed = asyncio.Event()

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._listen())
        await self._subscribed.wait()

    async def _listen(self) -> None:
        while True:
            pubsub = self.client.pubsub()
            try:
                await pubsub.psubscribe(live.channel_pattern())
                self._subscribed.set()
                async for message in pubsub.listen():
                    if message["type"] == "pmessage":
                        self._hand_out(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except (redis_async.RedisError, OSError):
                logger.warning("live hub lost Redis, resubscribing", exc_info=True)
                await asyncio.sleep(1)
            finally:
                await pubsub.aclose()

    def _hand_out(self, channel: str, data: str) -> None:
        for listener in list(self.listeners.get(channel, ())):
            try:
                listener.queue.put_nowait(data)
            except asyncio.QueueFull:
                # A reader that far behind is closed; it resumes with Last-Event-ID.
                listener.overflowed = True

    def add(self, channel: str, listener: Listener) -> None:
        self.listeners.setdefault(channel, set()).add(listener)

    def remove(self, channel: str, listener: Listener) -> None:
        listeners = self.listeners.get(channel)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self.listeners[channel]


class Listener:
    """One open stream's queue."""

    def __init__(self):
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.overflowed = False


_hubs: dict[tuple[int, str], Hub] = {}


def hub() -> Hub:
    """This event loop's hub (one per process under uvicorn)."""
    key = (id(asyncio.get_running_loop()), settings.LIVE_REDIS_URL)
    if key not in _hubs:
        _hubs[key] = Hub(settings.LIVE_REDIS_URL)
    return _hubs[key]


def _frame(event_id: str, event: str, data: str) -> str:
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n"


def _newer(event_id: str, than: str) -> bool:
    first, second = event_id.split("-"), than.split("-")
    return (int(first[0]), int(first[1])) > (int(second[0]), int(second[1]))


async def event_stream(request):
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("Sign in first.\n", status=401, content_type="text/plain")
    schema = request.tenant.schema_name
    user_id = user.pk
    # The browser sends Last-Event-ID when it reconnects by itself; the script, which
    # reconnects after a refusal, can only put it in the query.
    last_event_id = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id", "")
    # The session was the stream's only database work: give the connection back now.
    await sync_to_async(connections.close_all)()
    if not live.is_enabled() or not isinstance(request, ASGIRequest):
        # Under WSGI (gunicorn, the test client) the stream cannot stay open: answer
        # what was missed and let the browser come back after the retry pause.
        missed = (
            live.replay(schema=schema, user_id=user_id, last_event_id=last_event_id)
            if live.is_enabled()
            else []
        )
        body = f"retry: {RETRY_MILLISECONDS}\n\n" + "".join(_frame(*entry) for entry in missed)
        return HttpResponse(body, content_type="text/event-stream", headers=HEADERS)
    return StreamingHttpResponse(
        _events(schema=schema, user_id=user_id, last_event_id=last_event_id),
        content_type="text/event-stream",
        headers=HEADERS,
    )


async def _events(*, schema: str, user_id: int, last_event_id: str):
    the_hub = hub()
    await the_hub.start()
    channel = live.channel_of(schema, user_id)
    listener = Listener()
    # Subscribe before reading the log, so nothing falls between replay and live.
    the_hub.add(channel, listener)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.LIVE_STREAM_MAX_SECONDS
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        newest = ""
        for entry in await _replay(the_hub.client, schema, user_id, last_event_id):
            newest = entry[0]
            yield _frame(*entry)
        while (remaining := deadline - loop.time()) > 0:
            if listener.overflowed:
                return
            try:
                raw = await asyncio.wait_for(
                    listener.queue.get(), timeout=min(settings.LIVE_HEARTBEAT_SECONDS, remaining)
                )
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            message = json.loads(raw)
            if newest and not _newer(message["id"], newest):
                continue  # already sent by the replay
            yield _frame(message["id"], message["event"], message["data"])
    finally:
        the_hub.remove(channel, listener)


async def _replay(client, schema: str, user_id: int, last_event_id: str):
    if not live.EVENT_ID.match(last_event_id or ""):
        return []
    log = live.log_of(schema, user_id)
    if not await client.xrange(log, min=last_event_id, max=last_event_id, count=1):
        return []  # not an id of this user's own log: start fresh
    return [
        (entry_id, fields["event"], fields["data"])
        for entry_id, fields in await client.xrange(log, min=f"({last_event_id}", max="+")
    ]
