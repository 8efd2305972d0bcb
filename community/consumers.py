from channels.generic.websocket import AsyncJsonWebsocketConsumer

from community.realtime import user_group

UNAUTHORIZED = 4401


class NotificationConsumer(AsyncJsonWebsocketConsumer):
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

    async def receive_json(self, content, **kwargs):
        # The socket is push-only; anything a client sends is ignored.
        return

    async def notification_created(self, event):
        await self.send_json(
            {"type": "notification", "unread": event["unread"], "html": event["html"],
             "message": event["message"], "url": event["url"]}
        )

    async def notification_count(self, event):
        await self.send_json({"type": "count", "unread": event["unread"]})
