from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("settings/privacy/", views.settings_page, name="settings"),
    path("settings/privacy/export/", views.request_export, name="request_export"),
    path("settings/privacy/export/status/", views.export_status, name="export_status"),
    path("settings/privacy/export/<id:export_id>/download/", views.download, name="download"),
    path("settings/privacy/consent/", views.consent, name="consent"),
    path("settings/privacy/delete/", views.delete_account, name="delete_account"),
    # A moderation screen, served by privacy (moderation does not know privacy).
    path("moderation/members/<str:username>/anonymise/", views.anonymise_member,
         name="anonymise_member"),
]
