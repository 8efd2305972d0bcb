"""/api/v1/: every endpoint, the OpenAPI schema and its docs page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import problems
from api.views import forum, ideas, members, reviews

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("me/", members.Me.as_view(), name="me"),
    path("me/redemptions/", members.MyRedemptions.as_view(), name="my_redemptions"),
    path("me/orders/", members.MyOrders.as_view(), name="my_orders"),
    path("members/<str:username>/", members.MemberDetail.as_view(), name="member"),
    path("topics/", forum.TopicList.as_view(), name="topics"),
    path("topics/<id:topic_id>/", forum.TopicDetail.as_view(), name="topic"),
    path("topics/<id:topic_id>/posts/", forum.TopicPosts.as_view(), name="topic_posts"),
    path("posts/<id:post_id>/", forum.PostDetail.as_view(), name="post"),
    path("ideas/", ideas.IdeaList.as_view(), name="ideas"),
    path("ideas/<id:idea_id>/", ideas.IdeaDetail.as_view(), name="idea"),
    path("ideas/<id:idea_id>/support/", ideas.IdeaSupport.as_view(), name="idea_support"),
    path("reviews/", reviews.ReviewList.as_view(), name="reviews"),
    path("reviews/<id:review_id>/", reviews.ReviewDetail.as_view(), name="review"),
    path("reviews/<id:review_id>/reply/", reviews.BrandReplyView.as_view(), name="brand_reply"),
    path("follow-ups/", reviews.FollowUpList.as_view(), name="follow_ups"),
    path("follow-ups/<id:follow_up_id>/", reviews.FollowUpDetail.as_view(), name="follow_up"),
    path("leaderboards/<str:board>/", members.Leaderboard.as_view(), name="leaderboard"),
    path("rewards/", members.RewardList.as_view(), name="rewards"),
    path("rewards/<id:reward_id>/", members.RewardDetail.as_view(), name="reward"),
    # Anything else under /api/v1/ is a problem, not the site's HTML 404 page (line breaks
    # included: a path may hold an encoded newline, which "." would not match).
    re_path(r"^[\s\S]*$", problems.not_found, name="not_found"),
]
