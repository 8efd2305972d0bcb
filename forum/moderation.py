"""The forum's content as seen by the moderation app: adapters for Post and Topic.

Members flag posts (the opening post stands for its topic: hiding it hides the topic), so
the queue mostly holds posts; an opening post in the queue also offers the topic's actions
(lock, pin, move). Topic is registered too, for anything that refers to a topic as a whole.

Every callable here is idempotent and checks no permission: moderation has checked the
moderator (or, for automatic hides and holds, acts with no actor) and runs them inside its
own transaction, so the content change and the audit row commit together.
"""

from __future__ import annotations

from django import forms

from community.params import IdChoiceField
from forum import rules, services
from forum.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Category, Post, Topic
from moderation.registry import ExtraAction, ModerationAdapter, register
from moderation.services import ActionRefused

EXCERPT_LENGTH = 300


def _post_excerpt(post: Post) -> str:
    text = post.plain_text
    if post.post_number == 1:
        text = f"{post.topic.title}: {text}"
    return text[:EXCERPT_LENGTH]


def _opening_post(topic: Topic) -> Post:
    return Post.objects.select_related("topic").get(topic=topic, post_number=1)


# --- Post ----------------------------------------------------------------------------------

def _hide_post(post: Post, *, reason: str, actor) -> None:
    services.apply_hidden(post=post, hidden=True, reason=reason)


def _restore_post(post: Post, *, actor) -> None:
    services.apply_hidden(post=post, hidden=False)


def _delete_post(post: Post, *, actor) -> None:
    services.apply_soft_delete(actor=actor, post=post)


class PostModerationForm(forms.Form):
    """What a community manager may change in a post from the queue: its text, and the
    topic's title when it is the opening post. Validated with the forum's own rules."""

    title = forms.CharField(max_length=TITLE_MAX_LENGTH, required=False)
    body = forms.CharField(max_length=BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, data=None, *, obj: Post):
        self.post = obj
        super().__init__(data, initial={"body": obj.body, "title": obj.topic.title})
        if obj.post_number != 1:
            del self.fields["title"]

    def clean_title(self) -> str:
        return rules.clean_title(self.cleaned_data["title"])

    def clean_body(self) -> str:
        return rules.clean_body(self.cleaned_data["body"])


def _edit_post(post: Post, *, data: dict, actor) -> None:
    services.apply_edit(editor=actor, post=post, body=data["body"], title=data.get("title"))


class MoveTopicForm(forms.Form):
    category = IdChoiceField(queryset=Category.objects.all(), label="Move to category",
                                      empty_label=None)

    def clean_category(self) -> Category:
        return self.cleaned_data["category"]


def _topic_of(obj) -> Topic:
    return obj.topic if isinstance(obj, Post) else obj


def _lock(obj, *, actor, data) -> str:
    services.set_topic_flag(topic=_topic_of(obj), field="is_locked", value=True)
    return f"Locked the topic “{_topic_of(obj).title}”: it takes no more replies."


def _unlock(obj, *, actor, data) -> str:
    services.set_topic_flag(topic=_topic_of(obj), field="is_locked", value=False)
    return f"Unlocked the topic “{_topic_of(obj).title}”."


def _pin(obj, *, actor, data) -> str:
    services.set_topic_flag(topic=_topic_of(obj), field="is_pinned", value=True)
    return f"Pinned the topic “{_topic_of(obj).title}”."


def _unpin(obj, *, actor, data) -> str:
    services.set_topic_flag(topic=_topic_of(obj), field="is_pinned", value=False)
    return f"Unpinned the topic “{_topic_of(obj).title}”."


def _move(obj, *, actor, data) -> str:
    topic = _topic_of(obj)
    category = data.get("category")
    if not isinstance(category, Category):
        raise ActionRefused("Choose a category to move the topic to.")
    moved = services.move_topic(actor=actor, topic=topic, category=category, check=False)
    if not moved:
        return f"The topic was already in {category.name}."
    return f"Moved the topic “{topic.title}” to {category.name}."


def _topic_actions(applies) -> list[ExtraAction]:
    """Lock/unlock, pin/unpin and move, offered where ``applies(obj)``."""

    def when(condition):
        return lambda obj: applies(obj) and condition(_topic_of(obj))

    return [
        ExtraAction("lock", "Lock topic", _lock, available=when(lambda t: not t.is_locked)),
        ExtraAction("unlock", "Unlock topic", _unlock, available=when(lambda t: t.is_locked)),
        ExtraAction("pin", "Pin topic", _pin, available=when(lambda t: not t.is_pinned)),
        ExtraAction("unpin", "Unpin topic", _unpin, available=when(lambda t: t.is_pinned)),
        ExtraAction("move", "Move topic", _move, form=MoveTopicForm, available=when(lambda t: True)),
    ]


POST_ADAPTER = ModerationAdapter(
    label="post",
    author=lambda post: post.author,
    excerpt=_post_excerpt,
    url=lambda post: post.get_absolute_url(),
    is_hidden=lambda post: post.is_hidden,
    hide=_hide_post,
    restore=_restore_post,
    delete=_delete_post,
    edit_form=PostModerationForm,
    edit=_edit_post,
    extra_actions=_topic_actions(lambda post: post.post_number == 1),
    prefetch=lambda queryset: queryset.select_related("author", "topic"),
    # The topic page's rules; a deleted post shows only a placeholder, so nothing to flag.
    can_see=lambda post, user: post.deleted_at is None and rules.can_see_post(user, post),
)


# --- Topic (through its opening post) ------------------------------------------------------

def _topic_excerpt(topic: Topic) -> str:
    return topic.title[:EXCERPT_LENGTH]


TOPIC_ADAPTER = ModerationAdapter(
    label="topic",
    author=lambda topic: topic.author,
    excerpt=_topic_excerpt,
    url=lambda topic: topic.get_absolute_url(),
    is_hidden=lambda topic: topic.is_hidden,
    hide=lambda topic, *, reason, actor: _hide_post(_opening_post(topic), reason=reason, actor=actor),
    restore=lambda topic, *, actor: _restore_post(_opening_post(topic), actor=actor),
    delete=lambda topic, *, actor: _delete_post(_opening_post(topic), actor=actor),
    edit_form=lambda data=None, *, obj: PostModerationForm(data, obj=_opening_post(obj)),
    edit=lambda topic, *, data, actor: _edit_post(_opening_post(topic), data=data, actor=actor),
    extra_actions=_topic_actions(lambda topic: True),
    prefetch=lambda queryset: queryset.select_related("author", "category"),
    can_see=lambda topic, user: rules.can_see_topic(user, topic),
)


def register_with_moderation() -> None:
    register(Post, POST_ADAPTER)
    register(Topic, TOPIC_ADAPTER)
