from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = "Product ideas"

    def ready(self):
        from community.counters import register_recomputer
        from community.notification_kinds import register_kind
        from ideas.services.comments import recompute_comment_counts
        from ideas.services.support import recompute_support_counts

        register_kind("ideas.status", "Status changes of ideas you created or support", email_by_default=True)
        register_kind("ideas.milestone", "Your ideas reaching a milestone", email_by_default=True)
        register_kind("ideas.comment", "Comments on your ideas", email_by_default=False)
        register_kind("ideas.mention", "Mentions in idea comments", email_by_default=False)
        register_recomputer("ideas.support_count", recompute_support_counts)
        register_recomputer("ideas.comment_count", recompute_comment_counts)
        from ideas.moderation_adapters import register_adapters

        register_adapters()

        from ideas import home_sections, tone

        home_sections.register()
        tone.register()
        # Registers the periodic tasks with Celery even where nothing else imports them (the
        # embedded scheduler of `manage.py serve` looks them up by name).
        from ideas import tasks  # noqa: F401
