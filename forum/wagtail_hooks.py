"""Staff manage forum categories in the Wagtail admin (drag to reorder)."""

from wagtail import hooks

from community.wagtail_admin import CommunityModelViewSet
from forum.models import Category


class CategoryViewSet(CommunityModelViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = "Forum categories"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "slug", "is_restricted", "topic_count", "post_count"]
    form_fields = ["name", "slug", "description", "is_restricted"]
    search_fields = ["name", "description"]
    sort_order_field = "sort_order"
    # Topics are never deleted with their category: a category with topics stays.
    protected_hint = ("Move its topics to another category first (Move topic, on each topic's "
                      "moderation screen).")


@hooks.register("register_admin_viewset")
def register_category_viewset():
    return CategoryViewSet("forum_categories")
