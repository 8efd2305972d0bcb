"""What the SSO tests share: the local provider configured as the environment would configure
it, and the shop's side of the connector taken verbatim from docs/sso.md."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

from community.models import User
from config.settings.sso import form_action_origins, social_providers
from tests.sso.oidc_provider import OidcProvider

CLIENT_ID = "hearth-community"
CLIENT_SECRET = "a-client-secret-for-tests"
PROVIDER_NAME = "Acme ID"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "sso.md"


@contextmanager
def running_provider(user: dict):
    provider = OidcProvider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, user=user).start()
    try:
        yield provider
    finally:
        provider.stop()


def provider_environment(provider: OidcProvider, *, trusted: bool = True) -> dict:
    environ = {"HEARTH_OIDC_ISSUER": provider.url, "HEARTH_OIDC_CLIENT_ID": CLIENT_ID,
               "HEARTH_OIDC_CLIENT_SECRET": CLIENT_SECRET, "HEARTH_OIDC_NAME": PROVIDER_NAME}
    if trusted:
        environ["HEARTH_SSO_TRUSTED_PROVIDERS"] = "oidc"
    return environ


def configure(settings, provider: OidcProvider, *, trusted: bool = True) -> None:
    """SOCIALACCOUNT_PROVIDERS as config/settings/base.py builds it from these variables."""
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(provider_environment(provider, trusted=trusted))
    settings.HEARTH_CSP_ACCOUNT_FORM_ORIGINS = form_action_origins(settings.SOCIALACCOUNT_PROVIDERS)


def shop_recipe() -> dict:
    """The namespace of the shop-side example in docs/sso.md (its first python block), run
    as written: the tests build their links with exactly what the docs tell the shop."""
    block = re.search(r"```python\n(.*?)```", DOCS.read_text(), re.DOTALL).group(1)
    namespace: dict = {}
    exec(compile(block, str(DOCS), "exec"), namespace)  # noqa: S102 - our own docs
    return namespace


def signed_in_as(client) -> User | None:
    """The member the test client's session is signed in as, or None."""
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None
