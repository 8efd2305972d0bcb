"""Admin wiring: community managers edit point rules, levels, badges and challenges, and
review suspected like rings. The ledger itself is not editable anywhere."""

from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from badges.models import Badge, Challenge, Level, PointRule, SuspectedRing


class PointRuleViewSet(ModelViewSet):
    model = PointRule
    icon = "pick"
    menu_label = "Point rules"
    list_display = ["key", "label", "points", "counts_toward_cap", "active"]
    panels = [FieldPanel("label"), FieldPanel("points"), FieldPanel("counts_toward_cap"),
              FieldPanel("active")]


class LevelViewSet(ModelViewSet):
    model = Level
    icon = "order"
    list_display = ["name", "min_points"]
    form_fields = ["name", "min_points"]


class BadgeViewSet(ModelViewSet):
    model = Badge
    icon = "success"
    list_display = ["name", "tier", "criteria", "multiple", "auto_revoke", "active"]
    list_filter = ["tier", "active"]
    search_fields = ["name", "description"]
    form_fields = ["slug", "name", "description", "icon", "tier", "criteria", "params",
                   "multiple", "auto_revoke", "active"]


class ChallengeViewSet(ModelViewSet):
    model = Challenge
    icon = "date"
    list_display = ["title", "kind", "goal", "starts_at", "ends_at", "reward_points"]
    form_fields = ["title", "description", "kind", "goal", "starts_at", "ends_at",
                   "reward_points", "badge"]


class SuspectedRingViewSet(ModelViewSet):
    model = SuspectedRing
    icon = "warning"
    menu_label = "Suspected like rings"
    list_display = ["member_key", "detected_at", "reviewed"]
    form_fields = ["reviewed"]
    add_view_enabled = False


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
