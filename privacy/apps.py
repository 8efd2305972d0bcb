from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from community import consents
        from community.notification_kinds import ACCOUNT, register_kind
        from privacy import selectors
        from privacy.services.exports import READY_KIND

        register_kind(READY_KIND, "Your data export is ready", email_by_default=True, basis=ACCOUNT)
        # community's email path asks here before any marketing email (community/consents.py).
        consents.register(consents.ConsentSource(
            has_marketing_consent=selectors.has_marketing_consent,
            marketing_consented=selectors.marketing_consented,
        ))
