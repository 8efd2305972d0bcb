"""The engine's configuration rows (point rules, badges, levels and their basis, challenges), read once per
change instead of once per event.

Held in the Django cache (Redis on the real stack, so every process sees the same version);
any save or delete of a configuration row drops it, so an edit in the admin applies to the
very next event. A short timeout bounds staleness should a bulk update skip the signals.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

CACHE_KEY = "badges:engine-config:v2"
TIMEOUT = 30


@dataclass
class EngineConfig:
    rules: dict  # key -> PointRule
    badges: list  # active Badge rows with incremental criteria
    levels: list  # Level rows by min_points
    challenges: list  # Challenge rows not yet ended (with .badge)
    levels_by_spend: bool = False  # LevelSettings.basis: levels follow spend, not points


def engine_config() -> EngineConfig:
    config = cache.get(CACHE_KEY)
    if config is None:
        from django.utils import timezone

        from badges.models import Badge, Challenge, Level, LevelSettings, PointRule

        config = EngineConfig(
            rules={rule.key: rule for rule in PointRule.objects.all()},
            badges=list(Badge.objects.filter(active=True,
                                             criteria__in=["event_count", "source_tally"])),
            levels=list(Level.objects.all()),
            challenges=list(Challenge.objects.filter(ends_at__gt=timezone.now())
                            .select_related("badge")),
            levels_by_spend=LevelSettings.by_spend(),
        )
        cache.set(CACHE_KEY, config, TIMEOUT)
    return config


def forget(**kwargs) -> None:
    cache.delete(CACHE_KEY)


def connect() -> None:
    from badges.models import Badge, Challenge, Level, LevelSettings, PointRule

    for model in (PointRule, Badge, Level, Challenge, LevelSettings):
        post_save.connect(forget, sender=model, dispatch_uid=f"badges.config.save.{model.__name__}")
        post_delete.connect(forget, sender=model,
                            dispatch_uid=f"badges.config.delete.{model.__name__}")
