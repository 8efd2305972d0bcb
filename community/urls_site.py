from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("settings/profile/", views.profile_edit, name="profile_edit"),
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_mark_all_read, name="notifications_read_all"),
    path("notifications/<id:notification_id>/open/", views.notification_open, name="notification_open"),
    path("notifications/<id:notification_id>/read/", views.notification_mark_read,
         name="notification_read"),
    path("staff/counts/", views.staff_counts, name="staff_counts"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
