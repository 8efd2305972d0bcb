from django.urls import path

from rewards import staff_views

app_name = "loyalty_staff"

urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path("points/", staff_views.adjust_points, name="adjust_points"),
]
