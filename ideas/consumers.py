from channels.db import database_sync_to_async

from community.consumers import PushOnlyConsumer
from ideas.services._core import LIST_GROUP, idea_group

FORBIDDEN = 4403


class IdeaLiveConsumer(PushOnlyConsumer):
    """Pushes support counts and status to pages showing one idea (``idea_id`` in the
    route) or the idea list. Only published ideas that moderation has not hidden can be
    followed: anything else is refused, so an idea in review or hidden leaks nothing.
    Clients only update numbers they already show."""

    async def connect(self):
        idea_id = self.scope["url_route"]["kwargs"].get("idea_id")
        if idea_id is None:
            self.group_name = LIST_GROUP
        elif await self._is_published(idea_id):
            self.group_name = idea_group(idea_id)
        else:
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    @database_sync_to_async
    def _is_published(self, idea_id: int) -> bool:
        from ideas.models import Idea

        return Idea.objects.readable().filter(pk=idea_id).exists()

    async def disconnect(self, code):
        if hasattr(self, "group_name"):
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def idea_update(self, event):
        payload = {key: value for key, value in event.items() if key != "type"}
        await self.send_json({**payload, "type": "update"})
