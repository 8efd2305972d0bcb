from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = "Rewards"

    def ready(self):
        from community.notification_kinds import register_kind
        from community.staff_links import register_staff_link
        from rewards.adjustments import may_run_rewards

        register_staff_link("loyalty", "Loyalty dashboard", "loyalty_staff:dashboard",
                            allowed=may_run_rewards, order=30)
        from rewards import receivers
        from rewards.services._common import NOTIFICATION_KIND

        register_kind(NOTIFICATION_KIND, "Rewards you redeem (with their codes)",
                      email_by_default=True)
        receivers.connect()
        from community.group_access import register_key
        from rewards.selectors import early_access_rewards

        register_key(early_access_rewards)
        # Levels by spend (badges.services.levels) read the shop's orders through rewards,
        # which may see both: badges and the shop never import each other.
        from badges.services.levels import register_spend_source
        from shop.selectors import spend_by_member

        register_spend_source(spend_by_member)
        from rewards import home_sections

        home_sections.register()
