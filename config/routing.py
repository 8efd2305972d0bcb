"""Every websocket route of the site. Apps add theirs here, above the catch-all."""

from django.urls import path, re_path

from community.consumers import NotificationConsumer, UnknownRouteConsumer
from forum.consumers import TopicConsumer
from ideas.consumers import IdeaLiveConsumer
from moderation.consumers import QueueConsumer
from reviews.consumers import FollowUpQueueConsumer, ProductReviewsConsumer

# Matches any path (newlines included): last, so only what no route above takes.
UNKNOWN_ROUTE = r"(?s).*"

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/forum/t/<id:topic_id>/", TopicConsumer.as_asgi()),
    path("ws/ideas/", IdeaLiveConsumer.as_asgi()),
    path("ws/ideas/<id:idea_id>/", IdeaLiveConsumer.as_asgi()),
    path("ws/moderation/queue/", QueueConsumer.as_asgi()),
    path("ws/reviews/products/<id:product_id>/", ProductReviewsConsumer.as_asgi()),
    path("ws/reviews/follow-ups/", FollowUpQueueConsumer.as_asgi()),
    re_path(UNKNOWN_ROUTE, UnknownRouteConsumer.as_asgi()),
]
