"""Idea pages: forms, permissions on every action, and exact query counts."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas import services
from ideas.models import Idea, IdeaComment, IdeaImage, Status
from tests.factories import (
    BrandStaffFactory,
    CommunityManagerFactory,
    UserFactory,
    image_upload,
    make_product,
)
from tests.ideas.factories import published_idea, submitted_idea, support_from

pytestmark = pytest.mark.django_db

# Queries per page, whatever the number of ideas, supporters, comments or images.
LIST_QUERIES_ANONYMOUS = 5
# +2: the session user; the roles and permissions (one query) for the menus and for whether
# hidden ideas are listed.
LIST_QUERIES_MEMBER = 7
DETAIL_QUERIES_ANONYMOUS = 10
DETAIL_QUERIES_MEMBER = 12  # roles and permissions in one query (community.roles.viewer_roles)
# With the page's shared parts from the cache (ideas.fragments.idea_page_parts): not the
# images, status history, milestones reached, duplicates, recent supporters, milestone
# ladder or the proposer's role label (-7).
DETAIL_QUERIES_MEMBER_PARTS_CACHED = 5


def valid_post(**overrides):
    data = {"title": "A travel lid for the Trail Flask",
            "description": "A sip lid that clicks shut so the flask can ride in a bag without leaking."}
    data.update(overrides)
    return data


def test_submitting_an_idea_with_images_puts_it_in_review_and_shows_it_to_its_creator(
    client, site_tree, frozen_clock
):
    member = UserFactory()
    product = make_product(title="Trail Flask")
    client.force_login(member)
    response = client.post(reverse("ideas:new"), valid_post(
        product=product.pk, images=[image_upload("a.png"), image_upload("b.jpg", fmt="JPEG")]))
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    assert idea.status == Status.IN_REVIEW and idea.creator == member and idea.product_id == product.pk
    stored = [image.image.name for image in IdeaImage.objects.filter(idea=idea)]
    assert len(stored) == 2 and all(name.endswith(".jpg") for name in stored)
    page = client.get(idea.get_absolute_url())
    assert "Only you and staff can see this idea" in page.content.decode()


def test_bad_input_is_refused_with_clear_messages_and_nothing_typed_is_lost(client, db):
    client.force_login(UserFactory())
    response = client.post(reverse("ideas:new"), valid_post(
        description="Too short", images=[image_upload(f"x{n}.png") for n in range(6)]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ensure this value has at least 30 characters" in body
    assert "An idea can have at most 5 images; you chose 6." in body
    assert 'value="A travel lid for the Trail Flask"' in body
    assert "Too short</textarea>" in body
    assert not Idea.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(UserFactory())
    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post(reverse("ideas:new"), valid_post(images=[fake]))
    assert response.status_code == 400
    assert "evil.png: That file is not an image we can read" in response.content.decode()


def test_submitting_requires_logging_in(client, db):
    response = client.post(reverse("ideas:new"), valid_post())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Idea.objects.exists()


def test_ideas_in_review_are_hidden_from_others_and_the_list(client, frozen_clock):
    idea = submitted_idea()
    assert client.get(idea.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert idea.title not in client.get(reverse("ideas:index")).content.decode()
    client.force_login(BrandStaffFactory())
    assert client.get(idea.get_absolute_url()).status_code == 200
    assert idea.title in client.get(reverse("ideas:index"), {"status": "in_review"}).content.decode()


def test_a_wrong_slug_redirects_to_the_canonical_address(client, frozen_clock):
    idea = published_idea()
    response = client.get(reverse("ideas:detail", kwargs={"idea_id": idea.pk, "slug": "old-title"}))
    assert response.status_code == 301 and response["Location"] == idea.get_absolute_url()
    assert client.get(f"/ideas/{idea.pk}/")["Location"] == idea.get_absolute_url()


def test_supporting_through_the_page_and_htmx(client, frozen_clock):
    idea = published_idea()
    client.force_login(UserFactory())
    response = client.post(reverse("ideas:support", args=[idea.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-field="support_count">1<' in body and "You support this idea." in body
    response = client.post(reverse("ideas:withdraw", args=[idea.pk]))
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.support_count == 0


def test_supporting_your_own_idea_shows_the_reason(client, frozen_clock):
    idea = published_idea()
    client.force_login(idea.creator)
    response = client.post(reverse("ideas:support", args=[idea.pk]), follow=True)
    assert "You cannot support your own idea." in response.content.decode()
    response = client.post(reverse("ideas:support", args=[idea.pk]), HTTP_HX_REQUEST="true")
    assert "You cannot support your own idea." in response.content.decode()


def test_customers_get_403_for_staff_actions_and_nothing_changes(client, frozen_clock):
    idea = published_idea()
    other = published_idea(title="Another idea that is long enough")
    client.force_login(UserFactory())
    assert client.post(reverse("ideas:decide", args=[idea.pk]),
                       {"to_status": "archived", "comment": "x"}).status_code == 403
    assert client.post(reverse("ideas:merge", args=[idea.pk]), {"original": other.pk}).status_code == 403
    client.force_login(BrandStaffFactory())
    assert client.post(reverse("ideas:merge", args=[idea.pk]), {"original": other.pk}).status_code == 403
    idea.refresh_from_db()
    assert idea.status == Status.GATHERING_SUPPORT


def test_staff_decision_without_a_comment_is_refused_and_keeps_the_choice(client, frozen_clock):
    idea = published_idea()
    client.force_login(CommunityManagerFactory())
    response = client.post(reverse("ideas:decide", args=[idea.pk]), {"to_status": "archived", "comment": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Write a comment explaining this decision" in body
    assert '<option value="archived" selected>' in body
    response = client.post(reverse("ideas:decide", args=[idea.pk]),
                           {"to_status": "archived", "comment": "Superseded by the 2027 range."})
    assert response.status_code == 302
    assert "Superseded by the 2027 range." in client.get(idea.get_absolute_url()).content.decode()


def test_manager_merges_and_undoes_through_the_page(client, frozen_clock):
    original = published_idea(title="The original kettle timer idea")
    duplicate = published_idea(title="A duplicate kettle timer idea")
    support_from(duplicate, 2)
    client.force_login(CommunityManagerFactory())
    response = client.post(reverse("ideas:merge", args=[duplicate.pk]), {"original": 99999})
    assert response.status_code == 400 and "That idea does not exist." in response.content.decode()
    client.post(reverse("ideas:merge", args=[duplicate.pk]), {"original": original.pk})
    original.refresh_from_db()
    assert original.support_count == 2
    page = client.get(duplicate.get_absolute_url()).content.decode()
    assert "This idea was merged into" in page and "Undo merge" in page
    client.post(reverse("ideas:unmerge", args=[duplicate.pk]))
    original.refresh_from_db()
    assert original.support_count == 0


def test_comments_are_rendered_sanitized_and_notify_the_creator(client, frozen_clock):
    idea = published_idea()
    author = UserFactory(username="commenter")
    client.force_login(author)
    response = client.post(reverse("ideas:comment", args=[idea.pk]),
                           {"body": "**Yes** <script>alert(1)</script> [x](javascript:alert(1))"})
    assert response.status_code == 302
    comment = idea.comments.get()
    assert "<strong>Yes</strong>" in comment.body_html
    assert "<script" not in comment.body_html and 'href="javascript' not in comment.body_html
    assert idea.creator.notifications.filter(kind="ideas.comment").exists()
    empty = client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "  "})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()


def test_list_filters_by_status_and_category_and_sorts(client, frozen_clock):
    from tests.factories import ProductCategoryFactory

    kitchen = ProductCategoryFactory(name="Kitchen", slug="kitchen")
    popular = published_idea(title="A popular kitchen idea here", category=kitchen)
    quiet = published_idea(title="A quiet outdoor idea here")
    support_from(popular, 2)
    top = client.get(reverse("ideas:index"), {"sort": "top"}).content.decode()
    assert top.index(popular.title) < top.index(quiet.title)
    new = client.get(reverse("ideas:index"), {"sort": "new"}).content.decode()
    assert new.index(quiet.title) < new.index(popular.title)
    only_kitchen = client.get(reverse("ideas:index"), {"category": "kitchen"}).content.decode()
    assert popular.title in only_kitchen and quiet.title not in only_kitchen
    expired = client.get(reverse("ideas:index"), {"status": "expired"}).content.decode()
    assert popular.title not in expired


def test_the_list_never_shows_an_idea_as_gathering_support_past_its_deadline(client, frozen_clock):
    from datetime import timedelta

    idea = published_idea()
    frozen_clock.advance(timedelta(days=61))
    gathering = client.get(reverse("ideas:index"), {"status": "gathering_support"}).content.decode()
    assert idea.title not in gathering
    expired = client.get(reverse("ideas:index"), {"status": "expired"}).content.decode()
    assert idea.title in expired and "Expired" in expired
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "This idea expired before reaching its next milestone." in page


def test_similar_ideas_are_suggested_while_typing_a_title(client, frozen_clock):
    published_idea(title="Keep-warm timer on the kettle base")
    published_idea(title="Travel lid for the flask")
    hidden = submitted_idea(title="Kettle timer still in review")
    response = client.get(reverse("ideas:similar"), {"title": "kettle timer"})
    body = response.content.decode()
    assert "Keep-warm timer on the kettle base" in body
    assert "Travel lid" not in body and hidden.title not in body
    assert client.get(reverse("ideas:similar"), {"title": "zzzz qqqq"}).content.decode().strip() == ""


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _populate(n: int) -> Idea:
    ideas = [published_idea(title=f"Idea number {i} about kettles") for i in range(n)]
    for idea in ideas:
        support_from(idea, n)
        IdeaImage.objects.create(idea=idea, image="ideas/x.jpg", width=10, height=10)
        services.add_comment(author=UserFactory(), idea_id=idea.pk, body="Nice one @nobody")
    return ideas[0]


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_page_query_count_is_exact_and_does_not_grow_with_ideas_or_supporters(
    client, frozen_clock, django_assert_num_queries, signed_in
):
    expected = LIST_QUERIES_MEMBER if signed_in else LIST_QUERIES_ANONYMOUS
    if signed_in:
        client.force_login(UserFactory())
    _populate(2)
    with django_assert_num_queries(expected):
        client.get(reverse("ideas:index"))
    _populate(5)
    with django_assert_num_queries(expected):
        response = client.get(reverse("ideas:index"))
    assert response.content.decode().count('class="card idea-card"') == 7


@pytest.mark.parametrize("signed_in", [False, True])
def test_detail_page_query_count_is_exact_and_does_not_grow_with_supporters_or_comments(
    client, frozen_clock, django_assert_num_queries, signed_in
):
    expected = DETAIL_QUERIES_MEMBER if signed_in else DETAIL_QUERIES_ANONYMOUS
    # The flag buttons' content types are cached per process: warm, as on a running server
    # (cold, the count depended on which tests ran before).
    ContentType.objects.get_for_models(Idea, IdeaComment)
    if signed_in:
        client.force_login(UserFactory())
    idea = _populate(1)
    with django_assert_num_queries(expected):
        client.get(idea.get_absolute_url())
    support_from(idea, 15, prefix="more")
    for _ in range(5):
        services.add_comment(author=UserFactory(), idea_id=idea.pk, body="Me too")
    services.decide_idea(actor=BrandStaffFactory(), idea_id=idea.pk, to_status="archived", comment="Done.")
    with django_assert_num_queries(expected):
        response = client.get(idea.get_absolute_url())
    assert response.content.decode().count('class="comment"') == 6


def test_members_list_their_own_ideas_in_any_status(client, frozen_clock):
    mine = submitted_idea(title="My idea still in review here")
    published_idea(title="Someone else's public idea")
    client.force_login(mine.creator)
    body = client.get(reverse("ideas:index"), {"mine": "on"}).content.decode()
    assert mine.title in body and "Someone else" not in body
    client.force_login(UserFactory())
    others = client.get(reverse("ideas:index"), {"mine": "on", "status": "in_review"}).content.decode()
    assert mine.title not in others


def test_ending_soon_lists_only_ideas_gathering_support_nearest_deadline_first(client, frozen_clock):
    from datetime import timedelta

    first = published_idea(title="Published first, ends first")
    frozen_clock.advance(timedelta(days=5))
    second = published_idea(title="Published later, ends later")
    staff = BrandStaffFactory()
    closed = published_idea(title="Archived idea is not ending", staff=staff)
    services.decide_idea(actor=staff, idea_id=closed.pk, to_status="archived", comment="Done.")
    body = client.get(reverse("ideas:index"), {"sort": "ending"}).content.decode()
    assert body.index(first.title) < body.index(second.title)
    assert closed.title not in body


def test_creator_revises_an_idea_that_needs_work_and_others_cannot(client, frozen_clock):
    idea = submitted_idea()
    services.decide_idea(actor=BrandStaffFactory(), idea_id=idea.pk, to_status="needs_work",
                         comment="Please add how the lid seals.")
    client.force_login(UserFactory())
    assert client.get(reverse("ideas:edit", args=[idea.pk])).status_code == 404
    client.force_login(idea.creator)
    form = client.get(reverse("ideas:edit", args=[idea.pk])).content.decode()
    assert "Please add how the lid seals." in form and 'value="A travel lid for the flask"' in form
    response = client.post(reverse("ideas:edit", args=[idea.pk]), valid_post(
        description="A silicone ring seals the lid; it clicks shut with one hand."))
    idea.refresh_from_db()
    assert response.status_code == 302 and idea.status == Status.IN_REVIEW
    assert idea.title == "A travel lid for the Trail Flask"


def test_community_managers_edit_the_milestone_ladder_in_the_wagtail_admin(client, db):
    from ideas.models import Milestone

    customer = UserFactory()
    client.force_login(customer)
    assert client.get("/admin/snippets/ideas/milestone/").status_code == 302
    client.force_login(CommunityManagerFactory())
    listing = client.get("/admin/snippets/ideas/milestone/")
    assert listing.status_code == 200 and "10000" in listing.content.decode().replace(",", "")
    first = Milestone.objects.get(supporters=100)
    response = client.post(f"/admin/snippets/ideas/milestone/edit/{first.pk}/",
                           {"supporters": 100, "window_days": 90})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.window_days == 90


def test_creator_removes_an_image_and_its_file_is_deleted(
    client, frozen_clock, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    member = UserFactory()
    client.force_login(member)
    client.post(reverse("ideas:new"), valid_post(images=[image_upload("a.png"), image_upload("b.png")]))
    idea = Idea.objects.get()
    first, second = idea.images.all()
    assert default_storage.exists(first.image.name)
    new_images = [image_upload(f"n{n}.png") for n in range(4)]
    with_removal = valid_post(remove_image=[str(first.pk)], images=new_images)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ideas:edit", args=[idea.pk]), with_removal)
    assert response.status_code == 302
    assert not default_storage.exists(first.image.name) and default_storage.exists(second.image.name)
    assert idea.images.count() == 5 and not idea.images.filter(pk=first.pk).exists()
    too_many = client.post(reverse("ideas:edit", args=[idea.pk]), valid_post(images=[image_upload("x.png")]))
    assert too_many.status_code == 400
    assert "An idea can have at most 5 images; you chose 1 and it already has 5." in too_many.content.decode()


@pytest.mark.parametrize("supports", [False, True])
def test_the_idea_page_from_cached_parts_costs_the_same_queries_whatever_the_supporters_or_comments(
    client, frozen_clock, django_assert_num_queries, supports
):
    ContentType.objects.get_for_models(Idea, IdeaComment)
    idea = _populate(1)
    reader = UserFactory()
    if supports:
        services.cast_support(user=reader, idea_id=idea.pk)
    client.force_login(UserFactory())
    client.get(idea.get_absolute_url())  # another member's view stores the shared parts
    client.force_login(reader)
    with django_assert_num_queries(DETAIL_QUERIES_MEMBER_PARTS_CACHED):
        html = client.get(idea.get_absolute_url()).content.decode()
    # The parts came from the cache; what is the reader's own was rendered for them.
    assert ("You support this idea." in html) is supports
    assert ("Support this idea</button>" in html) is not supports
    assert 'id="recent-supporters"' in html and "Status history" in html
