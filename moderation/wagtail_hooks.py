"""Links to the moderation pages from Wagtail's admin menu, for community managers."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from community.roles import is_community_manager


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_community_manager(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_queue_item():
    return ManagerMenuItem("Moderation queue", reverse("moderation:queue"), icon_name="warning", order=150)


@hooks.register("register_admin_menu_item")
def register_community_health_item():
    return ManagerMenuItem("Community health", reverse("moderation:dashboard"), icon_name="view", order=151)
