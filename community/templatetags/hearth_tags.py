"""Small wording helpers shared by every app's templates."""

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(when) -> str:
    """"just now" for the first minute (never "0 minutes ago"), then "5 minutes ago"."""
    if not when:
        return ""
    if (timezone.now() - when).total_seconds() < 60:
        return "just now"
    return f"{timesince(when)} ago"


@register.filter
def sentence(text) -> str:
    """``text`` ending with exactly one full stop (unless it already ends with . ! ? or …),
    so "Reason: {{ reason|sentence }}" never reads "members..". """
    text = str(text or "").strip()
    if not text:
        return text
    return text if text[-1] in ".!?…" else text + "."
