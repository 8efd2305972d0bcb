"""The providers come from the environment: config/settings/sso.py."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.sso import social_providers

OIDC = {"HEARTH_OIDC_ISSUER": "https://login.example.com/realms/shop",
        "HEARTH_OIDC_CLIENT_ID": "community", "HEARTH_OIDC_CLIENT_SECRET": "s3cret"}


def test_no_variables_configure_no_provider():
    assert social_providers({}) == {}


def test_an_issuer_client_and_secret_configure_one_openid_connect_app_with_pkce():
    providers = social_providers({**OIDC, "HEARTH_OIDC_NAME": "Acme ID"})
    assert list(providers) == ["openid_connect"]
    [app] = providers["openid_connect"]["APPS"]
    assert app == {"provider_id": "oidc", "name": "Acme ID", "client_id": "community", "secret": "s3cret",
                   "settings": {"server_url": "https://login.example.com/realms/shop",
                                "oauth_pkce_enabled": True, "email_authentication": False}}


def test_server_url_is_accepted_for_the_issuer_and_the_id_and_label_have_defaults():
    environ = {**OIDC, "HEARTH_OIDC_SERVER_URL": "https://id.example.org", "HEARTH_OIDC_ID": "acme"}
    del environ["HEARTH_OIDC_ISSUER"]
    [app] = social_providers(environ)["openid_connect"]["APPS"]
    assert (app["provider_id"], app["name"]) == ("acme", "Single sign-on")
    assert app["settings"]["server_url"] == "https://id.example.org"


def test_google_and_github_each_need_both_their_variables():
    providers = social_providers({"HEARTH_GOOGLE_CLIENT_ID": "g", "HEARTH_GOOGLE_CLIENT_SECRET": "gs",
                                  "HEARTH_GITHUB_CLIENT_ID": "h", "HEARTH_GITHUB_CLIENT_SECRET": "hs"})
    assert set(providers) == {"google", "github"}
    assert providers["google"]["APPS"][0]["client_id"] == "g"
    assert providers["github"]["APPS"][0]["secret"] == "hs"


@pytest.mark.parametrize("environ, named", [
    ({"HEARTH_GOOGLE_CLIENT_ID": "g"}, "HEARTH_GOOGLE_CLIENT_SECRET"),
    ({"HEARTH_GITHUB_CLIENT_SECRET": "x"}, "HEARTH_GITHUB_CLIENT_ID"),
    ({"HEARTH_OIDC_CLIENT_ID": "c", "HEARTH_OIDC_CLIENT_SECRET": "s"}, "HEARTH_OIDC_SERVER_URL"),
    ({"HEARTH_OIDC_ISSUER": "https://id.example.org"}, "HEARTH_OIDC_CLIENT_ID"),
])
def test_a_provider_set_half_way_stops_start_up_naming_what_is_missing(environ, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        social_providers(environ)


def test_an_issuer_that_is_not_an_http_address_is_refused():
    with pytest.raises(ImproperlyConfigured, match="http"):
        social_providers({**OIDC, "HEARTH_OIDC_ISSUER": "login.example.com"})


def test_matching_by_email_is_on_only_for_the_trusted_providers():
    environ = {**OIDC, "HEARTH_GOOGLE_CLIENT_ID": "g", "HEARTH_GOOGLE_CLIENT_SECRET": "gs",
               "HEARTH_GITHUB_CLIENT_ID": "h", "HEARTH_GITHUB_CLIENT_SECRET": "hs",
               "HEARTH_SSO_TRUSTED_PROVIDERS": " OIDC, google "}
    providers = social_providers(environ)
    assert providers["openid_connect"]["APPS"][0]["settings"]["email_authentication"] is True
    assert providers["google"]["APPS"][0]["settings"]["email_authentication"] is True
    assert providers["github"]["APPS"][0]["settings"]["email_authentication"] is False


def test_an_unknown_trusted_provider_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="facebook"):
        social_providers({"HEARTH_SSO_TRUSTED_PROVIDERS": "facebook"})


def test_the_settings_module_reads_the_environment(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.setenv("HEARTH_GITHUB_CLIENT_ID", "from-env")
    monkeypatch.setenv("HEARTH_GITHUB_CLIENT_SECRET", "env-secret")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.SOCIALACCOUNT_PROVIDERS["github"]["APPS"][0]["client_id"] == "from-env"
    finally:
        monkeypatch.delenv("HEARTH_GITHUB_CLIENT_ID")
        monkeypatch.delenv("HEARTH_GITHUB_CLIENT_SECRET")
        importlib.reload(base)


def test_the_account_pages_may_send_forms_to_the_configured_providers_origins():
    from config.settings.sso import form_action_origins

    providers = social_providers({**OIDC, "HEARTH_GOOGLE_CLIENT_ID": "g",
                                  "HEARTH_GOOGLE_CLIENT_SECRET": "gs"})
    assert form_action_origins(providers) == ["https://login.example.com", "https://accounts.google.com"]
    assert form_action_origins({}) == []


@pytest.mark.django_db
def test_the_member_menu_links_sign_in_methods_only_where_a_provider_is_configured(client, settings):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "Sign-in methods" not in client.get("/settings/notifications/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(OIDC)
    html = client.get("/settings/notifications/").content.decode()
    assert 'href="/accounts/3rdparty/">Sign-in methods<' in html
