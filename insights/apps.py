from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Community health"

    def ready(self):
        from django.db.backends.signals import connection_created

        from community.staff_links import register_staff_link
        from insights.access import may_see_health
        from insights.aggregates import add_sqlite_median

        register_staff_link("health", "Community health", "insights:health",
                            allowed=may_see_health, order=40)
        # The embedded demo's SQLite has no median: give it one (PostgreSQL's is built in).
        connection_created.connect(add_sqlite_median, dispatch_uid="insights.sqlite_median")
