from django.urls import path

from forum import views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("members/", views.mention_candidates, name="mention_candidates"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/new/", views.new_topic, name="new_topic"),
    path("ask/", views.ask_about_product, name="ask_about_product"),
    path("t/<id:topic_id>/", views.topic, name="topic_short"),
    path("t/<id:topic_id>-<slug:slug>/", views.topic, name="topic"),
    path("t/<id:topic_id>/unread/", views.topic_unread, name="topic_unread"),
    path("t/<id:topic_id>/reply/", views.reply, name="reply"),
    path("t/<id:topic_id>/watch/", views.watch, name="watch"),
    path("t/<id:topic_id>/unaccept/", views.unaccept, name="unaccept"),
    path("p/<id:post_id>/", views.post_redirect, name="post"),
    path("p/<id:post_id>/fragment/", views.post_fragment, name="post_fragment"),
    path("p/<id:post_id>/edit/", views.edit_post, name="edit_post"),
    path("p/<id:post_id>/delete/", views.delete_post, name="delete_post"),
    path("p/<id:post_id>/history/", views.post_history, name="post_history"),
    path("p/<id:post_id>/like/", views.like, name="like"),
    path("p/<id:post_id>/unlike/", views.unlike, name="unlike"),
    path("p/<id:post_id>/accept/", views.accept, name="accept"),
]
