from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from community.roles import is_community_manager
from moderation.forms import FlagForm
from moderation.models import TrustLevel
from moderation.registry import adapter_for, is_registered
from moderation.selectors import suspension_for_banner, trust_level_of

register = template.Library()


@register.inclusion_tag("moderation/includes/flag_button.html", takes_context=True)
def flag_button(context, obj):
    """A "Flag" disclosure with the flag form, for any registered content. Works without
    JavaScript (a <details> and a plain POST); the content type lookup is cached by Django."""
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = obj is not None and is_registered(obj)
    own = False
    if shown and user is not None and user.is_authenticated:
        author = adapter_for(obj).author(obj)
        own = author is not None and author.pk == user.pk
    action_url = ""
    if shown:
        content_type = ContentType.objects.get_for_model(obj)
        action_url = reverse("moderation:flag", args=[content_type.pk, obj.pk])
    return {
        "shown": shown and not own,
        "signed_in": bool(user and user.is_authenticated),
        "action_url": action_url,
        "next": request.get_full_path() if request else "",
        "form": FlagForm(auto_id=f"flag-{obj.pk}-%s" if obj is not None else "id_%s"),
        "csrf_token": context.get("csrf_token"),
        "label": adapter_for(obj).label if shown else "",
    }


@register.inclusion_tag("moderation/includes/trust_level.html", takes_context=True)
def trust_level(context, member):
    """The member's trust level (one query), and a link to manage it for community managers."""
    level = trust_level_of(member)
    request = context.get("request")
    return {
        "member": member,
        "level": level,
        "label": TrustLevel(level).label,
        "can_manage": bool(request and is_community_manager(request.user)),
    }


@register.inclusion_tag("moderation/includes/suspension_banner.html", takes_context=True)
def suspension_banner(context):
    """Tells a suspended member why and until when, on every page (cached: see
    ``active_suspension``)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"suspension": suspension_for_banner(user) if user and user.is_authenticated else None}
