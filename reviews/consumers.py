"""Live updates for product pages and the staff follow-up queue.

The sockets carry only ids and counts, never review text: on ``review_changed`` a product page
fetches the review's fragment through a normal view that applies the reader's visibility
rules, and the follow-up queue reloads its own list the same way, so nothing hidden leaks.
Anyone may follow a live product page (product pages are public); the follow-up queue is for
signed-in brand staff and community managers only.
"""

from channels.db import database_sync_to_async

from community.consumers import PushOnlyConsumer
from reviews.live import FOLLOW_UP_GROUP, product_group

UNAUTHENTICATED = 4401
FORBIDDEN = 4403


class _PushOnly(PushOnlyConsumer):
    async def disconnect(self, code):
        if hasattr(self, "group_name"):
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def _join(self, group_name: str):
        self.group_name = group_name
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()


class ProductReviewsConsumer(_PushOnly):
    async def connect(self):
        product_id = self.scope["url_route"]["kwargs"]["product_id"]
        if not await self._is_live(product_id):
            await self.close(code=FORBIDDEN)
            return
        await self._join(product_group(product_id))

    @database_sync_to_async
    def _is_live(self, product_id: int) -> bool:
        from community.models import ProductPage

        return ProductPage.objects.live().public().filter(pk=product_id).exists()

    async def reviews_review_changed(self, event):
        await self.send_json({"type": "review_changed", "review_id": event["review_id"]})

    async def reviews_helpful_count(self, event):
        await self.send_json({"type": "helpful_count", "review_id": event["review_id"],
                              "helpful_count": event["helpful_count"]})


class FollowUpQueueConsumer(_PushOnly):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        if not await self._may_work_follow_ups(user):
            await self.close(code=FORBIDDEN)
            return
        await self._join(FOLLOW_UP_GROUP)

    @database_sync_to_async
    def _may_work_follow_ups(self, user) -> bool:
        from reviews.services import can_work_follow_ups

        return user.is_active and can_work_follow_ups(user)

    async def reviews_follow_up_changed(self, event):
        await self.send_json({"type": "follow_up_changed", "follow_up_id": event["follow_up_id"]})
