import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from community.refusals import Conflict, RateLimited
from privacy.coverage import COVERAGE, FILES, Export
from privacy.models import DataExport
from privacy.services import exports as export_services
from tests.factories import UserFactory
from tests.privacy.factories import member_with_everything

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.HEARTH_PRIVACY_EXPORT_DIR = tmp_path / "exports"


def export_now(user, capture) -> DataExport:
    with capture(execute=True):
        export = export_services.request_export(user=user)
    export.refresh_from_db()
    return export


def read_zip(export: DataExport) -> dict:
    with zipfile.ZipFile(export_services.file_path(export)) as archive:
        return {name: (archive.read(name).decode() if name.endswith(".txt")
                       else json.loads(archive.read(name))) for name in archive.namelist()}


def test_an_export_holds_one_json_file_per_kind_and_a_readme_explaining_each(
        django_capture_on_commit_callbacks):
    world = member_with_everything()
    export = export_now(world["member"], django_capture_on_commit_callbacks)

    assert export.status == DataExport.Status.READY and export.progress == 100
    files = read_zip(export)
    assert sorted(files) == sorted(["README.txt", *FILES])
    for name in FILES:
        assert name in files["README.txt"]
    # Every section the coverage table promises is in its file.
    for entry in COVERAGE.values():
        if isinstance(entry, Export):
            assert entry.section in files[entry.file], (entry.file, entry.section)


def test_each_kind_holds_the_members_own_rows(django_capture_on_commit_callbacks):
    world = member_with_everything()
    files = read_zip(export_now(world["member"], django_capture_on_commit_callbacks))

    profile = files["profile.json"]
    assert profile["account"][0]["username"] == "ada"
    assert profile["account"][0]["bio"] == "ADA bio"
    assert "password" not in profile["account"][0]
    assert [e["email"] for e in profile["email_addresses"]] == ["ada@example.com"]
    forum = files["forum.json"]
    assert [t["title"] for t in forum["topics"]] == ["ADA topic about kettles"]
    assert "ADA first text of my reply" in [p["body"] for p in forum["posts"]]
    assert [r["body"] for r in forum["post_revisions"]] == ["ADA earlier text"]
    ideas = files["ideas.json"]
    assert [i["title"] for i in ideas["ideas"]] == ["ADA idea for a travel lid"]
    assert [c["body"] for c in ideas["comments"]] == ["ADA comment"]
    assert [s["idea__title"] for s in ideas["supports"]] == ["Someone else's idea"]
    reviews = files["reviews.json"]
    assert [r["title"] for r in reviews["reviews"]] == ["ADA review"]
    assert [r["title"] for r in reviews["review_revisions"]] == ["ADA first review"]
    assert [v["review__title"] for v in reviews["helpful_votes"]] == ["Their review"]
    assert [p["sku"] for p in reviews["purchase_records"]] == ["ADA-SKU"]
    assert [like["post__topic__title"] for like in files["likes.json"]["likes"]] == ["Someone else's topic"]
    assert [f["note"] for f in files["flags.json"]["flags"]] == ["ADA flag note"]
    notifications = files["notifications.json"]
    assert "ADA notification" in [n["message"] for n in notifications["notifications"]]
    assert notifications["email_preferences"] == [{"kind": "forum.like", "email": True}]
    consent = files["consents.json"]["consents"][0]
    assert (consent["purpose"], consent["granted"], consent["source"]) == ("marketing_email", True, "signup")
    assert consent["wording_version"]
    points = files["points.json"]
    assert 40 in [entry["points"] for entry in points["ledger"]]
    assert points["balance"][0]["total"] >= 40
    badges = files["badges.json"]
    assert len(badges["badges"]) >= 1 and badges["level"][0]["points_total"] >= 40
    assert [o["external_id"] for o in files["orders.json"]["orders"]] == ["ADA-ORDER-1"]
    assert files["orders.json"]["orders"][0]["total"] == "49.90"
    assert len(files["referrals.json"]["code"]) == 1
    assert files["api_tokens.json"]["api_tokens"][0]["name"] == "ADA token"
    assert "key_hash" not in files["api_tokens.json"]["api_tokens"][0]
    hearth_token = files["api_tokens.json"]["hearth_api_tokens"][0]
    assert hearth_token["name"] == "ADA reading app"
    assert (hearth_token["scopes"], hearth_token["kind"]) == (["read"], "personal")
    assert not {"key_hash", "prefix"} & set(hearth_token)
    assert files["redemptions.json"] == {"redemptions": []}


