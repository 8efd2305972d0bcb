from django.urls import path

from badges import views

app_name = "badges"

urlpatterns = [
    path("badges/", views.badge_index, name="index"),
    path("badges/rings/", views.ring_list, name="rings"),
    path("badges/rings/<id:ring_id>/reviewed/", views.ring_reviewed, name="ring_reviewed"),
    path("badges/u/<str:username>/achievements/", views.achievements, name="achievements"),
    path("points/", views.points, name="points"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("challenges/", views.challenges, name="challenges"),
]
