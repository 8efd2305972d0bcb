from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self):
        from django.urls import register_converter

        from community import receivers
        from community.params import IdConverter, NotAnIdConverter

        # Before any URLconf is imported: every Hearth route names its ids <id:...>.
        register_converter(IdConverter, "id")
        register_converter(NotAnIdConverter, "notanid")
        from community.notification_kinds import register_kind

        register_kind("community.welcome", "Welcome and account news", email_by_default=False)
        receivers.connect()

        from community.counters import register_recomputer
        from community.services.notifications import recompute_unread_counts

        register_recomputer("community.unread_notifications", recompute_unread_counts)