def test_an_export_holds_nothing_of_another_member(django_capture_on_commit_callbacks):
    member_with_everything(username="ada", marker="ADA")
    world = member_with_everything(username="bob", marker="BOB")
    files = read_zip(export_now(world["member"], django_capture_on_commit_callbacks))
    text = json.dumps(files)
    assert "BOB" in text
    assert "ADA" not in text
    assert "ada@example.com" not in text


def test_the_ready_export_is_announced_by_email_with_its_link_and_no_unsubscribe(
        django_capture_on_commit_callbacks):
    member = UserFactory(username="cleo")
    export = export_now(member, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == [member.email])
    assert f"/settings/privacy/export/{export.pk}/download/" in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_a_second_request_while_one_is_being_prepared_is_refused_with_a_message():
    member = UserFactory()
    export_services.request_export(user=member)  # not committed: stays pending
    with pytest.raises(Conflict, match="already being prepared"):
        export_services.request_export(user=member)
    assert DataExport.objects.filter(user=member).count() == 1


def test_the_database_allows_one_export_in_progress_per_member():
    member = UserFactory()
    DataExport.objects.create(user=member)
    with pytest.raises(IntegrityError):
        DataExport.objects.create(user=member, status=DataExport.Status.RUNNING)


def test_more_exports_than_the_daily_limit_are_refused_with_when_to_ask_again(
        settings, django_capture_on_commit_callbacks):
    settings.HEARTH_PRIVACY_EXPORTS_PER_DAY = 2
    member = UserFactory()
    export_now(member, django_capture_on_commit_callbacks)
    export_now(member, django_capture_on_commit_callbacks)
    with pytest.raises(RateLimited, match="You can ask again after") as refused:
        export_services.request_export(user=member)
    assert refused.value.retry_at > timezone.now()


def test_a_new_export_replaces_the_earlier_ready_one_and_deletes_its_file(
        django_capture_on_commit_callbacks):
    member = UserFactory()
    first = export_now(member, django_capture_on_commit_callbacks)
    first_path = export_services.file_path(first)
    second = export_now(member, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.status == DataExport.Status.EXPIRED and not first_path.exists()
    assert second.status == DataExport.Status.READY and export_services.file_path(second).exists()


def test_building_twice_changes_nothing(django_capture_on_commit_callbacks):
    member = UserFactory()
    export = export_now(member, django_capture_on_commit_callbacks)
    assert export_services.build_export(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    assert len([m for m in mail.outbox if m.to == [member.email]]) == 1


def test_a_build_that_died_half_way_is_started_again_after_the_stale_time(settings):
    member = UserFactory()
    export = DataExport.objects.create(user=member, status=DataExport.Status.RUNNING,
                                       started_at=timezone.now() - timedelta(hours=1))
    assert export_services.build_export(export_id=export.pk) is True
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY


def test_a_build_that_fails_is_marked_failed_and_leaves_no_file(monkeypatch):
    member = UserFactory()
    export = DataExport.objects.create(user=member)

    def broken(**kwargs):
        kwargs["path"].write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_services.exporter, "write_zip", broken)
    assert export_services.build_export(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED
    assert list(export_services.export_dir().iterdir()) == []


def test_the_purge_expires_exports_past_their_days_and_deletes_their_files(
        django_capture_on_commit_callbacks):
    member = UserFactory()
    export = export_now(member, django_capture_on_commit_callbacks)
    path = export_services.file_path(export)
    assert export_services.purge_expired_exports() == 0 and path.exists()
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert export_services.purge_expired_exports() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not path.exists()


def test_the_readme_explains_every_file_in_words():
    from privacy import exporter

    member = UserFactory(username="dora")
    text = exporter.readme(member, timezone.now(), "Hearth")
    assert "Exported for dora" in text
    for name, about in FILES.items():
        assert f"{name}\n    {about}" in text
    assert "Not in this export, and why:" in text
    assert "- log entry: Django admin's log of staff actions." in text


def test_the_zip_opens_with_the_standard_library(django_capture_on_commit_callbacks):
    member = UserFactory()
    export = export_now(member, django_capture_on_commit_callbacks)
    data = export_services.file_path(export).read_bytes()
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
