"""The tone of what members write outside reviews (forum posts, idea comments), scored in the
background for the community health dashboard's trend by area. Nothing is hidden or flagged
because of it: it is read only as a share per area and period.

The community shell imports no feature app, so both ends are registries filled from the
apps' ``AppConfig.ready()``: the apps that hold the content register a source
(``register_source``: the content after a given id, with its text, area and time) and
reviews registers its sentiment model as the scorer (``register_scorer``). The periodic job
``community.tasks.score_content_tone`` scores what is new, in batches, from where the last
run stopped (the highest id scored per source), so a run that dies half-way loses nothing
and a second run scores nothing twice (one row per object, ``ContentTone``)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

logger = logging.getLogger(__name__)


class ToneUnavailable(RuntimeError):
    """No scorer is registered, or the registered one cannot score now."""


@dataclass(frozen=True)
class ToneItem:
    object_id: int
    text: str
    area: str
    written_at: datetime.datetime


# (texts) -> [(P(negative), model version)]; raises ToneUnavailable when it cannot score.
Scorer = Callable[[list[str]], list[tuple[float, str]]]
# (after_id=, limit=) -> the source's items with ids above after_id, in id order.
Source = Callable[..., list[ToneItem]]

_scorer: list[Scorer] = []
_sources: dict[str, Source] = {}


def register_scorer(scorer: Scorer) -> None:
    _scorer[:] = [scorer]


def register_source(model_label: str, source: Source) -> None:
    """``model_label`` ("forum.Post") names the model whose rows the source lists."""
    _sources[model_label] = source


def score_new_content(*, batch_size: int = 64, limit: int = 2000) -> int:
    """Score up to ``limit`` new items of each source; how many were scored."""
    from community.models import ContentTone

    if not _scorer:
        raise ToneUnavailable("no sentiment scorer is registered")
    scored = 0
    for label, source in sorted(_sources.items()):
        content_type = ContentType.objects.get_for_model(_model(label))
        last = (ContentTone.objects.filter(content_type=content_type)
                .aggregate(last=Max("object_id"))["last"] or 0)
        items = source(after_id=last, limit=limit)
        for start in range(0, len(items), batch_size):
            batch = items[start:start + batch_size]
            results = _scorer[0]([item.text for item in batch])
            ContentTone.objects.bulk_create(
                [ContentTone(content_type=content_type, object_id=item.object_id, area=item.area[:160],
                             written_at=item.written_at, p_negative=p, model_version=version[:64])
                 for item, (p, version) in zip(batch, results, strict=True)],
                ignore_conflicts=True)
            scored += len(batch)
    return scored


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)
