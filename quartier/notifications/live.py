"""Live delivery: a notification reaches its recipient's open pages through Redis.

The outbox (after commit) calls `deliver_live`, which appends the event to the
recipient's capped Redis stream (the replay log for `Last-Event-ID`) and publishes it
on the recipient's pub/sub channel, which open streams (`stream.py`) listen to. Both
names carry the tenant's schema and the user id: user ids repeat across schemas.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import redis
from django.conf import settings
from django.db import connection
from django.utils import translation

# A Redis stream id ("1712345678901-0"); anything else in Last-Event-ID is ignored.
EVENT_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
# Replay logs of users who stopped visiting go away on their own.
LOG_TTL_SECONDS = 24 * 3600


def channel_pattern() -> str:
    return f"{settings.LIVE_KEY_PREFIX}:*"


def channel_of(schema: str, user_id: int) -> str:
    return f"{settings.LIVE_KEY_PREFIX}:{schema}:{user_id}"


def log_of(schema: str, user_id: int) -> str:
    # Not under the channel pattern's prefix: keys and channels are separate anyway,
    # but a distinct name keeps `redis-cli --scan` readable.
    return f"{settings.LIVE_KEY_PREFIX}-log:{schema}:{user_id}"


def is_enabled() -> bool:
    return bool(settings.LIVE_REDIS_URL)


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


def client() -> redis.Redis:
    return _client(settings.LIVE_REDIS_URL)


def publish_to_user(*, schema: str, user_id: int, event: str, data: dict) -> str:
    """Log the event for replay, then publish it; returns its id."""
    return publish_to_users(schema=schema, events=[(user_id, event, data)])[0]


def publish_to_users(*, schema: str, events: list[tuple[int, str, dict]]) -> list[str]:
    """Log and publish each (user id, event, data) in one Redis round trip per step;
    returns the event ids. The log entry's id goes with the message, so it is written
    first (a pipeline, not MULTI: an event logged but not published is found again by
    a reconnecting page's Last-Event-ID)."""
    redis_client = client()
    bodies = [json.dumps(data, separators=(",", ":")) for _user, _event, data in events]
    logging = redis_client.pipeline(transaction=False)
    for (user_id, event, _data), body in zip(events, bodies, strict=True):
        log = log_of(schema, user_id)
        logging.xadd(
            log, {"event": event, "data": body}, maxlen=settings.LIVE_REPLAY_MAX, approximate=False
        )
        logging.expire(log, LOG_TTL_SECONDS)
    event_ids = logging.execute()[::2]
    publishing = redis_client.pipeline(transaction=False)
    for (user_id, event, _data), body, event_id in zip(events, bodies, event_ids, strict=True):
        publishing.publish(
            channel_of(schema, user_id),
            json.dumps({"id": event_id, "event": event, "data": body}),
        )
    publishing.execute()
    return event_ids


def replay(*, schema: str, user_id: int, last_event_id: str) -> list[tuple[str, str, str]]:
    """The events logged after `last_event_id` in this user's own log (sync)."""
    if not EVENT_ID.match(last_event_id or ""):
        return []
    redis_client = client()
    log = log_of(schema, user_id)
    if not redis_client.xrange(log, min=last_event_id, max=last_event_id, count=1):
        return []  # not an id of this user's log: forged, foreign or trimmed
    return [
        (entry_id, fields["event"], fields["data"])
        for entry_id, fields in redis_client.xrange(log, min=f"({last_event_id}", max="+")
    ]


def deliver_live(payload: dict) -> None:
    """Outbox delivery of `notifications.live`: push notifications to open pages.
    A row holds the ids of one fan-out (rows queued before batching hold one id)."""
    from quartier.marketplace.selectors import marketplace_settings
    from quartier.notifications.models import Notification
    from quartier.notifications.selectors import unread_counts

    if not is_enabled():
        return
    ids = payload.get("notification_ids") or [payload["notification_id"]]
    notifications = list(
        Notification.objects.select_related("recipient").filter(pk__in=ids).order_by("pk")
    )
    if not notifications:
        return
    default_language = marketplace_settings().default_language
    unread = unread_counts({notification.recipient_id for notification in notifications})
    events = []
    for notification in notifications:
        recipient = notification.recipient
        with translation.override(recipient.preferred_language or default_language):
            title = str(notification.title)
        events.append(
            (
                recipient.pk,
                "notification",
                {
                    "id": notification.pk,
                    "kind": notification.kind,
                    "title": title,
                    "url": notification.url,
                    "unread": unread.get(recipient.pk, 0),
                },
            )
        )
    publish_to_users(schema=connection.schema_name, events=events)


def register() -> None:
    from quartier.notifications.services import LIVE_KIND
    from quartier.outbox.services import outbox_handler_register

    outbox_handler_register(LIVE_KIND, deliver_live, urgent=True)
