from django.urls import path

from api import site_views

app_name = "api_settings"

urlpatterns = [
    path("settings/api/", site_views.settings_page, name="settings"),
    path("settings/api/<id:token_id>/revoke/", site_views.revoke, name="revoke"),
]
