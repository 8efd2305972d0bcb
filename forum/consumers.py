"""Live updates for readers of one topic.

The socket carries only ids and counts, never post content: on ``post_created`` or
``post_changed`` the page fetches the post's fragment through a normal view that applies
this reader's visibility rules, so hidden or deleted content cannot leak over the socket.
Anyone who may open the topic (including anonymous readers of a public topic) may listen.
A signed-in reader of a topic in a members-only category also joins ``access_group`` (their
own): when they leave a group (an early-access period ending, ``forum.receivers``), every such
socket checks again and closes with 4403 if the topic is no longer theirs to read.
"""

from channels.db import database_sync_to_async

from community.consumers import PushOnlyConsumer
from forum.services import access_group, topic_group

FORBIDDEN = 4403


class TopicConsumer(PushOnlyConsumer):
    async def connect(self):
        topic_id = self.scope["url_route"]["kwargs"]["topic_id"]
        members_only = await self._may_read(topic_id, self.scope.get("user"))
        if members_only is None:
            await self.close(code=FORBIDDEN)
            return
        self.group_name = topic_group(topic_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        user = self.scope.get("user")
        if members_only and user is not None and user.is_authenticated:
            self.access_group_name = access_group(user.pk)
            await self.channel_layer.group_add(self.access_group_name, self.channel_name)
        await self.accept()

    @database_sync_to_async
    def _may_read(self, topic_id: int, user) -> bool | None:
        """None when ``user`` may not read the topic; else whether it is members-only."""
        from forum.models import Topic

        found = list(Topic.objects.visible_to(user).filter(pk=topic_id)
                     .values_list("category__members_group_id", flat=True)[:1])
        return (found[0] is not None) if found else None

    @database_sync_to_async
    def _fresh_user(self):
        from community.models import User

        user = self.scope.get("user")
        return User.objects.filter(pk=user.pk, is_active=True).first() if user is not None else None

    async def disconnect(self, code):
        if hasattr(self, "group_name"):
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
        if hasattr(self, "access_group_name"):
            await self.channel_layer.group_discard(self.access_group_name, self.channel_name)

    async def forum_access_changed(self, event):
        """The reader left a group: read their groups afresh and close the socket if the
        topic's members-only category is no longer open to them."""
        topic_id = self.scope["url_route"]["kwargs"]["topic_id"]
        user = await self._fresh_user()
        if user is None or await self._may_read(topic_id, user) is None:
            await self.close(code=FORBIDDEN)

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
