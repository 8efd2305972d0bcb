from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = "Rewards"

    def ready(self):
        from community.notification_kinds import register_kind
        from rewards import receivers
        from rewards.services._common import NOTIFICATION_KIND

        register_kind(NOTIFICATION_KIND, "Rewards you redeem (with their codes)",
                      email_by_default=True)
        receivers.connect()
