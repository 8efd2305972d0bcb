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


# Wagtail answers a page restricted to some groups with its login screen, even to a member who
# is logged in and simply not in the group (a product page before its launch, open to early-
# access rewards): logging in again cannot help them, so they are told, with a 403.
RESTRICTED_PAGE_MESSAGE = ("This page is open only to some members for now (early access, "
                           "for instance). It will be open to everyone once it is public.")


@hooks.register("before_serve_page", order=-1)
def know_guarded_paths(page, request, serve_args, serve_kwargs):
    """Tell the page where the site's view restrictions and aliases are, when its site came
    from the cache (``community.models.pages.SiteRestrictionsMixin``)."""
    site = getattr(request, "_wagtail_site", None)
    page.guarded_paths = getattr(site, "guarded_paths", None)


@hooks.register("on_serve_page", order=-1)
def refuse_a_logged_in_member_outside_a_restricted_group(serve):
    """Outermost around Wagtail's own restriction check, so it costs no query of its own: a
    login redirect for a member who is already logged in can only come from a group
    restriction."""
    from django.conf import settings
    from django.shortcuts import render, resolve_url
    from django.utils.cache import add_never_cache_headers

    def inner(page, request, serve_args, serve_kwargs):
        response = serve(page, request, serve_args, serve_kwargs)
        if response.status_code != 302 or not request.user.is_authenticated:
            return response
        # Where Wagtail sends a visitor it refuses (wagtail_hooks.require_wagtail_login).
        login_url = resolve_url(getattr(settings, "WAGTAIL_FRONTEND_LOGIN_URL", "wagtailcore_login"))
        if not response.get("Location", "").startswith(login_url):
            return response
        refused = render(request, "403.html", {"exception": RESTRICTED_PAGE_MESSAGE}, status=403)
        add_never_cache_headers(refused)
        return refused

    return inner
