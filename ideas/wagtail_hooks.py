"""Admin wiring: staff edit the milestone ladder under Snippets > Milestones.

Ideas themselves are decided on the site (the staff panel on each idea page), where every
change goes through ideas.services and notifies supporters; the admin does not edit them.
"""

from wagtail.snippets.models import register_snippet

from community.wagtail_admin import CommunitySnippetViewSet
from ideas.models import Milestone


class MilestoneViewSet(CommunitySnippetViewSet):
    model = Milestone
    icon = "flag"
    menu_label = "Idea milestones"
    add_to_admin_menu = True
    list_display = ["supporters", "window_days"]
    ordering = ["supporters"]
    protected_hint = ("Ideas keep the milestone they are heading for; change the ladder by "
                      "editing this milestone instead.")


register_snippet(MilestoneViewSet)
