from playwright.sync_api import expect

from api.models import ApiToken
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.forum.factories import make_topic
from tests.moderation.factories import at_level


def test_a_member_creates_a_token_uses_it_to_reply_and_revokes_it(new_page, live):
    ada = at_level(UserFactory(username="ada", display_name="Ada Byron"), 2)
    topic = make_topic(author=at_level(UserFactory(username="bo"), 2), title="Descaling with citric acid")
    page = new_page()
    csp_reports = []
    page.on("console", lambda message: csp_reports.append(message.text)
            if "Content Security Policy" in message.text else None)
    log_in(page, "ada", PASSWORD)

    # The tokens page is in the member's menu, beside the privacy settings.
    page.get_by_text("Ada Byron").first.click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no tokens yet.")).to_be_visible()
    expect(page.locator(".token-last-used")).to_have_count(0)

    # Create one: its secret is shown once.
    page.get_by_label("Name").fill("My reply script")
    page.get_by_label("Post, support and review as you").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_contain_text("it will not be shown again")
    secret = page.locator("#new-token-secret").inner_text().strip()
    assert secret.startswith("hearth_")
    token = live.call(lambda: ApiToken.objects.get(user=ada))
    assert token.key_hash != secret and secret.startswith(token.prefix)
    expect(page.locator(f"#token-{token.pk}")).to_contain_text("read, write")
    page.goto("/settings/api/")
    expect(page.locator("#new-token")).to_have_count(0)
    assert secret not in page.content()

    # A script uses it (no cookies: its own request context) to post a reply as Ada.
    script = page.context.browser.new_context(base_url=live.url).request
    answer = script.post(f"/api/v1/topics/{topic.pk}/posts/", data={"body": "Posted from my script."},
                         headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 201, answer.text()
    assert answer.json()["author"]["username"] == "ada"

    # The reply is on the site, and the page shows when the token was last used.
    page.goto(topic.get_absolute_url())
    expect(page.get_by_text("Posted from my script.")).to_be_visible()
    page.goto("/settings/api/")
    expect(page.locator(f"#token-{token.pk} .token-last-used")).not_to_have_text("never")

    # Revoke it: the script is refused with a problem, and nothing is posted.
    page.locator(f"#token-{token.pk}").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("is revoked: it no longer works")).to_be_visible()
    expect(page.locator(f"#token-{token.pk}")).to_contain_text("revoked")
    refused = script.post(f"/api/v1/topics/{topic.pk}/posts/", data={"body": "Once more."},
                          headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:hearth:problem:token-revoked"
    page.goto(topic.get_absolute_url())
    expect(page.get_by_text("Once more.")).to_have_count(0)

    # The API's docs page works under the site's CSP, with nothing from a CDN.
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .title").first).to_contain_text("Hearth API")
    expect(page.get_by_text("/api/v1/topics/").first).to_be_visible()
    assert not csp_reports, csp_reports
    assert not page.errors, page.errors
