"""Admin wiring: staff edit the milestone ladder under Snippets > Milestones.

Ideas themselves are decided on the site (the staff panel on each idea page), where every
change goes through ideas.services and notifies supporters; the admin does not edit them.
"""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ideas.models import Milestone


class MilestoneViewSet(SnippetViewSet):
    model = Milestone
    icon = "flag"
    menu_label = "Idea milestones"
    add_to_admin_menu = True
    list_display = ["supporters", "window_days"]
    ordering = ["supporters"]


register_snippet(MilestoneViewSet)
