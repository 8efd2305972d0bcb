from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("similar/", views.similar, name="similar"),
    path("<id:idea_id>-<slug:slug>/", views.detail, name="detail"),
    path("<id:idea_id>/", views.detail, {"slug": ""}, name="short"),
    path("<id:idea_id>/edit/", views.edit, name="edit"),
    path("<id:idea_id>/support/", views.support, name="support"),
    path("<id:idea_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<id:idea_id>/comments/", views.comment, name="comment"),
    path("<id:idea_id>/status/", views.decide, name="decide"),
    path("<id:idea_id>/resubmit/", views.resubmit, name="resubmit"),
    path("<id:idea_id>/merge/", views.merge, name="merge"),
    path("<id:idea_id>/unmerge/", views.unmerge, name="unmerge"),
]
