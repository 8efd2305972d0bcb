"""Writes for members' own profiles."""

import uuid

from django.conf import settings
from django.db import transaction

from community.cache_versions import bump_members
from community.images import reencode_square
from community.models import User


def update_profile(*, user: User, display_name: str, bio: str, avatar_image=None,
                   remove_avatar: bool = False) -> User:
    """Save the member's profile. ``avatar_image`` is a decoded, validated PIL image (see
    ``community.images.open_validated_image``); it is re-encoded before it is stored."""
    old_avatar_name = user.avatar.name if user.avatar else ""
    with transaction.atomic():
        user.display_name = display_name.strip()
        user.bio = bio.strip()
        if avatar_image is not None:
            user.avatar = reencode_square(
                avatar_image, size=settings.HEARTH_AVATAR_SIZE, name=f"{user.pk}-{uuid.uuid4().hex[:8]}"
            )
        elif remove_avatar:
            user.avatar = ""
        user.save(update_fields=["display_name", "bio", "avatar"])
        bump_members()  # the name and avatar shown next to their posts on cached pages

    new_avatar_name = user.avatar.name if user.avatar else ""
    if old_avatar_name and old_avatar_name != new_avatar_name:
        storage = User._meta.get_field("avatar").storage
        transaction.on_commit(lambda: storage.delete(old_avatar_name), robust=True)
    return user


def welcome_member(*, user: User) -> None:
    """Greet a member whose email address is confirmed; once per member."""
    from django.urls import reverse

    from community.services.notifications import notify

    notify(
        recipient=user,
        kind="community.welcome",
        message=f"Welcome to {settings.WAGTAIL_SITE_NAME}, {user.name}! Add a photo and a few "
        "words about yourself so others know who they are talking to.",
        url=reverse("community:profile_edit"),
        dedupe_key="welcome",
    )
