"""Ideas and idea comments under moderation: hiding, holding for approval, limits, spam
signals, trust activity, and what every route shows of hidden content."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from community.models import Notification
from ideas import rules, selectors, services
from ideas.models import Idea, IdeaComment, Status
from ideas.services import _core
from ideas.services import moderation as idea_moderation
from ideas.services.lifecycle import refresh_trending
from ideas.services.similarity import similar_ideas
from moderation.models import Flag, MemberTrust, QueueItem, Suspension
from moderation.registry import adapter_for
from moderation.services import flag_content
from moderation.services.queue import act_on_item
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.ideas.factories import published_idea, submitted_idea, support_from
from tests.moderation.factories import at_level

pytestmark = pytest.mark.django_db


def queue_item(obj) -> QueueItem:
    return QueueItem.objects.get(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, status="pending"
    )


def flagged_past_threshold(obj, *, flaggers: int = 2) -> QueueItem:
    """Two members at TL1 weigh 2.0, the default threshold: the content hides itself."""
    for _ in range(flaggers):
        flag_content(flagger=at_level(UserFactory(), 1), obj=obj, reason="spam")
    return queue_item(obj)


def comment_on(idea, *, author=None, body="I would buy this on the spot.") -> IdeaComment:
    return services.add_comment(author=author or UserFactory(), idea_id=idea.pk, body=body)


# --- Registration and the adapters ---------------------------------------------------------

def test_ideas_and_idea_comments_are_registered_with_moderation(frozen_clock):
    idea = published_idea(title="A kettle that whistles a tune")
    comment = comment_on(idea)
    idea_adapter, comment_adapter = adapter_for(idea), adapter_for(comment)
    assert idea_adapter.label == "idea" and comment_adapter.label == "idea comment"
    assert idea_adapter.author(idea) == idea.creator and comment_adapter.author(comment) == comment.author
    assert idea_adapter.excerpt(idea).startswith("A kettle that whistles a tune: ")
    assert comment_adapter.url(comment) == f"{idea.get_absolute_url()}#comment-{comment.pk}"
    assert not idea_adapter.is_hidden(idea) and not comment_adapter.is_hidden(comment)
    assert idea_adapter.extra_actions == [] and comment_adapter.extra_actions == []


def test_hiding_and_restoring_are_idempotent_and_keep_the_public_comment_count_exact(frozen_clock):
    idea = published_idea()
    comment = comment_on(idea)
    comment_on(idea)
    manager = CommunityManagerFactory()
    for _ in range(2):
        idea_moderation.hide_comment(comment, reason="Rude", actor=manager)
    idea.refresh_from_db()
    assert idea.comment_count == 1
    idea_moderation.hide_comment(comment, reason="Rude and off-topic", actor=manager)
    comment.refresh_from_db()
    assert comment.hidden_reason == "Rude and off-topic"
    for _ in range(2):
        idea_moderation.restore_comment(comment, actor=manager)
    idea.refresh_from_db()
    assert idea.comment_count == 2
    for _ in range(2):
        idea_moderation.soft_delete_comment(comment, actor=manager)
    idea.refresh_from_db()
    assert idea.comment_count == 1
    # The recompute command agrees: only visible comments count.
    Idea.objects.filter(pk=idea.pk).update(comment_count=7)
    assert services.comments.recompute_comment_counts() == 1
    idea.refresh_from_db()
    assert idea.comment_count == 1


# --- Flag, automatic hide, manager decisions ---------------------------------------------

def test_flags_hide_an_idea_and_a_manager_restores_it_from_the_queue(client, frozen_clock):
    idea = published_idea(title="Buy cheap watches at my shop now")
    item = flagged_past_threshold(idea)
    idea.refresh_from_db()
    assert idea.hidden_at is not None and "Hidden automatically" in idea.hidden_reason
    assert item.hidden_pending_review
    told = Notification.objects.filter(recipient=idea.creator, message__contains="hidden pending review")
    assert told.exists()
    assert client.get(idea.get_absolute_url()).status_code == 404

    manager = CommunityManagerFactory()
    outcome = act_on_item(actor=manager, item_id=item.pk, action="restore", version=item.version)
    assert outcome.message == "Restored: it is visible again."
    idea.refresh_from_db()
    assert idea.hidden_at is None and idea.status == Status.GATHERING_SUPPORT
    assert client.get(idea.get_absolute_url()).status_code == 200
    assert set(Flag.objects.values_list("status", flat=True)) == {"dismissed"}


def test_a_manager_hides_a_comment_with_a_reason_and_the_author_sees_it(client, frozen_clock):
    idea = published_idea()
    author = UserFactory()
    comment = comment_on(idea, author=author, body="This idea is stupid and so are you.")
    flag_content(flagger=UserFactory(), obj=comment, reason="abusive")
    item = queue_item(comment)
    act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="hide", version=item.version,
                reason="Personal attacks are not allowed")
    assert Notification.objects.filter(recipient=author, message__contains="Personal attacks").exists()

    assert "so are you" not in client.get(idea.get_absolute_url()).content.decode()
    client.force_login(author)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "so are you" in page
    assert "Your comment is hidden from other members: Personal attacks are not allowed" in page
    client.force_login(CommunityManagerFactory())
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "so are you" in page and "comment comment-hidden" in page


def test_moderators_edit_and_delete_ideas_and_comments_from_the_queue(client, frozen_clock):
    idea = published_idea(title="Original title of the idea")
    comment = comment_on(idea, body="Visit my shop for better kettles")
    manager = CommunityManagerFactory()
    for obj in (idea, comment):
        flag_content(flagger=UserFactory(), obj=obj, reason="spam")
    item = queue_item(idea)
    act_on_item(actor=manager, item_id=item.pk, action="edit", version=item.version,
                data={"title": "A better title for the idea", "description": "Now *clearer*."})
    idea.refresh_from_db()
    assert idea.title == "A better title for the idea" and idea.slug == "a-better-title-for-the-idea"
    assert "<em>clearer</em>" in idea.description_html

    item = queue_item(comment)
    act_on_item(actor=manager, item_id=item.pk, action="delete", version=item.version, reason="Advertising")
    idea.refresh_from_db()
    assert idea.comment_count == 0
    client.force_login(manager)
    assert "Visit my shop" not in client.get(idea.get_absolute_url()).content.decode()


# --- What every route shows of hidden content ----------------------------------------------

def test_hidden_ideas_are_left_out_of_every_public_route(client, frozen_clock):
    shown = published_idea(title="Insulated kettle lid")
    hidden = published_idea(title="Insulated kettle handle")
    idea_moderation.hide_idea(hidden, reason="Duplicate spam", actor=CommunityManagerFactory())
    refresh_trending()

    for sort in ("trending", "top", "new", "ending"):
        page = client.get(reverse("ideas:index"), {"sort": sort}).content.decode()
        assert "Insulated kettle handle" not in page
    assert "Insulated kettle lid" in client.get(reverse("ideas:index")).content.decode()
    assert [i.pk for i in similar_ideas(text="Insulated kettle")] == [shown.pk]
    assert "Insulated kettle handle" not in client.get(
        reverse("ideas:similar"), {"title": "Insulated kettle"}
    ).content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404

    member = UserFactory()
    client.force_login(member)
    assert "Insulated kettle handle" not in client.get(reverse("ideas:index")).content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    with pytest.raises(services.IdeaActionRefused, match="hidden by the moderators"):
        services.cast_support(user=member, idea_id=hidden.pk)
    assert client.post(reverse("ideas:support", args=[hidden.pk])).status_code == 404


def test_the_creator_sees_their_hidden_idea_with_the_reason_and_managers_see_it_marked(client, frozen_clock):
    idea = published_idea(title="Kettle with a built-in radio")
    idea_moderation.hide_idea(idea, reason="Looks like advertising", actor=CommunityManagerFactory())

    client.force_login(idea.creator)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Your idea is hidden from other members: Looks like advertising" in page
    assert "data-idea-page" not in page  # no live updates for a hidden idea
    assert "it cannot be supported" in page
    mine = client.get(reverse("ideas:index"), {"mine": "on"}).content.decode()
    assert "Kettle with a built-in radio" in mine and "idea-hidden-mark" in mine

    client.force_login(CommunityManagerFactory())
    listing = client.get(reverse("ideas:index")).content.decode()
    assert "Kettle with a built-in radio" in listing and "idea-hidden-mark" in listing
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Hidden from members by" in page and "Looks like advertising" in page
    assert "Staff decision" not in page  # decided from the queue while hidden

    client.force_login(BrandStaffFactory())
    assert client.get(idea.get_absolute_url()).status_code == 404


def test_deleted_ideas_are_seen_only_by_community_managers(client, frozen_clock):
    idea = published_idea()
    idea_moderation.soft_delete_idea(idea, actor=None)
    for member in (idea.creator, BrandStaffFactory()):
        client.force_login(member)
        assert client.get(idea.get_absolute_url()).status_code == 404
        assert idea.title not in client.get(reverse("ideas:index"), {"mine": "on"}).content.decode()
    client.force_login(CommunityManagerFactory())
    assert "Deleted by a community manager" in client.get(idea.get_absolute_url()).content.decode()


def test_hidden_comments_do_not_count_towards_trending(frozen_clock):
    idea = published_idea()
    comments = [comment_on(idea) for _ in range(4)]
    refresh_trending()
    idea.refresh_from_db()
    with_comments = idea.trending_score
    for comment in comments:
        idea_moderation.hide_comment(comment, reason="spam", actor=None)
    refresh_trending()
    idea.refresh_from_db()
    assert idea.trending_score < with_comments


def test_a_hidden_idea_pushes_nothing_live_and_its_supporters_hear_nothing(
    frozen_clock, monkeypatch, django_capture_on_commit_callbacks
):
    idea = published_idea()
    supporters = support_from(idea, 3)
    sent = []
    monkeypatch.setattr(_core, "send_now", lambda group, event: sent.append(group))
    idea_moderation.hide_idea(idea, reason="Under review", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        _core.push_idea_state(idea.pk)
    assert sent == []

    frozen_clock.advance(timedelta(days=61))
    with django_capture_on_commit_callbacks(execute=True):
        services.run_lifecycle()
    idea.refresh_from_db()
    assert idea.status == Status.EXPIRED
    assert Notification.objects.filter(kind="ideas.status", recipient=idea.creator).exists()
    assert not Notification.objects.filter(kind="ideas.status", recipient__in=supporters).exists()


def test_staff_cannot_decide_a_hidden_idea_from_its_page(frozen_clock):
    idea = published_idea()
    idea_moderation.hide_idea(idea, reason="Under review", actor=None)
    with pytest.raises(services.IdeaActionRefused, match="moderation queue"):
        services.decide_idea(actor=CommunityManagerFactory(), idea_id=idea.pk, to_status="archived",
                             comment="Archived.")


def test_a_held_comment_notifies_no_one_until_it_is_approved_and_then_once(settings, frozen_clock):
    settings.HEARTH_PREMODERATE = {**settings.HEARTH_PREMODERATE, "ideas.ideacomment": "everyone"}
    idea = published_idea()
    friend = UserFactory(username="friendly")
    comment = comment_on(idea, body="Look at this @friendly")
    assert comment.hidden_at is not None
    assert not Notification.objects.filter(kind__in=["ideas.comment", "ideas.mention"]).exists()
    idea.refresh_from_db()
    assert idea.comment_count == 0
    assert rules.can_view(friend, idea)
    assert list(selectors.comments_for(idea=idea, user=friend)) == []
    assert list(selectors.comments_for(idea=idea, user=comment.author)) == [comment]

    # Approved from the queue, it is counted and announced, once.
    item = queue_item(comment)
    act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="restore", version=item.version)
    idea_moderation.restore_comment(comment, actor=None)
    idea.refresh_from_db()
    assert idea.comment_count == 1
    assert Notification.objects.filter(kind="ideas.comment", recipient=idea.creator).count() == 1
    assert Notification.objects.filter(kind="ideas.mention", recipient=friend).count() == 1


# --- Pre-moderation -------------------------------------------------------------------------

def test_a_held_idea_is_private_until_a_manager_approves_it_and_then_gathers_support(
    client, settings, frozen_clock
):
    settings.HEARTH_PREMODERATE = {**settings.HEARTH_PREMODERATE, "ideas.idea": "new_members"}
    idea = submitted_idea(title="A kettle with a pour timer")
    assert idea.hidden_at is not None and idea.hidden_by is None
    item = queue_item(idea)
    assert item.kind == QueueItem.Kind.PREMODERATION

    client.force_login(idea.creator)
    assert "Waiting for a community manager" in client.get(idea.get_absolute_url()).content.decode()
    client.force_login(BrandStaffFactory())
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert "A kettle with a pour timer" not in client.get(
        reverse("ideas:index"), {"status": "in_review"}
    ).content.decode()

    frozen_clock.advance(timedelta(days=3))
    outcome = act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="restore",
                          version=item.version)
    assert outcome.message == "Approved: it is visible now."
    idea.refresh_from_db()
    assert idea.hidden_at is None and idea.status == Status.GATHERING_SUPPORT
    # The support window starts at approval, as when staff publish from the idea page.
    assert idea.published_at == frozen_clock.now()
    assert idea.deadline == frozen_clock.now() + timedelta(days=60)
    client.logout()
    assert "A kettle with a pour timer" in client.get(reverse("ideas:index")).content.decode()
    assert services.cast_support(user=UserFactory(), idea_id=idea.pk)


def test_trusted_members_ideas_are_not_held_under_new_members_policy(settings, frozen_clock):
    settings.HEARTH_PREMODERATE = {**settings.HEARTH_PREMODERATE, "ideas.idea": "new_members"}
    idea = submitted_idea(creator=at_level(UserFactory(), 1))
    assert idea.hidden_at is None and not QueueItem.objects.exists()


def test_a_held_idea_rejected_from_the_queue_stays_hidden(settings, frozen_clock):
    settings.HEARTH_PREMODERATE = {**settings.HEARTH_PREMODERATE, "ideas.idea": "everyone"}
    idea = submitted_idea()
    item = queue_item(idea)
    act_on_item(actor=CommunityManagerFactory(), item_id=item.pk, action="hide", version=item.version,
                reason="Not a product idea")
    idea.refresh_from_db()
    assert idea.hidden_reason == "Not a product idea" and idea.published_at is None


# --- Limits, spam and trust -----------------------------------------------------------------

def test_a_suspended_member_is_told_why_and_keeps_what_they_typed(client, frozen_clock):
    member = UserFactory()
    Suspension.objects.create(user=member, reason="Spamming the forum",
                              ends_at=timezone.now() + timedelta(days=2))
    client.force_login(member)
    response = client.post(reverse("ideas:new"), {
        "title": "A travel lid for the Trail Flask",
        "description": "A sip lid that clicks shut so the flask can ride in a bag without leaking.",
    })
    body = response.content.decode()
    assert response.status_code == 400
    assert "Your account is suspended until" in body and "Spamming the forum" in body
    assert "A sip lid that clicks shut" in body
    assert not Idea.objects.exists()

    idea = published_idea()
    response = client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "My draft comment"})
    assert response.status_code == 400 and "My draft comment" in response.content.decode()
    assert "Your account is suspended" in response.content.decode()
    response = client.post(reverse("ideas:support", args=[idea.pk]), HTTP_HX_REQUEST="true")
    assert "Your account is suspended" in response.content.decode()
    response = client.post(reverse("ideas:support", args=[idea.pk]), follow=True)
    assert "Your account is suspended" in response.content.decode()
    idea.refresh_from_db()
    assert idea.support_count == 0 and idea.comment_count == 0


def test_new_members_cannot_post_links_and_the_rate_limit_says_when_to_try_again(
    client, settings, frozen_clock
):
    idea = published_idea()
    member = UserFactory()
    client.force_login(member)
    response = client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "See https://example.com"})
    assert "New members cannot post links or images yet" in response.content.decode()
    assert "See https://example.com" in response.content.decode()

    settings.HEARTH_TRUST_RATE_LIMITS = {0: {"support": (1, 3600), "idea": (1, 86400)}}
    other = published_idea(title="Another idea long enough")
    services.cast_support(user=member, idea_id=idea.pk)
    response = client.post(reverse("ideas:support", args=[other.pk]), HTTP_HX_REQUEST="true")
    assert "You have reached the limit for now (1 per hour" in response.content.decode()
    services.submit_idea(creator=member, title="My first idea here", description="Described at length.")
    with pytest.raises(services.IdeaActionRefused, match="1 per day"):
        services.submit_idea(creator=member, title="My second idea here", description="Described again.")


def test_supporting_twice_does_not_use_up_the_rate_limit(settings, frozen_clock):
    settings.HEARTH_TRUST_RATE_LIMITS = {0: {"support": (1, 3600)}}
    idea = published_idea()
    member = UserFactory()
    assert services.cast_support(user=member, idea_id=idea.pk)
    assert services.cast_support(user=member, idea_id=idea.pk) is False


def test_the_same_comment_posted_again_and_again_is_flagged_as_spam(frozen_clock):
    idea = published_idea()
    member = UserFactory()
    body = "Great idea, also check out my channel for kettle reviews"
    comments = [comment_on(idea, author=member, body=body) for _ in range(3)]
    flag = Flag.objects.get(object_id=comments[-1].pk, signal="repeated_text")
    assert flag.flagger is None


def test_a_first_comment_on_an_idea_counts_as_a_reply_towards_trust(frozen_clock):
    member = UserFactory()
    first, second = published_idea(), published_idea(title="Second idea long enough")
    comment_on(first, author=member, body="One")
    comment_on(first, author=member, body="Two")
    comment_on(second, author=member, body="Three")
    assert MemberTrust.objects.get(user=member).topics_replied == 2


# --- Flag buttons ---------------------------------------------------------------------------

def test_flag_buttons_are_on_ideas_and_comments_but_not_own_content_or_for_visitors(client, frozen_clock):
    idea = published_idea()
    member = UserFactory()
    comment_on(idea, author=member)
    comment_on(idea)
    assert "Flag this" not in client.get(idea.get_absolute_url()).content.decode()
    client.force_login(member)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert page.count("Flag this idea comment") == 1 and page.count("Flag this idea<") == 1
    client.force_login(idea.creator)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert page.count("Flag this idea comment") == 2 and "Flag this idea<" not in page


# --- Query counts with hidden content ---------------------------------------------------------

MANAGER_LIST_QUERIES = 7  # roles and permissions in one query (community.roles.viewer_roles)
MANAGER_DETAIL_QUERIES = 12  # roles and permissions in one query (community.roles.viewer_roles)
# Once a view stored the idea's shared parts (ideas.fragments.idea_page_parts), every other
# member's view, hidden comments and all, reads them from the cache: 7 queries fewer.
DETAIL_QUERIES_PARTS_CACHED = 5


def _hidden_content(n: int) -> tuple[Idea, UserFactory]:
    """``n`` hidden ideas and, on a visible one, ``n`` hidden comments by one author."""
    author = UserFactory()
    for i in range(n):
        idea_moderation.hide_idea(published_idea(title=f"Hidden idea number {i}"), reason="spam", actor=None)
    shown = published_idea(title="Visible idea with comments")
    for i in range(n):
        hidden = comment_on(shown, author=author, body=f"Hidden comment {i}")
        idea_moderation.hide_comment(hidden, reason="Rude", actor=None)
        comment_on(shown, body=f"Visible comment {i}")
    return shown, author


def test_list_and_detail_query_counts_stay_constant_with_hidden_content(
    client, frozen_clock, django_assert_num_queries
):
    manager = CommunityManagerFactory()
    idea, author = _hidden_content(2)
    # The flag buttons' content types are cached per process: warm, as on a running server.
    ContentType.objects.get_for_models(Idea, IdeaComment)
    client.force_login(manager)
    with django_assert_num_queries(MANAGER_LIST_QUERIES):
        client.get(reverse("ideas:index"))
    with django_assert_num_queries(MANAGER_DETAIL_QUERIES):
        client.get(idea.get_absolute_url())
    client.force_login(author)
    with django_assert_num_queries(DETAIL_QUERIES_PARTS_CACHED):
        client.get(idea.get_absolute_url())

    idea_more, _ = _hidden_content(4)
    client.force_login(manager)
    with django_assert_num_queries(MANAGER_LIST_QUERIES):
        listing = client.get(reverse("ideas:index")).content.decode()
    assert listing.count("idea-hidden-mark") == 6
    with django_assert_num_queries(DETAIL_QUERIES_PARTS_CACHED):
        page = client.get(idea.get_absolute_url()).content.decode()
    assert page.count("comment comment-hidden") == 2
    client.force_login(author)
    with django_assert_num_queries(DETAIL_QUERIES_PARTS_CACHED):
        page = client.get(idea.get_absolute_url()).content.decode()
    assert page.count("Your comment is hidden from other members") == 2


# --- The moderation queue with ideas and comments -----------------------------------------------

@pytest.mark.parametrize("rows", [1, 4])
def test_the_queue_page_with_ideas_and_comments_costs_the_same_whatever_their_number(
    client, frozen_clock, django_assert_num_queries, rows
):
    for n in range(rows):
        idea = published_idea(title=f"Flagged idea number {n}")
        flag_content(flagger=UserFactory(), obj=idea, reason="off_topic")
        flag_content(flagger=UserFactory(), obj=comment_on(idea, body=f"Flagged comment {n}"), reason="spam")
    client.force_login(CommunityManagerFactory())
    client.get("/moderation/")  # warms the content-type and suspension caches
    # As for profiles (user, permission check (2), pending count, items, flags, menu groups),
    # with one query per content type: ideas with their creators, comments with their authors
    # and ideas.
    with django_assert_num_queries(7):
        page = client.get("/moderation/").content.decode()
    assert page.count("Idea by ") == rows and page.count("Idea comment by ") == rows


def test_the_queue_edit_page_offers_the_idea_form_and_saves_it(client, frozen_clock):
    idea = published_idea(title="Kettle with a typo in the tilte")
    flag_content(flagger=UserFactory(), obj=idea, reason="other", note="Typo in the title")
    item = queue_item(idea)
    client.force_login(CommunityManagerFactory())
    page = client.get(reverse("moderation:item_edit", args=[item.pk])).content.decode()
    assert "Kettle with a typo in the tilte" in page and f'id="idea-{idea.pk}-title"' in page
    response = client.post(reverse("moderation:item_edit", args=[item.pk]), {
        "version": item.version, "title": "Kettle with a fixed title", "description": idea.description,
    }, follow=True)
    assert response.status_code == 200
    idea.refresh_from_db()
    assert idea.title == "Kettle with a fixed title"
