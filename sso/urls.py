from django.urls import path

from sso import views

app_name = "sso"

urlpatterns = [
    path("sso/shop/", views.shop_login, name="shop_login"),
]
