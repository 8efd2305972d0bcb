from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from community.notification_kinds import register_kind
        from community.staff_links import register_staff_link
        from referrals import notices, receivers
        from referrals.selectors import held_count
        from referrals.services import can_review

        register_staff_link("referrals", "Referrals to review", "referrals:review",
                            allowed=can_review, count=held_count, order=40)

        receivers.connect()
        register_kind(notices.KIND, notices.KIND_LABEL, email_by_default=True)
