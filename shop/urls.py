from django.urls import path

from shop import views

app_name = "shop"

urlpatterns = [
    path("shop/webhooks/orders/", views.order_webhook, name="order_webhook"),
]
