"""Single sign-on providers read from the environment (docs/sso.md).

``social_providers(environ)`` turns the ``HEARTH_OIDC_*``, ``HEARTH_GOOGLE_*`` and
``HEARTH_GITHUB_*`` variables into allauth's ``SOCIALACCOUNT_PROVIDERS``: one app per provider,
configured entirely here (no SocialApp row in the database). A provider is enabled only when
its variables are set; one set half-way is a configuration error, named at start-up, rather
than a button that fails when a member clicks it.

Matching an existing account by the email address a provider says it verified is allowed only
for the providers listed in ``HEARTH_SSO_TRUSTED_PROVIDERS`` (``oidc``, ``google``, ``github``):
whoever runs such a provider can sign in to any Hearth account whose address it vouches for.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

PROVIDER_KEYS = ("oidc", "google", "github")


def _value(environ: Mapping[str, str], name: str) -> str:
    return (environ.get(name) or "").strip()


def _require(environ: Mapping[str, str], provider: str, names: list[str]) -> dict[str, str]:
    """The variables' values when all are set, {} when none is; otherwise an error naming the
    missing ones."""
    values = {name: _value(environ, name) for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing and len(missing) < len(names):
        raise ImproperlyConfigured(
            f"{provider} sign-in is half configured: set {', '.join(missing)} too, or unset "
            f"{', '.join(name for name in names if name not in missing)}.")
    return {} if missing else values


def trusted_providers(environ: Mapping[str, str]) -> set[str]:
    names = {item.strip().lower() for item in _value(environ, "HEARTH_SSO_TRUSTED_PROVIDERS").split(",")
             if item.strip()}
    unknown = names - set(PROVIDER_KEYS)
    if unknown:
        raise ImproperlyConfigured(
            f"HEARTH_SSO_TRUSTED_PROVIDERS: unknown {', '.join(sorted(unknown))} "
            f"(known: {', '.join(PROVIDER_KEYS)})")
    return names


def social_providers(environ: Mapping[str, str]) -> dict:
    """allauth's SOCIALACCOUNT_PROVIDERS for the providers the environment configures."""
    trusted = trusted_providers(environ)
    providers: dict = {}

    server_url = _value(environ, "HEARTH_OIDC_SERVER_URL") or _value(environ, "HEARTH_OIDC_ISSUER")
    oidc = _require({**environ, "HEARTH_OIDC_SERVER_URL": server_url}, "OpenID Connect",
                    ["HEARTH_OIDC_SERVER_URL", "HEARTH_OIDC_CLIENT_ID", "HEARTH_OIDC_CLIENT_SECRET"])
    if oidc:
        if not server_url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("HEARTH_OIDC_SERVER_URL (or HEARTH_OIDC_ISSUER) must be an "
                                       "http(s) address, e.g. https://login.example.com/realms/shop")
        providers["openid_connect"] = {
            "APPS": [{
                "provider_id": _value(environ, "HEARTH_OIDC_ID") or "oidc",
                "name": _value(environ, "HEARTH_OIDC_NAME") or "Single sign-on",
                "client_id": oidc["HEARTH_OIDC_CLIENT_ID"],
                "secret": oidc["HEARTH_OIDC_CLIENT_SECRET"],
                "settings": {
                    "server_url": server_url,
                    "oauth_pkce_enabled": True,
                    "email_authentication": "oidc" in trusted,
                },
            }],
        }
    google = _require(environ, "Google", ["HEARTH_GOOGLE_CLIENT_ID", "HEARTH_GOOGLE_CLIENT_SECRET"])
    if google:
        providers["google"] = {
            "APPS": [{"client_id": google["HEARTH_GOOGLE_CLIENT_ID"],
                      "secret": google["HEARTH_GOOGLE_CLIENT_SECRET"],
                      "settings": {"email_authentication": "google" in trusted}}],
            "SCOPE": ["profile", "email"],
            "AUTH_PARAMS": {"access_type": "online"},
            "OAUTH_PKCE_ENABLED": True,
        }
    github = _require(environ, "GitHub", ["HEARTH_GITHUB_CLIENT_ID", "HEARTH_GITHUB_CLIENT_SECRET"])
    if github:
        providers["github"] = {
            "APPS": [{"client_id": github["HEARTH_GITHUB_CLIENT_ID"],
                      "secret": github["HEARTH_GITHUB_CLIENT_SECRET"],
                      "settings": {"email_authentication": "github" in trusted}}],
            "SCOPE": ["read:user", "user:email"],
        }
    return providers


def form_action_origins(providers: dict) -> list[str]:
    """Where the account pages' provider buttons send the browser (their POST is redirected to
    the provider's authorization endpoint): the page's Content-Security-Policy must allow it
    in form-action (community/middleware.py). For OpenID Connect, the issuer's origin."""
    origins = []
    for app in providers.get("openid_connect", {}).get("APPS", []):
        parts = urlsplit(app["settings"]["server_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    if "google" in providers:
        origins.append("https://accounts.google.com")
    if "github" in providers:
        origins.append("https://github.com")
    return origins
