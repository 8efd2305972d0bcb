from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = "Forum"

    def ready(self):
        from community.counters import register_recomputer
        from community.notification_kinds import register_kind
        from forum.moderation import register_with_moderation
        from forum.services import recompute_forum_counters

        register_kind("forum.reply", "Replies in topics you watch", email_by_default=True)
        register_kind("forum.mention", "Mentions of you in the forum", email_by_default=True)
        register_kind("forum.like", "Likes on your forum posts", email_by_default=False)
        register_kind("forum.accepted", "Your reply accepted as the answer", email_by_default=False)
        register_recomputer("forum.counters", recompute_forum_counters)
        register_with_moderation()

        from forum import home_sections, tone

        home_sections.register()
        tone.register()
        from community.group_access import register_door
        from forum.selectors import members_only_categories

        register_door(members_only_categories)
        from forum import receivers

        receivers.connect()
