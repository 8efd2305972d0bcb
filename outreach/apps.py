from django.apps import AppConfig

REVIEW_REQUEST_KIND = "outreach.review_request"


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Re-engagement email"

    def ready(self):
        from community.notification_kinds import MARKETING, register_kind
        from outreach import home_sections

        # Listed among the member's email choices; sent only with marketing consent as well.
        register_kind(REVIEW_REQUEST_KIND, "Requests to review what you bought",
                      email_by_default=True, basis=MARKETING)
        home_sections.register()
