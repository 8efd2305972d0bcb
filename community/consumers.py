import json
import time
from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from community import realtime
from community.realtime import user_group

UNAUTHORIZED = 4401
# Close codes for what a client sends (4000-4999 are the application's own).
UNACCEPTABLE_MESSAGE = 4400
TOO_MANY_MESSAGES = 4429
NOT_FOUND = 4404


class PushOnlyConsumer(AsyncJsonWebsocketConsumer):
    """Base of every Hearth socket: the server pushes, clients have nothing to say.

    A client may still send the odd small JSON message (a keep-alive, a stale script); it is
    ignored. Anything else ends the connection politely with a close code the page's
    reconnect logic understands, never with a server error: binary frames, messages over
    ``max_message_chars``, text that is not JSON, and more than ``max_messages`` messages
    within ``window_seconds`` on one connection (a flood).
    """

    max_message_chars = 4096
    max_messages = 20
    window_seconds = 10.0

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if self._flooding():
            await self.close(code=TOO_MANY_MESSAGES)
            return
        if text_data is None or len(text_data) > self.max_message_chars:
            await self.close(code=UNACCEPTABLE_MESSAGE)
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.close(code=UNACCEPTABLE_MESSAGE)
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        return  # push-only: whatever a client says changes nothing

    def _flooding(self) -> bool:
        """Count this message in the connection's sliding window."""
        now = time.monotonic()
        recent = self.__dict__.setdefault("_recent_messages", deque())
        while recent and now - recent[0] > self.window_seconds:
            recent.popleft()
        recent.append(now)
        return len(recent) > self.max_messages


class NotificationConsumer(PushOnlyConsumer):
    """Pushes a signed-in member's notifications and unread count to their open pages.
    Anonymous connections are refused; a member only ever joins their own group."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHORIZED)
            return
        self.group_name = user_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group_name"):
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def notification_created(self, event):
        await self.send_json(
            {"type": "notification", "unread": event["unread"], "html": event["html"],
             "message": event["message"], "url": event["url"]}
        )

    async def notification_count(self, event):
        await self.send_json({"type": "count", "unread": event["unread"]})

    async def member_event(self, event):
        """An app's live update for this member (``realtime.push_to_member_on_commit``)."""
        await self.send_json(event["payload"])

    async def receive_json(self, content, **kwargs):
        """The one thing a page asks: {"type": "catch_up", "name": ..., "after": id or
        null}, answered with what it missed (``realtime.register_catch_up``). Anything else,
        or a malformed request, is ignored."""
        if not isinstance(content, dict) or content.get("type") != "catch_up":
            return
        name, after = content.get("name"), content.get("after")
        if not isinstance(name, str) or not (after is None or _is_id(after)):
            return
        user_id = self.scope["user"].pk
        answer = await database_sync_to_async(realtime.catch_up)(name, user_id=user_id,
                                                                   after=after)
        if answer is not None:
            await self.send_json(answer)


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


class UnknownRouteConsumer(PushOnlyConsumer):
    """Answers a websocket path no route matches (an unknown name, an id that is not a
    number): the handshake is refused, as a 404 would be, instead of the router raising
    and the server answering 500 with a traceback in the log for every attempt."""

    async def connect(self):
        await self.close(code=NOT_FOUND)
