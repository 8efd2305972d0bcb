"""Admin wiring: community managers edit point rules, levels, badges and challenges, and
review suspected like rings. The ledger itself is not editable anywhere."""

from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup

from badges.models import Badge, Challenge, Level, PointRule, SuspectedRing
from community.wagtail_admin import CommunityModelViewSet


class PointRuleViewSet(CommunityModelViewSet):
    model = PointRule
    icon = "pick"
    menu_label = "Point rules"
    list_display = ["key", "label", "points", "counts_toward_cap", "active"]
    panels = [FieldPanel("label"), FieldPanel("points"), FieldPanel("counts_toward_cap"),
              FieldPanel("active")]


class LevelViewSet(CommunityModelViewSet):
    model = Level
    icon = "order"
    list_display = ["name", "min_points", "min_spend"]
    form_fields = ["name", "min_points", "min_spend"]


class BadgeViewSet(CommunityModelViewSet):
    model = Badge
    icon = "success"
    list_display = ["name", "tier", "criteria", "multiple", "auto_revoke", "active"]
    list_filter = ["tier", "active"]
    search_fields = ["name", "description"]
    form_fields = ["slug", "name", "description", "icon", "tier", "criteria", "params",
                   "multiple", "auto_revoke", "active"]
    protected_hint = ("Members keep the badges they earned: untick “active” to stop granting "
                      "it instead.")


class ChallengeViewSet(CommunityModelViewSet):
    model = Challenge
    icon = "date"
    list_display = ["title", "kind", "goal", "starts_at", "ends_at", "reward_points"]
    form_fields = ["title", "description", "kind", "goal", "starts_at", "ends_at",
                   "reward_points", "badge"]


class SuspectedRingViewSet(CommunityModelViewSet):
    model = SuspectedRing
    icon = "warning"
    menu_label = "Suspected like rings"
    list_display = ["member_key", "detected_at", "reviewed"]
    form_fields = ["reviewed"]
    # Rings are found by the detector (badges.services.rings); a hand-made one would have no
    # members or evidence, so there is no add (or copy) screen, and nobody is offered "add".
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**kwargs) | {"add_url_name": None}

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().exclude(codename="add_suspectedring")


class GamificationGroup(ViewSetGroup):
    menu_label = "Points and badges"
    menu_icon = "pick"
    # Names are URL namespaces: prefixed so they never clash with the public "badges" urls.
    items = (PointRuleViewSet("points_rules"), LevelViewSet("points_levels"),
             BadgeViewSet("points_badges"), ChallengeViewSet("points_challenges"),
             SuspectedRingViewSet("points_rings"))


@hooks.register("register_admin_viewset")
def register_gamification():
    return GamificationGroup()
