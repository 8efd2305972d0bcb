"""Live updates for readers of one topic.

The socket carries only ids and counts, never post content: on ``post_created`` or
``post_changed`` the page fetches the post's fragment through a normal view that applies
this reader's visibility rules, so hidden or deleted content cannot leak over the socket.
Anyone who may open the topic (including anonymous readers of a public topic) may listen.
"""

from channels.db import database_sync_to_async

from community.consumers import PushOnlyConsumer
from forum.services import topic_group

FORBIDDEN = 4403


class TopicConsumer(PushOnlyConsumer):
    async def connect(self):
        topic_id = self.scope["url_route"]["kwargs"]["topic_id"]
        if not await self._may_read(topic_id):
            await self.close(code=FORBIDDEN)
            return
        self.group_name = topic_group(topic_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    @database_sync_to_async
    def _may_read(self, topic_id: int) -> bool:
        from forum.models import Topic

        return Topic.objects.visible_to(self.scope.get("user")).filter(pk=topic_id).exists()

    async def disconnect(self, code):
        if hasattr(self, "group_name"):
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def topic_post_created(self, event):
        await self.send_json({"type": "post_created", "post_id": event["post_id"],
                              "post_number": event["post_number"]})

    async def topic_post_changed(self, event):
        await self.send_json({"type": "post_changed", "post_id": event["post_id"]})

    async def topic_post_liked(self, event):
        await self.send_json({"type": "like_count", "post_id": event["post_id"],
                              "like_count": event["like_count"]})

    async def topic_answer_changed(self, event):
        await self.send_json({"type": "answer_changed", "post_id": event["post_id"]})
