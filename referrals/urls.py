from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("r/<str:code>/", views.link, name="link"),
    path("referrals/", views.mine, name="mine"),
    path("staff/referrals/", views.review, name="review"),
    path("staff/referrals/<id:referral_id>/decide/", views.decide, name="decide"),
]
