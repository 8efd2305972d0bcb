"""Polish members and staff feel: a way into every staff page with live counts, emailed links
on the address actually served, layout and wording fixes, every page within a phone's
width, and hiding after all an item a manager had restored."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from community.models import NotificationPreference
from moderation.models import QueueItem
from moderation.services.members import suspend_member
from moderation.services.queue import act_on_item
from reviews.models import FollowUp
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, BrandStaffFactory, CommunityManagerFactory, UserFactory
from tests.moderation.factories import flag_profile, member_at, restore_migration_data
from tests.reviews.factories import write_review

PHONE = {"width": 390, "height": 844}
SAD = "It broke after two days and the support never answered. Very disappointed, avoid it."


@pytest.fixture(autouse=True)
def _data_from_migrations(transactional_db):
    restore_migration_data()


def flagged_profile(username: str = "piper"):
    target = UserFactory(username=username, bio="Cheap kettles at my shop")
    for _ in range(2):
        flag_profile(target, by=member_at(1))
    return target


def test_staff_find_their_pages_in_the_header_with_live_counts_and_members_do_not(new_page, live):
    flagged_profile()
    review = write_review(rating=1, body=SAD)
    FollowUp.objects.update_or_create(review=review, defaults={"due_at": timezone.now() - timedelta(hours=2)})
    CommunityManagerFactory(username="maya")
    BrandStaffFactory(username="sam")
    UserFactory(username="alice")

    maya = new_page()
    log_in(maya, "maya", PASSWORD)
    maya.goto("/forum/")
    menu = maya.locator("#staff-menu")
    expect(menu.locator("#staff-total")).to_have_text("2")  # 1 waiting + 1 open + 0 referrals
    menu.locator("summary").click()
    moderation_link = maya.get_by_role("link", name=re.compile("Moderation queue"))
    expect(moderation_link).to_contain_text("1 waiting")
    expect(maya.locator("#staff-link-follow_ups")).to_contain_text("1 open")
    expect(maya.locator("#staff-link-follow_ups .is-overdue")).to_have_text("1 overdue")

    # A new flag elsewhere: the count follows without a reload (the poll, run now).
    live.call(flagged_profile, "quinn")
    maya.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(moderation_link).to_contain_text("2 waiting")
    moderation_link.click()
    expect(maya).to_have_url(re.compile("/moderation/$"))
    expect(maya.get_by_role("heading", name="Moderation queue")).to_be_visible()

    sam = new_page()
    log_in(sam, "sam", PASSWORD)
    sam.goto("/forum/")
    sam.locator("#staff-menu summary").click()
    expect(sam.locator("#staff-link-follow_ups")).to_contain_text("1 overdue")
    expect(sam.locator("#staff-link-moderation")).to_have_count(0)
    sam.get_by_role("link", name=re.compile("Loyalty dashboard")).click()
    expect(sam).to_have_url(re.compile("/staff/loyalty/$"))

    alice = new_page()
    log_in(alice, "alice", PASSWORD)
    alice.goto("/forum/")
    expect(alice.locator("#staff-menu")).to_have_count(0)
    assert alice.request.get(live.url + "/staff/counts/").status == 403


def test_a_manager_hides_after_all_a_restored_profile_and_the_emailed_links_are_on_this_site(
        new_page, live):
    target = flagged_profile()
    manager = CommunityManagerFactory(username="maya")
    item = QueueItem.objects.get(status="pending")
    act_on_item(actor=manager, item_id=item.pk, action="restore", version=item.version)
    NotificationPreference.objects.create(user=target, kind="moderation.content_actioned", email=True)
    mail.outbox.clear()

    maya = new_page()
    log_in(maya, "maya", PASSWORD)
    maya.goto(f"/moderation/items/{item.pk}/")
    section = maya.locator("#hide-after-all")
    expect(section).to_contain_text("was restored")
    section.get_by_label("Reason shown to the author").fill("Links to a shop after all")
    section.get_by_role("button", name="Hide it after all").click()
    expect(maya.get_by_text("Hidden after all.")).to_be_visible()
    maya.goto("/moderation/log/")
    expect(maya.locator("body")).to_contain_text("Links to a shop after all")
    maya.goto(f"/moderation/items/{item.pk}/")
    expect(maya.locator("#hide-after-all")).to_have_count(0)

    emails = [m for m in mail.outbox if target.email in m.to]
    assert emails, [m.subject for m in mail.outbox]
    links = re.findall(r"https?://\S+", emails[-1].body)
    assert links and all(link.startswith(live.url + "/") for link in links), links
    assert emails[-1].extra_headers["List-Unsubscribe"] == f"<{[x for x in links if 'unsubscribe' in x][0]}>"


def test_sign_up_at_phone_width_reads_well_and_its_email_links_here(new_page, live):
    visitor = new_page()
    visitor.set_viewport_size(PHONE)
    visitor.goto("/accounts/signup/")
    header = visitor.locator(".site-header").bounding_box()
    assert header["height"] < 70  # one row on a phone
    expect(visitor.locator("#main-nav")).to_be_hidden()
    visitor.get_by_role("button", name="Menu").click()
    expect(visitor.get_by_role("link", name="Forum")).to_be_visible()
    visitor.get_by_role("button", name="Menu").click()
    label = visitor.locator("label[for=id_username]")
    expect(label).to_contain_text("Username")
    assert ":" not in label.inner_text()
    card = visitor.locator("main.account-page").bounding_box()
    footer = visitor.locator(".site-footer").bounding_box()
    assert card["y"] + card["height"] + 16 <= footer["y"]
    assert visitor.evaluate("document.scrollingElement.scrollWidth") <= 390
    visitor.get_by_label("Username").fill("juniper")
    visitor.get_by_label("Email").fill("juniper@example.com")
    visitor.locator("#id_password1").fill("a-long-unusual-passphrase")
    visitor.locator("#id_password2").fill("a-long-unusual-passphrase")
    visitor.get_by_role("button", name="Sign Up").click()
    visitor.wait_for_url(re.compile("confirm-email"))
    assert f"{live.url}/accounts/confirm-email/" in mail.outbox[-1].body


def test_layout_and_wording_fixes_members_meet(new_page, live):
    member = UserFactory(username="alice", display_name="Alice Moreau")
    manager = CommunityManagerFactory(username="maya")
    review = write_review(rating=1, body=SAD)
    follow_up, _ = FollowUp.objects.get_or_create(review=review, defaults={"due_at": timezone.now()})

    alice = new_page()
    log_in(alice, "alice", PASSWORD)
    # Headings and the first card clear the header.
    for path in ("/forum/", f"/u/{member.username}/", "/notifications/"):
        alice.goto(path)
        header_bottom = alice.locator(".site-header").bounding_box()["height"]
        first = alice.locator("main h1, main .card").first.bounding_box()
        assert first["y"] >= header_bottom + 16, (path, first["y"], header_bottom)
    # The level line says how far the next level is.
    alice.goto(f"/u/{member.username}/")
    expect(alice.locator("#level-next")).to_have_text(re.compile(r"^\w+ at [\d,]+ points: [\d,]+ to go$"))
    # The bio: a live counter, and a clear refusal that keeps the text.
    alice.goto("/settings/profile/")
    bio = alice.get_by_label("Bio")
    bio.fill("word " * 256)
    expect(alice.locator(".char-counter")).to_contain_text("over the 1,000 limit")
    alice.get_by_role("button", name=re.compile("Save")).click()
    refusal = re.compile("Your bio is 1,279 characters long; the limit is 1,000")
    expect(alice.get_by_text(refusal)).to_be_visible()
    assert len(alice.get_by_label("Bio").input_value()) >= 1279
    # "Flag this ..." is a button-like pill, not a bare disclosure triangle.
    alice.goto(f"/u/{manager.username}/")
    summary = alice.locator(".flag-box summary")
    assert summary.evaluate("el => getComputedStyle(el).display") != "list-item"
    # A notification from a moment ago says "just now".
    live.call(lambda: suspend_member(actor=manager, user=member, days=3, reason="Spamming members."))
    alice.goto("/notifications/")
    expect(alice.locator(".notification time").first).to_have_text("just now")
    # The suspension banner ends its reason with one full stop.
    banner = alice.locator("#suspension-banner")
    expect(banner).to_contain_text("Reason: Spamming members. You can")
    assert ".." not in banner.inner_text()

    maya = new_page()
    log_in(maya, "maya", PASSWORD)
    maya.goto(f"/staff/follow-ups/{follow_up.pk}/")
    expect(maya.locator("#no-notes")).to_have_text("No notes yet.")
    expect(maya.locator("ol.notes")).to_have_count(0)


def test_the_follow_up_queue_fits_a_phone(new_page, live):
    for _ in range(3):
        review = write_review(rating=1, body=SAD, title="A very long title about a kettle that broke")
        FollowUp.objects.get_or_create(review=review, defaults={"due_at": timezone.now()})
    BrandStaffFactory(username="sam")
    sam = new_page()
    sam.set_viewport_size(PHONE)
    log_in(sam, "sam", PASSWORD)
    sam.goto("/staff/follow-ups/")
    expect(sam.locator("#follow-up-rows tr")).to_have_count(3)
    assert sam.evaluate("document.scrollingElement.scrollWidth") <= 390


# Not pages: files, feeds for scripts, sockets' helpers. Every other URL the walk generates is
# loaded; whatever HTML it answers with (a page, a form, a 403 or 404 page) must fit a phone.
NOT_PAGES = ("/media/", "/static/", "/documents/", "/healthz")


def test_every_page_kind_fits_a_phone_for_a_member_and_for_staff(new_page, live):
    """Walks every URL pattern (tests/security/urlwalk.py) with real objects filled in, as
    a customer and as a community manager, at 390 px: nothing is wider than the screen."""
    from tests.security.urlwalk import walk_urls
    from tests.security.world import make_roles, make_world

    roles = make_roles()
    world = make_world()
    paths = sorted({url.path for url in walk_urls(world) if url.group is None
                    and not url.path.startswith(NOT_PAGES)})
    paths += ["/", "/products/", world["review"].product.url, "/guidelines/", "/privacy/"]
    assert len(paths) > 60
    too_wide, measured = [], 0
    for role in ("customer", "manager"):
        page = new_page()
        page.set_viewport_size(PHONE)
        log_in(page, roles[role].username, PASSWORD)
        for path in paths:
            # Ask first with the member's cookies: only pages that answer a GET with HTML are
            # opened (a 405 or a file would not be a page). A slow or stuck answer fails the
            # test here instead of being passed over.
            answer = page.request.get(path, max_redirects=0)
            if answer.status == 405 or "text/html" not in answer.headers.get("content-type", ""):
                continue
            response = page.goto(path)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            measured += 1
            if width > 390:
                too_wide.append((role, path, response.status, width))
        page.close()
    assert measured > 60, measured
    assert not too_wide, too_wide
