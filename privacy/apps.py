from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from community import consents
        from community.notification_kinds import ACCOUNT, register_kind
        from privacy import receivers, selectors
        from privacy.services.erasure import CANCELLED_KIND, SCHEDULED_KIND
        from privacy.services.exports import READY_KIND

        register_kind(READY_KIND, "Your data export is ready", email_by_default=True, basis=ACCOUNT)
        register_kind(SCHEDULED_KIND, "Your account is scheduled for deletion",
                      email_by_default=True, basis=ACCOUNT)
        register_kind(CANCELLED_KIND, "Your account will not be deleted", email_by_default=True,
                      basis=ACCOUNT)
        user_logged_in.connect(receivers.cancel_erasure_on_login,
                               dispatch_uid="privacy.cancel_erasure_on_login")
        # community's email path asks here before any marketing email (community/consents.py).
        consents.register(consents.ConsentSource(
            has_marketing_consent=selectors.has_marketing_consent,
            marketing_consented=selectors.marketing_consented,
        ))
