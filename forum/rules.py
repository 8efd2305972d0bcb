"""Who may do what in the forum, and what valid text is. Services enforce these on the
server for every action; templates use the same functions to decide which buttons to show.

``check_*`` functions raise PermissionDenied (not allowed) or ValidationError (allowed, but
not like this: a locked topic, an empty post); ``can_*`` functions answer yes or no.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from community.predicates import matches
from community.roles import is_brand_staff, is_community_manager
from forum import visibility
from forum.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, TITLE_MIN_LENGTH, Category, Post, Topic

LOCKED_MESSAGE = "This topic is locked: it no longer takes replies."


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError("Give your topic a title.", code="required")
    if len(title) < TITLE_MIN_LENGTH:
        raise ValidationError(
            f"The title is too short: use at least {TITLE_MIN_LENGTH} characters so others "
            "know what the topic is about.", code="min_length")
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            f"The title is too long: {len(title)} characters, at most {TITLE_MAX_LENGTH}.",
            code="max_length")
    return title


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError("Write something: empty posts are not allowed.", code="required")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            f"The post is too long: {len(body):,} characters, at most {BODY_MAX_LENGTH:,}.",
            code="max_length")
    return body


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_see_category(user, category: Category) -> bool:
    """Whether ``category`` exists for ``user`` (a members-only one only for its group and
    staff: ``forum.visibility.category_open_to``)."""
    return visibility.category_open_to(user, category)


def can_start_topic(user, category: Category) -> bool:
    if not _signed_in(user) or not can_see_category(user, category):
        return False
    if category.is_restricted:
        return is_community_manager(user) or is_brand_staff(user)
    return True


PRODUCT_UNAVAILABLE = "Choose a product from the list: that one is not on the site."


def askable_products():
    """The products a topic may be about: live pages visitors can open (no view restriction)."""
    from community.models import ProductPage

    return ProductPage.objects.live().public()


def check_product(product) -> None:
    """A topic may be about a live, public product only (one query; none without one)."""
    if product is None:
        return
    if not askable_products().filter(pk=product.pk).exists():
        raise ValidationError(PRODUCT_UNAVAILABLE, code="product")


def check_start_topic(user, category: Category) -> None:
    if not _signed_in(user):
        raise PermissionDenied("Log in to start a topic.")
    if not can_see_category(user, category):
        raise PermissionDenied("This category is not available.")
    if not can_start_topic(user, category):
        raise PermissionDenied("Only the team starts topics in this category.")


def can_see_topic(user, topic: Topic) -> bool:
    """The rule of ``Topic.objects.visible_to``, for a topic in hand (``forum.visibility``)."""
    return matches(topic, visibility.topic_visible_to(user))


def can_see_post(user, post: Post) -> bool:
    """Whether ``user`` may see that ``post`` exists (its body is never shown once deleted):
    the rule of ``Post.objects.visible_to``, its topic included."""
    return matches(post, visibility.post_visible_to(user))


def can_reply(user, topic: Topic) -> bool:
    if not _signed_in(user) or not can_see_topic(user, topic) or topic.deleted_at is not None:
        return False
    return not topic.is_locked or is_community_manager(user)


def check_reply(user, topic: Topic) -> None:
    if not _signed_in(user):
        raise PermissionDenied("Log in to reply.")
    if not can_see_topic(user, topic) or topic.deleted_at is not None:
        raise PermissionDenied("This topic is not available.")
    if topic.is_locked and not is_community_manager(user):
        raise ValidationError(LOCKED_MESSAGE, code="locked")


def can_edit(user, post: Post) -> bool:
    if not _signed_in(user) or post.deleted_at is not None:
        return False
    return post.author_id == user.pk or is_community_manager(user)


def check_edit(user, post: Post) -> None:
    if not can_edit(user, post) or not can_see_post(user, post):
        raise PermissionDenied("You can only edit your own posts.")


can_delete = can_edit


def check_delete(user, post: Post) -> None:
    if not can_delete(user, post) or not can_see_post(user, post):
        raise PermissionDenied("You can only delete your own posts.")


def can_like(user, post: Post) -> bool:
    return (
        _signed_in(user)
        and post.author_id != user.pk
        and post.deleted_at is None
        and not post.is_hidden
    )


def check_like(user, post: Post) -> None:
    if not _signed_in(user):
        raise PermissionDenied("Log in to like posts.")
    if post.author_id == user.pk:
        raise PermissionDenied("You cannot like your own post.")
    if post.deleted_at is not None or post.is_hidden or not can_see_post(user, post):
        raise PermissionDenied("This post is not available.")


def can_accept(user, topic: Topic) -> bool:
    return _signed_in(user) and (topic.author_id == user.pk or is_community_manager(user))


def check_accept(user, post: Post) -> None:
    if not can_accept(user, post.topic) or not can_see_topic(user, post.topic):
        raise PermissionDenied("Only the topic's author or a community manager can accept an answer.")
    if post.post_number == 1:
        raise ValidationError("The opening post cannot be its own answer.", code="first_post")
    if post.deleted_at is not None or post.is_hidden:
        raise ValidationError("This reply is not available.", code="unavailable")


def check_moderate(user) -> None:
    if not is_community_manager(user):
        raise PermissionDenied("Only community managers can do this.")
