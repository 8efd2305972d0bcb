from django.urls import path

from rewards import views

app_name = "rewards"

urlpatterns = [
    path("rewards/", views.catalogue, name="index"),
    path("rewards/mine/", views.mine, name="mine"),
    path("rewards/levels/", views.levels, name="levels"),
    path("rewards/staff/", views.staff, name="staff"),
    path("rewards/staff/<id:redemption_id>/ship/", views.ship, name="ship"),
    path("rewards/staff/<id:redemption_id>/cancel/", views.cancel, name="cancel"),
    path("rewards/causes/<slug:cause_slug>/", views.cause, name="cause"),
    path("rewards/<id:reward_id>/", views.detail, name="detail"),
    path("rewards/<id:reward_id>/confirm/", views.confirm, name="confirm"),
]
