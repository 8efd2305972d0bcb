from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from community.notification_kinds import ACCOUNT, register_kind
        from webhooks import recorders
        from webhooks.services import NOTIFICATION_KIND

        # Staff must hear of an integration that stopped, whatever their email preferences.
        register_kind(NOTIFICATION_KIND, "Webhook endpoints switched off after failing",
                      email_by_default=True, basis=ACCOUNT)
        recorders.connect()
