"""Deleting an account: scheduling with a password, cancelling by logging in, and the
anonymisation itself, model by model, leaving every counter as the recompute commands
rebuild it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from community.models import Notification, User
from community.refusals import Conflict, Invalid, NotPermitted
from forum.models import Like, Post, PostRevision, Topic
from ideas.models import IdeaComment, Support
from moderation.models import ModerationAction
from privacy.models import Erasure
from privacy.services.erasure import (
    anonymise_member,
    cancel_erasure,
    erase_due_members,
    request_erasure,
    rewrite_mentions_in,
)
from reviews.models import HelpfulVote, PurchaseRecord, Review, ReviewRevision
from shop.models import Order
from tests.factories import PASSWORD, CommunityManagerFactory, UserFactory
from tests.forum.factories import make_reply
from tests.ideas.factories import published_idea
from tests.privacy.factories import member_with_everything

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.HEARTH_PRIVACY_EXPORT_DIR = tmp_path / "exports"


def drift_reported() -> str:
    """What every recompute_* command prints."""
    out = io.StringIO()
    for command in ("recompute_counts", "recompute_forum", "recompute_points"):
        call_command(command, stdout=out)
    return out.getvalue()


def everything() -> dict:
    """A member with a row of every kind; the factory writes some rows directly (likes,
    supports, comments), so the counters are rebuilt once first."""
    world = member_with_everything()
    drift_reported()
    return world


def assert_no_drift():
    report = drift_reported()
    assert "done: 0 row(s) corrected in all" in report, report
    assert "forum: 0 row(s) corrected" in report, report
    assert "All totals match the ledger." in report, report


def scheduled_and_due(member, *, delete_content=False) -> Erasure:
    erasure = request_erasure(user=member, password=PASSWORD, delete_content=delete_content)
    assert erase_due_members(now=erasure.due_at + timedelta(minutes=1)) == 1
    erasure.refresh_from_db()
    return erasure


def test_asking_schedules_the_deletion_fourteen_days_on_and_emails_the_date(
        django_capture_on_commit_callbacks):
    member = UserFactory(username="ada", email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        erasure = request_erasure(user=member, password=PASSWORD)
    assert erasure.state == Erasure.State.PENDING
    assert erasure.due_at - erasure.requested_at == timedelta(days=14)
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert f"{erasure.due_at:%d %b %Y}" in mail.outbox[0].body


def test_a_wrong_password_is_refused_and_nothing_is_scheduled():
    member = UserFactory()
    with pytest.raises(Invalid, match="not your password"):
        request_erasure(user=member, password="not it")
    assert not Erasure.objects.exists()


def test_asking_twice_schedules_one_deletion():
    member = UserFactory()
    first = request_erasure(user=member, password=PASSWORD)
    second = request_erasure(user=member, password=PASSWORD, delete_content=True)
    assert first.pk == second.pk
    assert Erasure.objects.filter(user=member).count() == 1


def test_asking_ends_every_session_of_the_member():
    member, other = UserFactory(), UserFactory()
    keys = {}
    for user in (member, member, other):
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store.create()
        keys.setdefault(user.pk, []).append(store.session_key)
    request_erasure(user=member, password=PASSWORD)
    assert set(Session.objects.values_list("session_key", flat=True)) == set(keys[other.pk])


def test_logging_in_during_the_grace_period_cancels_it_and_emails_the_member(
        client, django_capture_on_commit_callbacks):
    member = UserFactory(email="ada@example.com")
    erasure = request_erasure(user=member, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(member)
    erasure.refresh_from_db()
    assert erasure.state == Erasure.State.CANCELLED
    assert "will not be deleted" in mail.outbox[-1].body
    assert erase_due_members(now=erasure.due_at + timedelta(days=1)) == 0
    assert User.objects.get(pk=member.pk).username == member.username


def test_cancelling_without_a_scheduled_deletion_does_nothing():
    assert cancel_erasure(user=UserFactory()) is None


def test_nothing_happens_before_the_grace_period_is_over():
    member = UserFactory()
    erasure = request_erasure(user=member, password=PASSWORD)
    assert erase_due_members(now=erasure.due_at - timedelta(minutes=1)) == 0
    assert User.objects.get(pk=member.pk).is_active


def test_the_task_anonymises_the_account_and_keeps_the_content_under_the_former_name():
    world = everything()
    member, other = world["member"], world["other"]
    erasure = scheduled_and_due(member)
    member.refresh_from_db()
    name = f"Former member {erasure.pk}"
    assert (member.username, member.display_name) == (f"former-member-{erasure.pk}", name)
    assert (member.email, member.bio, member.avatar.name, member.first_name) == ("", "", "", "")
    assert not member.is_active and not member.has_usable_password()
    assert member.name == name
    assert erasure.state == Erasure.State.DONE and erasure.erased_at is not None
    # Content stays, attributed to the former member.
    assert Topic.objects.get(pk=world["topic"].pk).author_id == member.pk
    post = Post.objects.get(pk=world["post"].pk)
    assert post.deleted_at is None and "ADA first text" in post.body
    assert Review.objects.get(pk=world["review"].pk).deleted_at is None
    assert PostRevision.objects.filter(post__author=member).exists()
    # Anonymous counts stay.
    assert Like.objects.filter(user=member).count() == 1
    assert Support.objects.filter(user=member).count() == 1
    assert HelpfulVote.objects.filter(voter=member).count() == 1
    # Personal data goes.
    assert not member.emailaddress_set.exists()
    assert not Notification.objects.filter(recipient=member).exists()
    assert not apps.get_model("community.NotificationPreference").objects.filter(user=member).exists()
    assert not apps.get_model("referrals.ReferralCode").objects.filter(user=member).exists()
    assert not apps.get_model("wagtailcore.APIToken").objects.filter(user=member).exists()
    # Purchase records are anonymised, the ledger stays on the anonymous row.
    assert not PurchaseRecord.objects.filter(email__icontains="ada").exists()
    assert PurchaseRecord.objects.filter(email__endswith="@erased.invalid").count() == 1
    assert Order.objects.get(member=member).email == ""
    assert apps.get_model("badges.UserPoints").objects.get(user=member).total == 40
    # The other member is untouched.
    other.refresh_from_db()
    assert other.is_active and other.username == "ada-other"
    assert_no_drift()


def test_with_delete_content_the_posts_comments_and_reviews_go_and_the_counters_follow():
    world = everything()
    member = world["member"]
    scheduled_and_due(member, delete_content=True)
    post = Post.objects.get(pk=world["post"].pk)
    assert post.deleted_at is not None and post.body == "" and post.body_html == ""
    assert not PostRevision.objects.filter(post__author=member).exists()
    review = Review.objects.get(pk=world["review"].pk)
    assert review.deleted_at is not None and review.body == "" and review.title == ""
    assert not ReviewRevision.objects.filter(review__author=member).exists()
    comment = IdeaComment.objects.get(author=member)
    assert comment.deleted_at is not None and comment.body == ""
    # Likes, supports and votes still count.
    assert Like.objects.filter(user=member).count() == 1
    assert_no_drift()


def test_mentions_of_the_member_in_others_posts_are_rewritten():
    world = everything()
    member, other = world["member"], world["other"]
    mention = make_reply(world["topic"], author=other, body="As @ADA said, and @ada-other agrees.")
    erasure = scheduled_and_due(member)
    mention.refresh_from_db()
    name = f"Former member {erasure.pk}"
    assert mention.body == f"As {name} said, and @ada-other agrees."
    assert name in mention.body_html and "/u/ada/" not in mention.body_html
    assert 'href="/u/ada-other/"' in mention.body_html


def test_mentions_in_idea_comments_and_descriptions_are_rewritten_too():
    world = everything()
    member, other = world["member"], world["other"]
    idea = published_idea(creator=other, title="Travel lid", description="Idea from @ada's post.")
    comment = IdeaComment.objects.create(idea=idea, author=other, body="Agree with @ada",
                                         body_html="<p>Agree with @ada</p>")
    erasure = scheduled_and_due(member)
    idea.refresh_from_db()
    comment.refresh_from_db()
    assert idea.description == f"Idea from Former member {erasure.pk}'s post."
    assert f"Former member {erasure.pk}" in idea.description_html
    assert comment.body == f"Agree with Former member {erasure.pk}"
    assert comment.body_html == f"<p>Agree with Former member {erasure.pk}</p>\n"


def test_notifications_the_member_caused_for_others_name_the_former_member():
    world = everything()
    member, other = world["member"], world["other"]
    Notification.objects.create(recipient=other, actor=member, kind="forum.like",
                                message="ADA Lovelace liked your post")
    erasure = scheduled_and_due(member)
    assert Notification.objects.get(recipient=other, actor=member).message == (
        f"Former member {erasure.pk} liked your post")


def test_rewriting_a_mention_leaves_longer_names_and_email_addresses_alone():
    text = "@ada, @adam and ada@example.com; @Ada."
    assert rewrite_mentions_in(text, "ada", "Former member 3") == (
        "Former member 3, @adam and ada@example.com; Former member 3.")


def test_a_failing_erasure_rolls_back_that_member_only(monkeypatch):
    first, second = UserFactory(), UserFactory()
    failing = request_erasure(user=first, password=PASSWORD)
    request_erasure(user=second, password=PASSWORD)
    from privacy.services import erasure as module

    real = module.erase_member

    def erase(*, erasure, now):
        if erasure.pk == failing.pk:
            raise RuntimeError("boom")
        real(erasure=erasure, now=now)

    monkeypatch.setattr(module, "erase_member", erase)
    assert erase_due_members(now=timezone.now() + timedelta(days=15)) == 1
    assert User.objects.get(pk=first.pk).is_active
    assert not User.objects.get(pk=second.pk).is_active
    assert Erasure.objects.get(pk=failing.pk).state == Erasure.State.PENDING


def test_the_members_export_files_are_deleted_with_their_rows(django_capture_on_commit_callbacks):
    from privacy.models import DataExport
    from privacy.services.exports import export_dir

    member = UserFactory()
    export = DataExport.objects.create(user=member, status=DataExport.Status.READY,
                                       file_name=DataExport.new_file_name())
    path = export_dir() / export.file_name
    path.write_bytes(b"zip")
    erasure = request_erasure(user=member, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        erase_due_members(now=erasure.due_at)
    assert not DataExport.objects.filter(user=member).exists()
    assert not path.exists()


def test_running_the_task_again_changes_nothing():
    member = UserFactory()
    erasure = scheduled_and_due(member)
    assert erase_due_members(now=erasure.due_at + timedelta(days=2)) == 0


def test_a_manager_anonymises_a_member_at_once_and_the_audit_log_records_it():
    world = everything()
    manager = CommunityManagerFactory()
    erasure = anonymise_member(actor=manager, user=world["member"], reason="Asked by email")
    member = User.objects.get(pk=world["member"].pk)
    assert member.username == f"former-member-{erasure.pk}" and not member.is_active
    assert erasure.requested_by == manager and erasure.state == Erasure.State.DONE
    action = ModerationAction.objects.get(action="anonymise")
    assert (action.actor, action.target_user, action.reason) == (manager, member, "Asked by email")
    assert_no_drift()


def test_a_manager_anonymising_a_member_with_a_scheduled_deletion_completes_it():
    member, manager = UserFactory(), CommunityManagerFactory()
    scheduled = request_erasure(user=member, password=PASSWORD)
    erasure = anonymise_member(actor=manager, user=member, reason="Now")
    assert erasure.pk == scheduled.pk and erasure.state == Erasure.State.DONE


def test_only_managers_anonymise_and_never_staff_or_an_account_twice():
    member, manager = UserFactory(), CommunityManagerFactory()
    with pytest.raises(NotPermitted):
        anonymise_member(actor=UserFactory(), user=member)
    with pytest.raises(NotPermitted):
        anonymise_member(actor=manager, user=CommunityManagerFactory())
    with pytest.raises(NotPermitted):
        anonymise_member(actor=manager, user=manager)
    anonymise_member(actor=manager, user=member, reason="Once")
    with pytest.raises(Conflict):
        anonymise_member(actor=manager, user=User.objects.get(pk=member.pk), reason="Twice")
    assert ModerationAction.objects.filter(action="anonymise").count() == 1
