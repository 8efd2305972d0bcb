import functools
import re

from django import template
from django.contrib.contenttypes.models import ContentType
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from community.roles import is_community_manager
from moderation.forms import FlagForm
from moderation.models import TrustLevel
from moderation.registry import adapter_for, is_registered
from moderation.selectors import suspension_for_banner, trust_level_of

register = template.Library()


# Placeholders in the flag box rendered once per process (see ``_flag_box``): the form is the
# same for every object but its ids, URL, return path and CSRF token.
_PK, _ACTION, _NEXT, _CSRF = "__flag_pk__", "__flag_action__", "__flag_next__", "__flag_csrf__"


_SLOT = re.compile("(" + "|".join(map(re.escape, (_PK, _ACTION, _NEXT, _CSRF))) + ")")


@functools.lru_cache(maxsize=64)
def _flag_box(label: str, signed_in: bool, language: str) -> tuple[str, ...]:
    """The flag box markup, cut at its placeholders: even indexes are markup, odd ones name
    the slot that goes there. Building the form and rendering its radios and fields cost
    ~0.5 ms per object: a topic page of 20 posts paid it 20 times per request. The markup
    holds no member text, and the pieces are joined in one pass (``_fill``), so a value put in
    one slot is never searched for another's placeholder."""
    html = render_to_string("moderation/includes/flag_button.html", {
        "shown": True, "signed_in": signed_in, "action_url": _ACTION, "next": _NEXT,
        "form": FlagForm(auto_id=f"flag-{_PK}-%s"), "csrf_token": _CSRF, "label": label,
    })
    return tuple(_SLOT.split(html))


def _fill(pieces: tuple[str, ...], values: dict[str, str]) -> str:
    return "".join(values[piece] if index % 2 else piece for index, piece in enumerate(pieces))


@register.simple_tag(takes_context=True)
def flag_button(context, obj):
    """A "Flag" disclosure with the flag form, for any registered content. Works without
    JavaScript (a <details> and a plain POST); the content type lookup is cached by Django,
    the form's markup once per process. Nothing for the content's own author."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or not is_registered(obj):
        return ""
    if user and user.is_authenticated:
        author = adapter_for(obj).author(obj)
        if author is not None and author.pk == user.pk:
            return ""
    return flag_box(context, type(obj), obj.pk)


def flag_box(context, model, pk: int) -> str:
    """``flag_button`` for the object ``pk`` of ``model`` (registered with moderation), for a
    caller that knows the reader is not its author (the topic and product pages' actions
    compare ids: their light rows carry no author object)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    content_type = ContentType.objects.get_for_model(model)
    action_url = _flag_url(content_type.pk, pk)
    next_path = request.get_full_path() if request else ""
    # The template escapes ``next`` for an attribute (signed in) or url-encodes it for a link.
    next_value = escape(next_path) if signed_in else escape(urlencode(next_path))
    html = _fill(_flag_box(adapter_for(model).label, signed_in, get_language() or ""), {
        _PK: str(int(pk)), _ACTION: escape(action_url), _NEXT: next_value,
        _CSRF: escape(str(context.get("csrf_token") or "")),
    })
    return mark_safe(html)  # noqa: S308 - rendered by the template; every value escaped


_ID = 987654321  # stands for the object id in the flag URL reversed once per content type


@functools.lru_cache(maxsize=64)
def _flag_route(content_type_id: int, script_prefix: str) -> tuple[str, str]:
    # ``script_prefix`` is only part of the key: reverse reads it.
    before, after = reverse("moderation:flag", args=[content_type_id, _ID]).rsplit(str(_ID), 1)
    return before, after


def _flag_url(content_type_id: int, object_id: int) -> str:
    before, after = _flag_route(content_type_id, get_script_prefix())
    return f"{before}{int(object_id)}{after}"


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
