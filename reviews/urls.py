from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("products/<slug:slug>/review/", views.write_review, name="write"),
    path("reviews/<id:review_id>/card/", views.review_card, name="card"),
    path("reviews/<id:review_id>/helpful/", views.mark_helpful, name="helpful"),
    path("reviews/<id:review_id>/reply/", views.brand_reply, name="reply"),
    path("reviews/<id:review_id>/hide/", views.hide_review, name="hide"),
    path("reviews/<id:review_id>/missed-negative/", views.mark_missed_negative, name="missed_negative"),
    path("staff/follow-ups/", views.follow_up_list, name="follow_ups"),
    path("staff/follow-ups/<id:follow_up_id>/", views.follow_up_detail, name="follow_up"),
    path("staff/reviews/dashboard/", views.dashboard, name="dashboard"),
]
