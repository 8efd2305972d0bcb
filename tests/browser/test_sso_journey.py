"""Single sign-on in a browser (docs/sso.md): the provider button on the log-in page, through
the OpenID Connect provider of tests/sso/oidc_provider.py served on 127.0.0.1, and the shop's
signed link built with the recipe in docs/sso.md."""

from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.sync_api import expect

from community.models import User
from privacy.models import Consent
from sso.models import ShopAccount
from tests.factories import UserFactory
from tests.sso.helpers import PROVIDER_NAME, configure, running_provider, shop_recipe

CLAIMS = {"sub": "acme-31", "email": "wren@example.com", "email_verified": True, "name": "Wren Marsh",
          "preferred_username": "wren"}


def test_a_member_presses_the_provider_button_and_lands_signed_in_where_they_were_going(
        new_page, live, settings):
    UserFactory(username="wren-h", email="wren@example.com", display_name="Wren H")  # verified
    with running_provider(CLAIMS) as provider:
        configure(settings, provider)
        page = new_page()
        page.goto("/forum/")
        page.goto("/accounts/login/?next=/forum/")
        page.get_by_role("button", name=f"Continue with {PROVIDER_NAME}").click()
        # The provider approves at once and sends the browser back; Hearth fetches the token.
        page.wait_for_url(f"{live.url}/forum/")
        expect(page.locator("#notification-bell")).to_be_visible()
        expect(page.get_by_text("Wren H").first).to_be_visible()
        assert ("POST", "/token") in provider.requests
    assert page.errors == []


def test_a_new_member_from_the_provider_confirms_a_username_and_is_asked_about_marketing_unticked(
        new_page, live, settings):
    with running_provider(CLAIMS) as provider:
        configure(settings, provider)
        page = new_page()
        page.goto("/accounts/signup/")
        page.get_by_role("button", name=f"Continue with {PROVIDER_NAME}").click()
        expect(page.get_by_role("heading", name="Sign up")).to_be_visible()
        expect(page.get_by_label("Username")).to_have_value("wren")
        expect(page.locator("#id_marketing_email")).not_to_be_checked()
        page.get_by_label("Username").fill("wren-marsh")
        page.get_by_role("button", name="Sign Up").click()
        expect(page.locator("#notification-count")).to_have_text("1")  # the welcome notification
    member = User.objects.get(username="wren-marsh")
    assert not Consent.objects.filter(user=member).exists()
    assert page.errors == []


def test_a_shop_customer_follows_the_shops_link_and_lands_signed_in_on_its_page(new_page, live, settings):
    hearth_login_url = shop_recipe()["hearth_login_url"]
    url = hearth_login_url(hearth_url=live.url, secret=settings.HEARTH_SHOP_SSO_SECRET,
                           customer_id="cust-5150", email="ada@example.com", name="Ada Byron",
                           return_to="/ideas/")
    page = new_page()

    # A link whose signature was tampered with: the error page, and nobody is signed in.
    query = parse_qs(urlsplit(url).query)
    forged_sig = ("0" if query["sig"][0][0] != "0" else "1") + query["sig"][0][1:]
    page.goto(f"/sso/shop/?{urlencode({'payload': query['payload'][0], 'sig': forged_sig})}")
    expect(page.get_by_role("heading", name="This sign-in link from the shop cannot be used")).to_be_visible()
    expect(page.get_by_text("signature does not match")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert not User.objects.filter(email="ada@example.com").exists()

    page.goto(url)
    page.wait_for_url(f"{live.url}/ideas/")
    expect(page.locator("#notification-bell")).to_be_visible()
    expect(page.get_by_text("Ada Byron").first).to_be_visible()
    assert ShopAccount.objects.get(external_id="cust-5150").user.email == "ada@example.com"

    # The same link again (a replay) is refused.
    page.goto(url)
    expect(page.get_by_text("This sign-in link was used already")).to_be_visible()
    assert page.errors == []
