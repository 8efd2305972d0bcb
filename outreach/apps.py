from django.apps import AppConfig

REVIEW_REQUEST_KIND = "outreach.review_request"
DIGEST_KIND = "outreach.digest"


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Re-engagement email"

    def ready(self):
        from community.notification_kinds import MARKETING, register_kind
        from outreach import home_sections

        # Listed among the member's email choices; sent only with marketing consent as well.
        register_kind(REVIEW_REQUEST_KIND, "Requests to review what you bought",
                      email_by_default=True, basis=MARKETING)
        # A summary of community activity sent to win members back: marketing under
        # docs/privacy.md (digests are named there), so consent first; then the member's
        # chosen frequency (weekly unless they choose), not an on/off preference.
        register_kind(DIGEST_KIND, "The activity digest", email_by_default=True, basis=MARKETING,
                      frequency=True)
        home_sections.register()
