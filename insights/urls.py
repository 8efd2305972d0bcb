from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.health, name="health"),
    path("export/", views.export, name="export"),
]
