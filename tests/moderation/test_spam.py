from datetime import timedelta

import pytest
from django.utils import timezone

from moderation.models import Flag, QueueItem, TextFingerprint
from moderation.services.spam import added_text, scan_for_spam
from tests.moderation.factories import member_at

pytestmark = pytest.mark.django_db


def test_many_links_from_a_new_member_raise_an_automatic_flag():
    member = member_at(0)
    text = "deals http://a.example http://b.example https://c.example"
    assert scan_for_spam(user=member, text=text, obj=member) == ["many_links"]
    flag = Flag.objects.get()
    assert flag.flagger is None and flag.signal == "many_links" and flag.reason == "spam"


def test_links_from_a_trusted_member_are_fine():
    member = member_at(2)
    assert scan_for_spam(user=member, text="http://a.x http://b.x http://c.x", obj=member) == []


def test_the_same_text_posted_repeatedly_is_flagged_however_it_is_spaced_or_cased():
    member = member_at(1)
    TextFingerprint.objects.all().delete()
    assert scan_for_spam(user=member, text="Buy my amazing kettle descaler now", obj=member) == []
    TextFingerprint.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert scan_for_spam(user=member, text="buy my AMAZING kettle descaler, now!", obj=member) == []
    TextFingerprint.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    third = scan_for_spam(user=member, text="Buy my amazing kettle   descaler now", obj=member)
    assert third == ["repeated_text"]


def test_posting_faster_than_a_person_types_is_flagged():
    member = member_at(1)
    scan_for_spam(user=member, text="hello", obj=member)
    TextFingerprint.objects.update(created_at=timezone.now() - timedelta(seconds=5))
    assert scan_for_spam(user=member, text="x" * 400, obj=member) == ["typing_too_fast"]


def test_a_long_text_written_over_minutes_is_fine():
    member = member_at(1)
    scan_for_spam(user=member, text="hello", obj=member)
    TextFingerprint.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert scan_for_spam(user=member, text="y" * 400, obj=member) == []


def test_each_signal_flags_an_object_once_and_together_they_hide_it(settings):
    settings.HEARTH_MODERATION_HIDE_THRESHOLD = 2.0
    member = member_at(0)
    links = "http://a.example http://b.example http://c.example " + "z" * 300
    scan_for_spam(user=member, text="first", obj=member)
    TextFingerprint.objects.update(created_at=timezone.now() - timedelta(seconds=2))
    assert sorted(scan_for_spam(user=member, text=links, obj=member)) == ["many_links", "typing_too_fast"]
    assert scan_for_spam(user=member, text=links, obj=member) == []  # already flagged for these
    member.refresh_from_db()
    assert member.profile_hidden_at is not None
    assert QueueItem.objects.get().score == 2


def test_added_text_is_the_words_an_edit_brought_in_counted_and_in_order():
    assert added_text("the kettle is fine", "the kettle is fine") == ""
    assert added_text("the kettle is fine", "the new kettle is fine, see http://x.example") == \
        "new fine, see http://x.example"
    assert added_text("a b c", "c b a") == ""  # moved words were not typed
    assert added_text("ok", "ok ok ok") == "ok ok"  # a word typed again counts again
    assert added_text("", "all of it") == "all of it"


def test_for_an_edit_only_what_was_typed_counts_towards_typing_too_fast():
    member = member_at(1)
    text = "x" * 400
    scan_for_spam(user=member, text="hello", obj=member)
    TextFingerprint.objects.update(created_at=timezone.now() - timedelta(seconds=5))
    assert scan_for_spam(user=member, text=text + " fixed", obj=member, typed="fixed") == []
    TextFingerprint.objects.update(created_at=timezone.now() - timedelta(seconds=5))
    assert scan_for_spam(user=member, text=text, obj=member, typed=text) == ["typing_too_fast"]
