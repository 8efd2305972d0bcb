from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        from community.counters import register_recomputer
        from community.notification_kinds import register_kind
        from community.staff_links import register_staff_link
        from moderation.registry import register
        from reviews import receivers
        from reviews.models import BrandReply, Review
        from reviews.moderation import BRAND_REPLY_ADAPTER, REVIEW_ADAPTER
        from reviews.selectors import follow_up_counts
        from reviews.services import can_work_follow_ups, recompute_product_ratings

        register_staff_link("follow_ups", "Review follow-ups", "reviews:follow_ups",
                            allowed=can_work_follow_ups, count=follow_up_counts, order=20)
        register_kind("reviews.brand_reply", "The brand replied to your review", email_by_default=True)
        register_kind("reviews.acknowledgement", "Acknowledgement of a review we follow up",
                      email_by_default=True)
        register_kind("reviews.follow_up_overdue", "Overdue review follow-ups (staff)")
        register_recomputer("reviews.product_ratings", recompute_product_ratings)
        register(Review, REVIEW_ADAPTER)
        register(BrandReply, BRAND_REPLY_ADAPTER)
        receivers.connect()

        from reviews import home_sections

        home_sections.register()
        from community.tone import register_scorer
        from reviews.sentiment import tone_scorer

        register_scorer(tone_scorer)
