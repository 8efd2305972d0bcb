from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self):
        from community import receivers
        from community.notification_kinds import register_kind

        register_kind("community.welcome", "Welcome and account news", email_by_default=False)
        receivers.connect()

        from community.counters import register_recomputer
        from community.services.notifications import recompute_unread_counts

        register_recomputer("community.unread_notifications", recompute_unread_counts)
