from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.queue, name="queue"),
    path("moderation/bulk/", views.bulk_action, name="bulk"),
    path("moderation/items/<id:item_id>/", views.item_detail, name="item"),
    path("moderation/items/<id:item_id>/row/", views.item_row, name="item_row"),
    path("moderation/items/<id:item_id>/act/", views.item_action, name="item_action"),
    path("moderation/items/<id:item_id>/edit/", views.item_edit, name="item_edit"),
    path("moderation/log/", views.log, name="log"),
    path("moderation/dashboard/", views.dashboard, name="dashboard"),
    path("moderation/members/<str:username>/", views.member, name="member"),
    path("moderation/members/<str:username>/trust/", views.member_trust, name="member_trust"),
    path("moderation/members/<str:username>/suspend/", views.member_suspend, name="member_suspend"),
    path("moderation/members/<str:username>/warn/", views.member_warn, name="member_warn"),
    path("moderation/suspensions/<id:suspension_id>/lift/", views.suspension_lift, name="suspension_lift"),
    path("flag/<id:content_type_id>/<id:object_id>/", views.flag, name="flag"),
]
