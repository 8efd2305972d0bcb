from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from community.counters import register_recomputer
        from community.models import User
        from community.notification_kinds import register_kind
        from moderation.profiles import PROFILE_ADAPTER
        from moderation.registry import register
        from moderation.services.queue import recompute_queue_scores

        register(User, PROFILE_ADAPTER)
        from community.roles import is_community_manager
        from community.staff_links import register_staff_link
        from moderation.selectors import queue_counts

        register_staff_link("moderation", "Moderation queue", "moderation:queue",
                            allowed=is_community_manager, count=queue_counts, order=10)
        register_kind("moderation.flag_outcome", "Outcome of content you flagged")
        register_kind("moderation.content_actioned", "Moderation of your content", email_by_default=True)
        register_kind("moderation.warning", "Warnings from community managers", email_by_default=True)
        register_kind("moderation.suspension", "Suspension of your account", email_by_default=True)
        register_kind("moderation.trust_level", "Your trust level")
        register_kind("moderation.stalled", "Moderation queue waiting (community managers)",
                      email_by_default=True)
        register_recomputer("moderation.queue_scores", recompute_queue_scores)
        from moderation.services.members import recompute_suspended_until

        register_recomputer("moderation.suspended_until", recompute_suspended_until)

        # The points engine and the leaderboards ask moderation through community.
        from community import suspensions
        from moderation.selectors import is_suspended, not_suspended

        suspensions.register(suspensions.SuspensionSource(is_suspended=is_suspended,
                                                          not_suspended=not_suspended))

        from moderation import receivers

        receivers.connect()
