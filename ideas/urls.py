from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("similar/", views.similar, name="similar"),
    path("<int:idea_id>-<slug:slug>/", views.detail, name="detail"),
    path("<int:idea_id>/", views.detail, {"slug": ""}, name="short"),
    path("<int:idea_id>/edit/", views.edit, name="edit"),
    path("<int:idea_id>/support/", views.support, name="support"),
    path("<int:idea_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:idea_id>/comments/", views.comment, name="comment"),
    path("<int:idea_id>/status/", views.decide, name="decide"),
    path("<int:idea_id>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:idea_id>/merge/", views.merge, name="merge"),
    path("<int:idea_id>/unmerge/", views.unmerge, name="unmerge"),
]
