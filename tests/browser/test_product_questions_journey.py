from playwright.sync_api import expect

from forum.models import Category, Post, Topic
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory, make_product
from tests.moderation.factories import at_level
from tests.outreach.factories import bought

TITLE = "Does the Ember Kettle keep water warm?"


def test_a_question_asked_from_a_product_page_reaches_an_owner_who_answers_it(new_page, live):
    # Members past their first steps (TL1): new members' posts wait for approval.
    at_level(UserFactory(username="alice", display_name="Alice Moreau"), 1)
    bob = at_level(UserFactory(username="bob", display_name="Bob Tanaka"), 1)
    Category.objects.create(name="Help", slug="help", description="Questions about our products.")
    kettle = make_product(title="Ember Kettle", sku="KET-100", slug="ember-kettle")
    bought(bob, kettle, days_ago=60)

    # A opens the product page and asks about it: the form comes with the product chosen.
    alice = new_page()
    log_in(alice, "alice", PASSWORD)
    alice.goto(kettle.url)
    questions = alice.get_by_role("region", name="Questions about this product")
    expect(questions).to_contain_text("No questions yet.")
    questions.get_by_role("link", name="Ask a question about this product").click()
    expect(alice.get_by_label("About a product (optional)")).to_have_value(str(kettle.pk))
    alice.get_by_label("Title").fill(TITLE)
    alice.get_by_label("What would you like to discuss?").fill("Mine cools down within ten minutes.")
    alice.get_by_role("button", name="Post topic").click()
    expect(alice.get_by_role("heading", name=TITLE)).to_be_visible()
    about = alice.get_by_text("About:")
    expect(about.get_by_role("link", name="Ember Kettle")).to_be_visible()
    assert Topic.objects.get(title=TITLE).product_id == kettle.pk

    # The product page lists it.
    alice.goto(kettle.url)
    expect(questions.get_by_role("link", name=TITLE)).to_be_visible()
    expect(questions).to_contain_text("no replies yet")

    # B, who bought the kettle, is asked on the home page, with the reason.
    bob_page = new_page()
    log_in(bob_page, "bob", PASSWORD)
    bob_page.goto("/")
    help_section = bob_page.get_by_role("region", name="Can you help?")
    expect(help_section).to_contain_text("You own the Ember Kettle: can you help?")
    help_section.get_by_role("link", name=TITLE).click()
    expect(bob_page.get_by_role("heading", name=TITLE)).to_be_visible()
    bob_page.get_by_label("Your reply").fill("Press the keep-warm button twice: it holds for an hour.")
    bob_page.get_by_role("button", name="Post reply").click()
    expect(bob_page.locator("#post-2")).to_contain_text("Press the keep-warm button twice")
    assert Post.objects.filter(topic__title=TITLE).count() == 2

    # Answered: it leaves B's "Can you help?", and the product page counts the reply.
    bob_page.goto("/")
    expect(bob_page.get_by_role("region", name="Can you help?")).to_have_count(0)
    alice.goto(kettle.url)
    expect(questions).to_contain_text("1 reply")
    assert alice.errors == [] and bob_page.errors == []
