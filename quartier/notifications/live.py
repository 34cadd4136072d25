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
    body = json.dumps(data, separators=(",", ":"))
    redis_client = client()
    log = log_of(schema, user_id)
    event_id = redis_client.xadd(
        log,
        {"event": event, "data": body},
        maxlen=settings.LIVE_REPLAY_MAX,
        approximate=False,
    )
    redis_client.expire(log, LOG_TTL_SECONDS)
    redis_client.publish(
        channel_of(schema, user_id), json.dumps({"id": event_id, "event": event, "data": body})
    )
    return event_id


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
    """Outbox delivery of `notifications.live`: push one notification to open pages."""
    from quartier.marketplace.selectors import marketplace_settings
    from quartier.notifications.models import Notification
    from quartier.notifications.selectors import unread_count

    if not is_enabled():
        return
    notification = (
        Notification.objects.select_related("recipient")
        .filter(pk=payload["notification_id"])
        .first()
    )
    if notification is None:
        return
    recipient = notification.recipient
    language = recipient.preferred_language or marketplace_settings().default_language
    with translation.override(language):
        title = notification.title
    publish_to_user(
        schema=connection.schema_name,
        user_id=recipient.pk,
        event="notification",
        data={
            "id": notification.pk,
            "kind": notification.kind,
            "title": title,
            "url": notification.url,
            "unread": unread_count(recipient),
        },
    )


def register() -> None:
    from quartier.notifications.services import LIVE_KIND
    from quartier.outbox.services import outbox_handler_register

    outbox_handler_register(LIVE_KIND, deliver_live)
