"""What badges listens to. Every content app sends its events with ids through
``community.events.send_on_commit``; each handler here is a recorder: it runs inside the
transaction of the write and only puts the event, as ids, in the points engine's inbox
(``badges.services.inbox``, which feeds the engine in batches and in order) or in the outbox.
So an event's points commit with the content or not at all: a process that dies right after
the commit loses none of them.

SIGNALS maps (module, signal name) to a handler. ``connect()`` registers those whose module
imports and logs the others, so badges works before or without any content app.
"""

import importlib
import logging

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from badges import kinds, tasks
from badges.models import PointsEntry
from badges.services.inbox import enqueue
from community.deferred import enqueue_on_commit
from community.events import record_with

logger = logging.getLogger(__name__)


def _record(kind, *, user_id, source_id, actor_id=None, variant=None):
    if user_id:
        enqueue("record", kind=kind, user_id=user_id, source_id=source_id, actor_id=actor_id,
                variant=variant)


def on_topic_created(*, topic_id, author_id, **_):
    _record(kinds.TOPIC_CREATED, user_id=author_id, source_id=topic_id)


def on_post_created(*, post_id, author_id, **_):
    _record(kinds.REPLY_CREATED, user_id=author_id, source_id=post_id)


def on_post_deleted(*, post_id, topic_id, was_first_post=False, **_):
    enqueue("reverse_source", source_label="forum.post", source_id=post_id)
    if was_first_post:
        enqueue("reverse_source", source_label="forum.topic", source_id=topic_id)


def _current_like_id(post_id: int, actor_id: int) -> int | None:
    # Read by name: badges never imports the forum. Called inside the like's transaction, so
    # the row is the like this event announces.
    try:
        like_model = apps.get_model("forum", "Like")
    except LookupError:
        return None
    return like_model.objects.filter(post_id=post_id, user_id=actor_id).values_list(
        "pk", flat=True).first()


def on_post_liked(*, post_id, author_id, actor_id, like_id=None, **_):
    # The like's id tells a like given again after being withdrawn from a replay of the first.
    # Without a row (withdrawn already, or no forum) the like counts as occurrence 0: the
    # withdrawal that follows reverses it just the same.
    like_id = like_id or _current_like_id(post_id, actor_id) or 0
    if author_id:
        enqueue("record", kind=kinds.LIKE_RECEIVED, user_id=author_id, source_id=post_id,
                actor_id=actor_id, occurrence=like_id)


def on_post_unliked(*, post_id, author_id, actor_id, **_):
    enqueue("reverse", kind=kinds.LIKE_RECEIVED, source_id=post_id, user_id=author_id,
            variant=actor_id)


def on_answer_accepted(*, post_id, answer_author_id, topic_author_id, previous_post_id=None, **_):
    enqueue("accept_answer", post_id=post_id, answer_author_id=answer_author_id,
            topic_author_id=topic_author_id, previous_post_id=previous_post_id)


def on_idea_submitted(*, idea_id, creator_id, **_):
    _record(kinds.IDEA_SUBMITTED, user_id=creator_id, source_id=idea_id)


def on_idea_supported(*, idea_id, user_id, creator_id, **_):
    _record(kinds.IDEA_SUPPORT_RECEIVED, user_id=creator_id, source_id=idea_id, actor_id=user_id)
    # Supporting counts for the supporter's challenges (0 points by default); own ideas excluded.
    _record(kinds.IDEA_SUPPORTED, user_id=user_id, source_id=idea_id, actor_id=creator_id,
            variant=0)


def on_idea_support_withdrawn(*, idea_id, user_id, creator_id, **_):
    enqueue("reverse", kind=kinds.IDEA_SUPPORT_RECEIVED, source_id=idea_id, user_id=creator_id,
            variant=user_id)
    enqueue("reverse", kind=kinds.IDEA_SUPPORTED, source_id=idea_id, user_id=user_id, variant=0)


def on_idea_milestone_reached(*, idea_id, creator_id, supporters, **_):
    _record(kinds.IDEA_MILESTONE, user_id=creator_id, source_id=idea_id, variant=supporters)


def on_review_published(*, review_id, author_id, verified_owner=None, **_):
    enqueue("review", review_id=review_id, author_id=author_id, verified_owner=verified_owner)


def on_review_marked_helpful(*, review_id, voter_id, author_id, **_):
    _record(kinds.REVIEW_HELPFUL, user_id=author_id, source_id=review_id, actor_id=voter_id)


def on_flag_upheld(*, flag_id, flagger_id=None, **_):
    _record(kinds.FLAG_UPHELD, user_id=flagger_id, source_id=flag_id)


