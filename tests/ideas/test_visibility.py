"""The ideas app's one visibility rule per content type: the querysets (list, idea page,
similar ideas, the live socket) and the per-object checks (``ideas.rules.can_view``, the
comment adapter) agree for every state of idea and comment and every kind of reader."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from community.predicates import matches
from ideas import rules
from ideas.models import Idea, IdeaComment
from ideas.visibility import comment_visible_to
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.ideas.factories import published_idea, submitted_idea

pytestmark = pytest.mark.django_db

FLAGS = list(itertools.product([False, True], repeat=2))  # (hidden, deleted)


def _mark(model, pk, *, hidden, deleted):
    now = timezone.now()
    model.objects.filter(pk=pk).update(hidden_at=now if hidden else None,
                                       deleted_at=now if deleted else None)


@pytest.fixture
def ideas_in_every_state():
    creator, commenter = UserFactory(), UserFactory()
    for published, (hidden, deleted) in itertools.product([False, True], FLAGS):
        # Made by a fresh member each (rate limits), then given to the one creator.
        idea = published_idea() if published else submitted_idea()
        Idea.objects.filter(pk=idea.pk).update(creator=creator)
        for comment_hidden, comment_deleted in FLAGS:
            comment = IdeaComment.objects.create(idea=idea, author=commenter, body="Yes",
                                                 body_html="<p>Yes</p>")
            _mark(IdeaComment, comment.pk, hidden=comment_hidden, deleted=comment_deleted)
        _mark(Idea, idea.pk, hidden=hidden, deleted=deleted)
    return {"visitor": AnonymousUser(), "member": UserFactory(), "creator": creator,
            "commenter": commenter, "brand staff": BrandStaffFactory(),
            "community manager": CommunityManagerFactory()}


def documented_rule(name, idea) -> bool:
    """The rule as docs/ideas.md states it, spelled out per reader."""
    if idea.deleted_at is not None:
        return name == "community manager"
    if idea.hidden_at is not None:
        return name in {"creator", "community manager"}
    return idea.published_at is not None or name in {"creator", "brand staff", "community manager"}


def test_the_idea_querysets_the_per_idea_check_and_the_documented_rule_agree(ideas_in_every_state):
    ideas = list(Idea.objects.all())
    assert len(ideas) == 8
    for name, reader in ideas_in_every_state.items():
        listed = set(Idea.objects.visible_to(reader).values_list("pk", flat=True))
        assert listed == {idea.pk for idea in ideas if rules.can_view(reader, idea)}, name
        assert listed == {idea.pk for idea in ideas if documented_rule(name, idea)}, name
    assert set(Idea.objects.readable()) == set(Idea.objects.visible_to(AnonymousUser()))


def test_the_comment_querysets_and_the_per_comment_check_agree(ideas_in_every_state):
    comments = list(IdeaComment.objects.select_related("idea"))
    for name, reader in ideas_in_every_state.items():
        listed = set(IdeaComment.objects.visible_to(reader).values_list("pk", flat=True))
        assert listed == {c.pk for c in comments if matches(c, comment_visible_to(reader))}, name
        assert all(rules.can_view(reader, c.idea) and c.deleted_at is None for c in comments
                   if c.pk in listed), name


def test_a_hidden_comment_is_seen_by_its_author_and_community_managers_only(ideas_in_every_state):
    comment = IdeaComment.objects.get(hidden_at__isnull=False, deleted_at__isnull=True,
                                      idea__published_at__isnull=False, idea__hidden_at__isnull=True,
                                      idea__deleted_at__isnull=True)
    seen_by = {name for name, reader in ideas_in_every_state.items()
               if IdeaComment.objects.visible_to(reader).filter(pk=comment.pk).exists()}
    assert seen_by == {"commenter", "community manager"}
