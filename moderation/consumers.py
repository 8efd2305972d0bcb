"""The live moderation queue: community managers' open queue pages hear when an item enters
the queue, changes (a new flag, an automatic hide) or is handled by another manager.

The socket carries ids only: the page fetches the item's row through a normal view that
requires the moderate permission, so nothing reaches a socket that the page would not show.
Only signed-in community managers may connect.
"""

from channels.db import database_sync_to_async

from community.consumers import PushOnlyConsumer
from community.roles import is_community_manager
from moderation.live import QUEUE_GROUP

UNAUTHORIZED = 4401
FORBIDDEN = 4403


class QueueConsumer(PushOnlyConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHORIZED)
            return
        if not await database_sync_to_async(is_community_manager)(user):
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(QUEUE_GROUP, self.channel_name)
        self.joined = True
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "joined", False):
            await self.channel_layer.group_discard(QUEUE_GROUP, self.channel_name)

    async def queue_changed(self, event):
        await self.send_json({"type": "item_changed", "item_id": event["item_id"], "change": event["change"]})
