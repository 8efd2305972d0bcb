"""Ideas and idea comments plugged into moderation (registered in ``IdeasConfig.ready``).

Ideas have no comment locking, so neither type has extra queue actions: archiving or
merging an idea stays a staff decision on the idea's page.
"""

from __future__ import annotations

from django import forms

from community.predicates import matches
from ideas import rules
from ideas.models import Idea, IdeaComment
from ideas.services import moderation as services
from ideas.visibility import comment_visible_to
from moderation.registry import ModerationAdapter, register


class IdeaModerationForm(forms.Form):
    title = forms.CharField(max_length=120, min_length=3)
    description = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, data=None, *, obj: Idea):
        super().__init__(data, initial={"title": obj.title, "description": obj.description},
                         auto_id=f"idea-{obj.pk}-%s")


class IdeaCommentModerationForm(forms.Form):
    body = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 5}), label="Comment")

    def __init__(self, data=None, *, obj: IdeaComment):
        super().__init__(data, initial={"body": obj.body}, auto_id=f"idea-comment-{obj.pk}-%s")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _can_see_comment(comment: IdeaComment, user) -> bool:
    """As the idea page shows it (``ideas.visibility.comment_visible_to``)."""
    return matches(comment, comment_visible_to(user))


IDEA_ADAPTER = ModerationAdapter(
    label="idea",
    author=lambda idea: idea.creator,
    excerpt=lambda idea: f"{idea.title}: {_one_line(idea.description)}"[:300],
    url=lambda idea: idea.get_absolute_url(),
    is_hidden=lambda idea: idea.hidden_at is not None or idea.deleted_at is not None,
    hide=services.hide_idea,
    restore=services.restore_idea,
    delete=services.soft_delete_idea,
    edit_form=IdeaModerationForm,
    edit=services.moderator_edit_idea,
    prefetch=lambda queryset: queryset.select_related("creator"),
    can_see=lambda idea, user: rules.can_view(user, idea),
)

COMMENT_ADAPTER = ModerationAdapter(
    label="idea comment",
    author=lambda comment: comment.author,
    excerpt=lambda comment: _one_line(comment.body)[:300],
    url=lambda comment: comment.get_absolute_url(),
    is_hidden=lambda comment: comment.hidden_at is not None or comment.deleted_at is not None,
    hide=services.hide_comment,
    restore=services.restore_comment,
    delete=services.soft_delete_comment,
    edit_form=IdeaCommentModerationForm,
    edit=services.moderator_edit_comment,
    prefetch=lambda queryset: queryset.select_related("author", "idea"),
    can_see=_can_see_comment,
)


def register_adapters() -> None:
    register(Idea, IDEA_ADAPTER)
    register(IdeaComment, COMMENT_ADAPTER)
