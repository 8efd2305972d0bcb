from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "badges"
    verbose_name = "Badges and points"

    def ready(self):
        from badges import config, live, receivers
        from badges.services import awards, expiry, inbox, levels, wallet
        from badges.services.recompute import recompute_points
        from community.counters import register_recomputer
        from community.notification_kinds import register_kind
        from community.selectors import register_failed_work

        register_kind(awards.BADGE_KIND, "Badges you earn")
        register_kind(awards.LEVEL_KIND, "Reaching a new level")
        register_kind(awards.CHALLENGE_KIND, "Challenges you complete")
        register_kind(wallet.ADJUSTMENT_KIND, "Points the team gives you or takes back",
                      email_by_default=True)
        register_kind(expiry.EXPIRY_KIND, "Points about to expire", email_by_default=True)
        register_recomputer("badges.points", recompute_points)
        register_recomputer("badges.spend_levels", levels.recompute_levels)
        register_failed_work(inbox.failed_events_summary)
        receivers.connect()
        config.connect()
        live.register()
        from badges import home_sections

        home_sections.register()
