from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("settings/privacy/", views.settings_page, name="settings"),
    path("settings/privacy/export/", views.request_export, name="request_export"),
    path("settings/privacy/export/status/", views.export_status, name="export_status"),
    path("settings/privacy/export/<id:export_id>/download/", views.download, name="download"),
    path("settings/privacy/consent/", views.consent, name="consent"),
]
