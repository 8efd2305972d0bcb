"""Staff manage forum categories in the Wagtail admin (drag to reorder)."""

from wagtail import hooks
from wagtail.admin.views.generic import EditView

from community.wagtail_admin import CommunityModelViewSet
from forum import services
from forum.models import Category


class CategoryEditView(EditView):
    def save_instance(self):
        # Who may see the category (members_group) or its name changed: cached pages that
        # showed it are made stale (forum.services.category_changed).
        instance = super().save_instance()
        services.category_changed(category=instance)
        return instance


class CategoryViewSet(CommunityModelViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = "Forum categories"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "slug", "is_restricted", "members_group", "topic_count", "post_count"]
    form_fields = ["name", "slug", "description", "is_restricted", "members_group"]
    search_fields = ["name", "description"]
    sort_order_field = "sort_order"
    edit_view_class = CategoryEditView
    # Topics are never deleted with their category: a category with topics stays.
    protected_hint = ("Move its topics to another category first (Move topic, on each topic's "
                      "moderation screen).")


@hooks.register("register_admin_viewset")
def register_category_viewset():
    return CategoryViewSet("forum_categories")
