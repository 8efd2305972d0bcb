from django import template

from badges import selectors

register = template.Library()


@register.inclusion_tag("badges/includes/achievements_section.html", takes_context=True)
def member_achievements(context, member):
    """Level, points, badges, challenges and point history for a profile page."""
    request = context.get("request")
    page = 1
    if request is not None:
        try:
            page = max(1, int(request.GET.get("points_page", 1)))
        except ValueError:
            page = 1
    return {"a": selectors.member_achievements(member=member, history_page=page),
            "request": request}
