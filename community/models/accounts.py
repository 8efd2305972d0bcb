from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse

from community.roles import ROLE_CSS, ROLE_LABELS, viewer_roles


class DigestFrequency(models.TextChoices):
    """How often a member wants the activity digest (a summary of what they missed while
    away); ``never`` switches it off. Sent by the outreach app (docs/outreach.md)."""

    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    NEVER = "never", "Never"


class User(AbstractUser):
    """A member of the community. Profile fields live here: every page that names an author
    needs them, and keeping them on the user row saves a join on every list."""

    display_name = models.CharField(max_length=60, blank=True)
    bio = models.TextField(max_length=1000, blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    # Denormalised: read on every page for the bell. Kept by community.services.notifications
    # with F() updates; `manage.py recompute_counts` rebuilds it from Notification rows.
    unread_notification_count = models.PositiveIntegerField(default=0)
    # Set by moderation (through its profile adapter): while set, others do not see the bio,
    # display name or photo; the member sees the reason.
    profile_hidden_at = models.DateTimeField(null=True, blank=True)
    profile_hidden_reason = models.CharField(max_length=300, blank=True)
    # Denormalised from moderation's Suspension rows (moderation keeps it in step, and
    # repairs it nightly) so that the banner on every page costs no query for the members
    # who were never suspended. Permanent suspensions store the far-future PERMANENT.
    suspended_until = models.DateTimeField(null=True, blank=True)
    # The member's choice on their notification settings page; the digest's one-click
    # unsubscribe sets it to never.
    digest_frequency = models.CharField(max_length=10, choices=DigestFrequency.choices,
                                        default=DigestFrequency.WEEKLY)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [
            ("moderate_community", "Can moderate the community"),
            ("reply_as_brand", "Can reply to reviews and follow up as brand staff"),
        ]
        indexes = [
            # Profiles (/u/<name>/) and mentions find a member by name whatever its case:
            # without this, each lookup scanned every member (~7 ms at 20,000).
            models.Index(Upper("username"), name="user_username_upper"),
        ]

    def has_perm(self, perm, obj=None) -> bool:
        if obj is None and self.is_active and not self.is_superuser:
            viewer_roles(self)  # groups and permissions in one query, once per request
        return super().has_perm(perm, obj)

    @property
    def name(self) -> str:
        """The name every page shows others: the display name, or the username while
        moderators hide the profile. Templates, fragments, notifications and the mention
        list all name members through this (and ``public_avatar``), so a hidden profile's
        name and photo appear nowhere."""
        if self.profile_hidden_at is not None:
            return self.username
        return self.display_name or self.username

    @property
    def own_name(self) -> str:
        """The name the member chose, hidden or not: for the member's own header and profile,
        and for community managers."""
        return self.display_name or self.username

    @property
    def public_avatar(self):
        """The photo others see: none while moderators hide the profile."""
        return self.avatar if self.profile_hidden_at is None else None

    def get_absolute_url(self) -> str:
        return reverse("community:profile", kwargs={"username": self.username})

    @property
    def role_group(self) -> str | None:
        """The role group this user shows a label for. Uses what the selectors loaded with
        the list (``role_group_of`` annotations, or ``groups`` prefetched by ``with_roles``),
        so lists never query per author."""
        if self.is_superuser:
            return "Community managers"
        if "known_role_group" in self.__dict__:  # annotated by the list's query (role_group_of)
            return self.known_role_group
        names = {group.name for group in self.groups.all()}
        for group_name in ROLE_LABELS:
            if group_name in names:
                return group_name
        return None

    @property
    def role_label(self) -> str:
        group = self.role_group
        return ROLE_LABELS[group] if group else ""

    @property
    def role_css(self) -> str:
        group = self.role_group
        return ROLE_CSS[group] if group else ""
