"""Admin wiring for the site itself: product categories as snippets, and the refusal to
delete a member whose posts, topics or reviews still stand (Wagtail's user screens are
Wagtail's own views, so the refusal goes through their before-delete hooks)."""

from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from community.models import ProductCategory
from community.wagtail_admin import CommunitySnippetViewSet, refuse_if_protected

# Topics, forum posts and reviews protect their author: deleting the account would tear
# holes in threads other members replied to. Closing the account keeps them.
MEMBER_DELETE_HINT = ("Suspend the member from the moderation pages, or untick “Active” on "
                      "their account to close it, instead.")


class ProductCategoryViewSet(CommunitySnippetViewSet):
    model = ProductCategory
    icon = "folder-inverse"


register_snippet(ProductCategoryViewSet)


@hooks.register("before_delete_user")
def refuse_to_delete_an_author(request, user):
    return refuse_if_protected(request, [user], hint=MEMBER_DELETE_HINT,
                               back_to=reverse("wagtailusers_users:edit", args=(quote(user.pk),)))


@hooks.register("before_bulk_action")
def refuse_to_bulk_delete_protected_rows(request, action_type, objects, action):
    """Bulk deletes of members and snippets (the single-object screens refuse on their own)."""
    if action_type != "delete" or not objects:
        return None
    hint = MEMBER_DELETE_HINT if isinstance(objects[0], get_user_model()) else ""
    return refuse_if_protected(request, objects, back_to=action.next_url, hint=hint)
