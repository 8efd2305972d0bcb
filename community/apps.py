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

        from community.group_access import register_door
        from community.selectors import pages_opened_by

        # A page restricted to a group in Wagtail (a product before its launch) is one more
        # thing an early-access reward can open.
        register_door(pages_opened_by)
