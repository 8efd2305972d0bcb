"""Member profiles as moderated content: the adapter for community.User.

Hiding a profile hides its display name, bio and photo from everyone but the member and
community managers (community's profile template reads ``profile_hidden_at``). Deleting
clears them; the audit log keeps the text that was there.
"""

from django import forms
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from community.cache_versions import bump_members
from community.models import User
from community.roles import is_community_manager
from moderation.registry import ModerationAdapter


# Shown in the queue, to community managers only: they judge the name itself, hidden or not.
def _excerpt(user: User) -> str:
    bio = " ".join(user.bio.split())
    named = f"{user.own_name} (@{user.username})"
    return f"{named}: {bio}"[:300] if bio else named


def _hide(user: User, *, reason: str, actor) -> None:
    # A moderator's decision replaces the automatic "pending review" reason; the time it was
    # first hidden is kept.
    User.objects.filter(pk=user.pk).update(
        profile_hidden_at=Coalesce(F("profile_hidden_at"), Value(timezone.now())),
        profile_hidden_reason=reason[:300],
    )
    bump_members()  # cached pages show the name and photo no longer


def _restore(user: User, *, actor) -> None:
    User.objects.filter(pk=user.pk).update(profile_hidden_at=None, profile_hidden_reason="")
    bump_members()


def _delete(user: User, *, actor) -> None:
    # The account stays (it may have posts); what others saw of the profile is removed.
    User.objects.filter(pk=user.pk).update(
        display_name="", bio="", avatar="", profile_hidden_at=None, profile_hidden_reason=""
    )
    bump_members()


class ProfileModerationForm(forms.Form):
    display_name = forms.CharField(max_length=60, required=False)
    bio = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, data=None, *, obj: User):
        super().__init__(data, initial={"display_name": obj.display_name, "bio": obj.bio})


def _edit(user: User, *, data: dict, actor) -> None:
    User.objects.filter(pk=user.pk).update(
        display_name=data["display_name"].strip(), bio=data["bio"].strip()
    )
    bump_members()


def _can_see_profile(member: User, viewer) -> bool:
    """As the profile page shows it: active members only (others are not found); a hidden
    profile's text only to the member and community managers."""
    if not member.is_active:
        return False
    is_self = bool(viewer and viewer.is_authenticated and viewer.pk == member.pk)
    return member.profile_hidden_at is None or is_self or is_community_manager(viewer)


PROFILE_ADAPTER = ModerationAdapter(
    label="profile",
    author=lambda user: user,
    excerpt=_excerpt,
    url=lambda user: user.get_absolute_url(),
    is_hidden=lambda user: user.profile_hidden_at is not None,
    hide=_hide,
    restore=_restore,
    delete=_delete,
    edit_form=ProfileModerationForm,
    edit=_edit,
    can_see=_can_see_profile,
)
