"""How content apps plug into moderation without moderation importing them.

A content app registers one adapter per model in its ``AppConfig.ready``::

    from moderation.registry import ExtraAction, ModerationAdapter, register

    register(Post, ModerationAdapter(
        label="forum post",
        author=lambda post: post.author,
        excerpt=lambda post: post.body[:200],
        url=lambda post: post.get_absolute_url(),
        is_hidden=lambda post: post.hidden_at is not None,
        can_see=lambda post, user: forum_rules.can_see_post(user, post),
        hide=forum_services.hide_post,           # (obj, *, reason, actor) -> None
        restore=forum_services.restore_post,     # (obj, *, actor) -> None
        delete=forum_services.soft_delete_post,  # (obj, *, actor) -> None
        edit_form=PostModerationForm,            # optional: a Form built with (data, obj=obj)
        edit=forum_services.moderator_edit_post, # optional: (obj, *, data, actor) -> None
        extra_actions=[ExtraAction("lock", "Lock topic", lock_topic), ...],
    ))

Every callable runs inside the moderation service's transaction, so the content change and
the audit row commit together. Callables must be idempotent (hiding hidden content changes
nothing) and must not check permissions: moderation already has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from community.roles import is_community_manager


@dataclass(frozen=True)
class ExtraAction:
    """A named action for one model (lock, pin, move...). ``form`` (optional) is a Form class
    whose cleaned_data is passed as ``data``; ``run(obj, *, actor, data)`` applies it and
    returns a short description for the audit log."""

    name: str
    label: str
    run: Callable[..., str]
    form: type | None = None
    # Whether the action is shown for this object (e.g. "Unlock" only on locked topics).
    available: Callable[[Any], bool] = lambda obj: True


@dataclass(frozen=True)
class ModerationAdapter:
    label: str
    author: Callable[[Any], Any]
    excerpt: Callable[[Any], str]
    url: Callable[[Any], str]
    is_hidden: Callable[[Any], bool]
    hide: Callable[..., None]
    restore: Callable[..., None]
    delete: Callable[..., None]
    edit_form: type | None = None
    edit: Callable[..., None] | None = None
    extra_actions: list[ExtraAction] = field(default_factory=list)
    # Loads related rows the adapter callables need, for a list of objects (avoids N+1 on
    # the queue page). Default: the objects as they are.
    prefetch: Callable[[models.QuerySet], models.QuerySet] = lambda queryset: queryset
    # (obj, user) -> whether ``user`` may see the object's content on the site, by the rules
    # the app's own pages use. Nobody flags what they cannot see: the flag URL answers 404
    # rather than confirm that hidden or deleted content exists. Default: not hidden, or a
    # community manager.
    can_see: Callable[[Any, Any], bool] | None = None

    def visible_to(self, obj, user) -> bool:
        if self.can_see is not None:
            return self.can_see(obj, user)
        return is_community_manager(user) or not self.is_hidden(obj)

    def extra_action(self, name: str) -> ExtraAction | None:
        return next((action for action in self.extra_actions if action.name == name), None)


class NotModeratable(LookupError):
    pass


_ADAPTERS: dict[type[models.Model], ModerationAdapter] = {}


def register(model: type[models.Model], adapter: ModerationAdapter) -> None:
    _ADAPTERS[model] = adapter


def unregister(model: type[models.Model]) -> None:
    _ADAPTERS.pop(model, None)


def adapter_for(model_or_obj) -> ModerationAdapter:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    model = model._meta.concrete_model
    try:
        return _ADAPTERS[model]
    except KeyError:
        raise NotModeratable(f"{model._meta.label} is not registered with moderation") from None


def adapter_for_content_type(content_type: ContentType) -> ModerationAdapter:
    model = content_type.model_class()
    if model is None:
        raise NotModeratable(f"no model for content type {content_type.pk}")
    return adapter_for(model)


def is_registered(obj) -> bool:
    return type(obj)._meta.concrete_model in _ADAPTERS


def load_object(*, content_type: ContentType, object_id: int):
    """The registered object, or raise NotModeratable / DoesNotExist."""
    adapter_for_content_type(content_type)
    return content_type.get_object_for_this_type(pk=object_id)
