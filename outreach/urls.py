from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("reviews/requested/<str:token>/", views.rate, name="rate"),
]