def on_content_hidden(*, content_type_id, object_id, **_):
    enqueue("reverse_content", content_type_id=content_type_id, object_id=object_id,
            cause=PointsEntry.HIDDEN)


def on_content_restored(*, content_type_id, object_id, **_):
    enqueue("restore_content", content_type_id=content_type_id, object_id=object_id)


def on_order_paid(*, order_id, user_id, points, **_):
    # The member's points for an order (badges never imports the shop: ids only).
    if user_id and points > 0:
        enqueue("order_paid", order_id=order_id, user_id=user_id, points=points)
    _relevel_by_spend(user_id)


def on_order_refunded(*, order_id, refund_id, user_id, points, **_):
    if user_id and points > 0:
        enqueue("order_refunded", order_id=order_id, refund_id=refund_id, user_id=user_id,
                points=points)
    _relevel_by_spend(user_id)


def _relevel_by_spend(user_id) -> None:
    # Levels by spend follow every paid order and refund; the task runs after the order's
    # commit and reads the spend under the member's lock (badges.services.levels). Owed only
    # while levels come from spend: switching the basis re-levels everyone anyway.
    from badges.config import engine_config

    if user_id and engine_config().levels_by_spend:
        enqueue_on_commit(tasks.relevel_members, [user_id])


def on_levels_configured(*, raw=False, **_):
    """Staff changed the basis of levels or a level (Wagtail): re-level everyone, by a task
    owed in the same transaction. Under the points basis with no spend levels left, it finds
    nobody to move."""
    if not raw:
        enqueue_on_commit(tasks.relevel_everyone)


PROFILE_FIELDS = {"display_name", "bio", "avatar"}


def on_user_saved(*, instance, update_fields=None, raw=False, **_):
    """A member's profile may now be complete: check the profile badges (Welcome) at once
    rather than waiting for the nightly backfill. Logins (last_login only) are skipped."""
    if raw or (update_fields is not None and not PROFILE_FIELDS.intersection(update_fields)):
        return
    enqueue_on_commit(tasks.check_profile_badges, instance.pk)


SIGNALS = {
    ("forum.signals", "topic_created"): on_topic_created,
    ("forum.signals", "post_created"): on_post_created,
    ("forum.signals", "post_deleted"): on_post_deleted,
    ("forum.signals", "post_liked"): on_post_liked,
    ("forum.signals", "post_unliked"): on_post_unliked,
    ("forum.signals", "answer_accepted"): on_answer_accepted,
    ("ideas.signals", "idea_submitted"): on_idea_submitted,
    ("ideas.signals", "idea_supported"): on_idea_supported,
    ("ideas.signals", "idea_support_withdrawn"): on_idea_support_withdrawn,
    ("ideas.signals", "idea_milestone_reached"): on_idea_milestone_reached,
    ("reviews.signals", "review_published"): on_review_published,
    ("reviews.signals", "review_marked_helpful"): on_review_marked_helpful,
    ("moderation.signals", "flag_upheld"): on_flag_upheld,
    ("shop.signals", "order_paid"): on_order_paid,
    ("shop.signals", "order_refunded"): on_order_refunded,
    # Hiding and restoring arrive through community, which moderation sends them on.
    ("community.signals", "content_hidden"): on_content_hidden,
    ("community.signals", "content_restored"): on_content_restored,
}


def _receiver(handler):
    def receive(sender, **payload):
        handler(**{key: value for key, value in payload.items() if key != "signal"})

    receive.__name__ = handler.__name__
    return receive


_CONNECTED = []


def connect() -> list[tuple[str, str]]:
    """Record every signal in SIGNALS whose module imports (in the sending transaction);
    returns those registered."""
    connected, missing = [], []
    for (module_path, name), handler in SIGNALS.items():
        try:
            signal = getattr(importlib.import_module(module_path), name)
        except (ImportError, AttributeError):
            missing.append(f"{module_path}.{name}")
            continue
        record_with(signal, _receiver(handler), uid=f"badges.{module_path}.{name}")
        connected.append((module_path, name))
    from badges.models import Level, LevelSettings

    post_save.connect(on_levels_configured, sender=LevelSettings,
                      dispatch_uid="badges.levels_basis_saved")
    for model in (Level,):
        post_save.connect(on_levels_configured, sender=model, dispatch_uid="badges.level_saved")
        post_delete.connect(on_levels_configured, sender=model,
                            dispatch_uid="badges.level_deleted")
    user_receiver = _receiver(on_user_saved)
    _CONNECTED.append(user_receiver)
    post_save.connect(user_receiver, sender=apps.get_model("community", "User"),
                      dispatch_uid="badges.profile_saved")
    if missing:
        logger.debug("badges: not listening to signals that do not exist yet: %s",
                     ", ".join(missing))
    return connected
