from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop orders"

    def ready(self):
        from community.counters import register_recomputer
        from shop import receivers
        from shop.services import recompute_refunded

        receivers.connect()
        register_recomputer("shop.order_refunded", recompute_refunded)
