"""Hostile text through every user-text field, rendered in a real browser: nothing runs.

The pages are opened with the Content-Security-Policy switched off (``bypass_csp``), so what
is tested is the sanitizing and escaping alone; the CSP (tests/security/test_headers_and_csrf.py)
is a second wall. On every page the test listens for dialogs and page errors, then checks the
marker global the payloads set is unset and that no element carries an event handler, a
script URL, or is a frame, object, embed, base or refresh tag.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from playwright.sync_api import expect

from community.models import User
from config.settings import base as base_settings
from forum import services as forum_services
from forum.models import Category, Topic
from ideas import services as idea_services
from moderation.models import MemberTrust
from moderation.services.flags import flag_content
from moderation.services.limits import ActionRefused
from moderation.services.members import suspend_member, warn_member
from reviews import services as review_services
from reviews.models import FollowUp, Review
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, BrandStaffFactory, CommunityManagerFactory, UserFactory, make_product
from tests.ideas.factories import ensure_default_ladder
from tests.security.conftest import production_path, stored_page_count  # noqa: F401 - the fixture
from tests.security.xss_payloads import ALL, JSON_BREAKERS, SCRIPT_TAGS, fit

# Fields shown one item per page (topics, ideas, profiles) get every third payload, so each
# family of tricks is there without a page visit per payload; fields listed together on one
# page (replies, comments, reviews and brand replies, notes, flags, warnings, names) get all.
SAMPLE = ALL[::3]

REFUSALS = (ValidationError, PermissionDenied, ActionRefused, idea_services.IdeaActionRefused)

FIND_DANGER = """() => {
  const found = [];
  const scriptUrl = /^(javascript|vbscript):/i;
  const dataUrl = /^data:/i;
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"];
  for (const element of document.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "");
      if (name.startsWith("on")) found.push(`<${tag} ${name}>`);
      if (name === "srcdoc") found.push(`<${tag} srcdoc>`);
      if (urlAttributes.includes(name) && scriptUrl.test(value))
        found.push(`<${tag} ${name}=${value.slice(0, 40)}>`);
      if (["href", "action", "formaction", "xlink:href"].includes(name) && dataUrl.test(value))
        found.push(`<${tag} ${name}=${value.slice(0, 40)}>`);
    }
    if (["iframe", "object", "embed", "base", "frame", "frameset"].includes(tag)) found.push(`<${tag}>`);
    if (tag === "meta" && (element.getAttribute("http-equiv") || "").toLowerCase() === "refresh")
      found.push("<meta refresh>");
    if (tag === "script" && !(element.src && new URL(element.src).pathname.startsWith("/static/")))
      found.push(`<script ${element.src || "inline"}>`);
  }
  if (window.__hearthXss !== undefined) found.push("marker global set");
  return found;
}"""


class Trap:
    """One browser context without CSP, recording dialogs and errors on every page."""

    def __init__(self, browser, live):
        self.context = browser.new_context(base_url=live.url, bypass_csp=True)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        self.pages_checked = 0
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.console.append(message.text))

    def check(self, where: str) -> None:
        danger = self.page.evaluate(FIND_DANGER)
        assert not danger and not self.dialogs, (
            f"{where}: {danger} dialogs={self.dialogs} console={self.console}")
        assert not self.errors, f"{where}: script errors {self.errors}"
        self.pages_checked += 1

    def visit(self, path: str, *, expect_text: str | None = None) -> None:
        response = self.page.goto(path)
        assert response.status < 500, f"{path}: {response.status}"
        if expect_text:
            expect(self.page.locator("main")).to_contain_text(expect_text)
        self.check(path)

    def close(self):
        self.context.close()


def _store(service, **kwargs):
    """Call a service with hostile input; a refusal (a validation message) is also harmless."""
    try:
        result = service(**kwargs)
    except REFUSALS:
        return None
    return True if result is None else result


def _trusted(user: User) -> User:
    # Trusted enough that pre-moderation and link limits do not hold the payloads back.
    MemberTrust.objects.update_or_create(user=user, defaults={"level": 3, "earned_level": 2})
    return user


def build_hostile_world() -> dict:
    ensure_default_ladder()
    manager = CommunityManagerFactory(username="hostile-manager")
    staff = BrandStaffFactory(username="hostile-staff")
    reader = _trusted(UserFactory(username="reader", display_name="Reader"))
    category = Category.objects.create(name="Hostile", slug="hostile", description="Payloads.")
    # The reader starts (and so watches) the topic every hostile reply goes to.
    replies_topic = forum_services.start_topic(author=reader, category=category,
                                               title="Replies with payloads", body="Reply below.")
    product = make_product(title="Hostile Kettle")
    commented = idea_services.submit_idea(creator=reader, title="An idea to comment on",
                                          description="Comments below.")
    idea_services.decide_idea(actor=staff, idea_id=commented.pk, to_status="gathering_support")
    stored = {name: 0 for name in ("member", "topic", "reply", "edit", "idea", "comment", "review",
                                   "brand_reply", "note", "flag", "warning")}
    members, topics, ideas = [], [], []
    title_limit = Topic._meta.get_field("title").max_length
    for index, payload in enumerate(ALL):
        member = _trusted(UserFactory(username=f"x{index}", display_name=fit(payload, 60, index),
                                      bio=fit(payload, 1000, index)))
        members.append(member)
        stored["member"] += 1
        sampled = payload in SAMPLE
        topic = sampled and _store(forum_services.start_topic, author=member, category=category,
                                   title=fit(payload, title_limit, index), body=fit(payload, 5000, index))
        if topic:
            topics.append(topic)
        reply = _store(forum_services.post_reply, author=member, topic=replies_topic,
                       body=fit(payload, 5000, index))
        if reply and _store(forum_services.edit_post, editor=member, post=reply,
                            body=fit(payload + " edited", 5000, index)):
            stored["edit"] += 1
        idea = sampled and _store(idea_services.submit_idea, creator=member, title=fit(payload, 120, index),
                                  description=fit(payload, 10_000, index))
        if idea:
            idea_services.decide_idea(actor=staff, idea_id=idea.pk, to_status="gathering_support")
            ideas.append(idea)
        review = _store(review_services.save_review, author=member, product=product, rating=1 + index % 5,
                        title=fit(payload, 120, index), body=fit(payload + " long enough", 5000, index))
        if review and _store(review_services.reply_as_brand, staff=staff, review_id=review.pk,
                             body=fit(payload, 3000, index), confirmed=True):
            stored["brand_reply"] += 1
        for field, value in (("topic", topic), ("reply", reply), ("idea", idea), ("review", review)):
            stored[field] += bool(value)
        stored["comment"] += bool(_store(idea_services.add_comment, author=member, idea_id=commented.pk,
                                         body=fit(payload, 5000, index)))
        stored["warning"] += bool(_store(warn_member, actor=manager, user=member,
                                         reason=fit(payload, 300, index)))
    for index, payload in enumerate(ALL):
        flag = _store(flag_content, flagger=members[index], obj=members[(index + 1) % len(members)],
                      reason="other", note=fit(payload, 500, index))
        stored["flag"] += bool(flag)
    follow_up_review = Review.objects.filter(product=product).order_by("pk").first()
    follow_up, _ = FollowUp.objects.get_or_create(review=follow_up_review, defaults={
        "due_at": follow_up_review.created_at})
    for index, payload in enumerate(ALL):
        note = _store(review_services.update_follow_up, actor=staff, follow_up_id=follow_up.pk,
                      note=fit(payload, 3000, index))
        stored["note"] += bool(note)
    suspended = members[0]
    suspend_member(actor=manager, user=suspended, days=3, reason=fit(SCRIPT_TAGS[0], 300, 0))
    return {"manager": manager, "staff": staff, "reader": reader, "replies_topic": replies_topic,
            "topics": topics, "ideas": ideas, "commented": commented, "product": product,
            "follow_up": follow_up, "members": members, "stored": stored, "category": category}


@pytest.fixture
def quick_text_models(settings):
    """The lexicon scores reviews and plain text finds similar ideas: the models are not
    what this test is about, and loading them would only slow it down."""
    from ideas.services import similarity
    from reviews import sentiment

    settings.HEARTH_SENTIMENT_BACKEND = "lexicon"
    settings.HEARTH_IDEAS_SIMILARITY = "text"
    sentiment.reset_backend()
    similarity.clear_cache()
    yield
    sentiment.reset_backend()
    similarity.clear_cache()


# On the production path (tests/security/conftest.py). The server built its middleware when
# it started, from the test settings: the same list as production's.
@pytest.mark.usefixtures("production_path")
def test_hostile_text_in_every_field_is_rendered_harmless(browser, live, capsys, quick_text_models):
    assert list(django_settings.MIDDLEWARE) == list(base_settings.MIDDLEWARE)
    world = build_hostile_world()
    stored = world["stored"]
    # Nearly every payload must actually be stored, or the test proves little.
    for field, count in stored.items():
        expected = len(SAMPLE) if field in ("topic", "idea") else len(ALL)
        assert count >= expected * 0.8, f"only {count} of {expected} payloads stored as {field}: {stored}"

    topic = Topic.objects.get(pk=world["replies_topic"].pk)  # with every reply counted
    content_pages = [
        *(f"{topic.get_absolute_url()}?page={number}"
          for number in range(1, topic.last_post_number // 20 + 2)),
        *(item.get_absolute_url() for item in world["topics"]),
        *(idea.get_absolute_url() for idea in world["ideas"]),
        world["product"].url,
    ]
    # The most privileged reader renders the content pages first (the fragment caches fill
    # with what they rendered); then anonymous visitors read everything twice, the second
    # time from the anonymous page cache: cached bytes are checked like fresh ones.
    manager = Trap(browser, live)
    log_in(manager.page, "hostile-manager", PASSWORD)
    for path in content_pages:
        manager.visit(path)
    anonymous = Trap(browser, live)
    cached = Trap(browser, live)
    for reader in (anonymous, cached):
        for path in content_pages:
            reader.visit(path)
        for page_number in range(1, len(world["topics"]) // 25 + 2):
            reader.visit(f"/forum/c/hostile/?page={page_number}")
        for query in ("script", "onerror", "javascript", "click"):
            reader.visit(f"/forum/search/?q={query}")
        for post in topic.posts.order_by("post_number")[1:4]:
            reader.visit(f"/forum/p/{post.pk}/history/")
        reader.visit(world["commented"].get_absolute_url(), expect_text="#1")
        for page_number in range(1, len(world["ideas"]) // 20 + 2):
            reader.visit(f"/ideas/?page={page_number}")
        reader.visit(world["product"].url, expect_text="Customer reviews")
        for member in world["members"][::3]:
            reader.visit(member.get_absolute_url())
        for path in ("/forum/", "/leaderboard/", "/badges/", "/ideas/?sort=new"):
            reader.visit(path)
        # Template syntax typed by members is shown as text, never evaluated.
        template_member = world["members"][ALL.index("{{ 7|add:7 }} {% load static %}")]
        reader.visit(template_member.get_absolute_url(), expect_text="{{ 7|add:7 }}")
    stored_pages = stored_page_count()
    assert stored_pages >= len(world["topics"]) + len(world["ideas"]), f"only {stored_pages} pages cached"

    staff = Trap(browser, live)
    log_in(staff.page, "hostile-staff", PASSWORD)
    staff.visit(f"/staff/follow-ups/{world['follow_up'].pk}/", expect_text="#1")
    staff.visit("/staff/follow-ups/")
    staff.visit("/staff/reviews/dashboard/")

    manager.visit("/moderation/")
    manager.visit("/moderation/log/")
    for member in world["members"][:3]:
        manager.visit(f"/moderation/members/{member.username}/")
    from moderation.models import QueueItem

    for item in QueueItem.objects.order_by("pk")[:3]:
        manager.visit(f"/moderation/items/{item.pk}/")

    # A warned member reads the reason in their notifications (the last member: the replies
    # after theirs would push the warning off the first page), a suspended one theirs.
    warned = Trap(browser, live)
    log_in(warned.page, world["members"][-1].username, PASSWORD)
    warned.visit("/notifications/", expect_text="warning")
    suspended = Trap(browser, live)
    log_in(suspended.page, "x0", PASSWORD)
    suspended.visit("/notifications/")

    # The reader's notifications echo the repliers' names and the topic title; the mention
    # suggestions show the hostile display names.
    reader = Trap(browser, live)
    log_in(reader.page, "reader", PASSWORD)
    reader.visit("/notifications/")
    reader.visit(topic.get_absolute_url() + f"?page={topic.last_post_number // 20 + 1}")
    box = reader.page.get_by_label("Your reply")
    box.press_sequentially("@x")
    expect(reader.page.locator(".mention-suggestions li").first).to_be_visible()
    reader.check("mention suggestions")

    # Live: payloads posted while the reader watches the topic and another page shows the bell.
    expect(reader.page.locator("html")).to_have_attribute("data-livewsforumt", "open")
    inbox = Trap(browser, live)
    log_in(inbox.page, "reader", PASSWORD)
    inbox.visit("/notifications/")
    expect(inbox.page.locator("html")).to_have_attribute("data-livewsnotifications", "open")
    shown_before = inbox.page.locator("#notification-list > li").count()
    before = Topic.objects.get(pk=topic.pk).last_post_number
    # The open page shows new posts up to its own end (20 posts a page): fill the rest of it.
    room = 20 - before % 20 if before % 20 else 0
    live_payloads = (JSON_BREAKERS + SCRIPT_TAGS)[:max(room, 1)]
    poster = world["members"][5]
    for index, payload in enumerate(live_payloads):
        live.call(forum_services.post_reply, author=poster, topic=Topic.objects.get(pk=topic.pk),
                  body=fit(payload, 5000, 100 + index))
    last = before + len(live_payloads)
    expect(reader.page.locator(f"#post-{last}")).to_be_attached(timeout=20_000)
    reader.check("live replies on the open topic")
    # Live notifications are prepended to the list already on the page.
    expect(inbox.page.locator("#notification-list > li").nth(shown_before)).to_be_attached(timeout=20_000)
    inbox.check("live notifications")

    traps = [anonymous, cached, staff, manager, warned, suspended, reader, inbox]
    with capsys.disabled():
        print(f"\nhostile input: {len(ALL)} payloads x {len(stored)} fields stored "
              f"({sum(stored.values())} items) + {len(live_payloads)} live; "
              f"{sum(trap.pages_checked for trap in traps)} pages checked in the browser, "
              f"{stored_pages} of them stored in and served again from the anonymous page cache")
    for trap in traps:
        trap.close()
