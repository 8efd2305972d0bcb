"""allauth's account adapter, with log-in guessing limited so the owner cannot be locked out.

allauth counts failed log-ins per address and per typed login (``login_failed``). Keyed on
the login alone, five wrong passwords from anywhere refuse the owner's right one too, and a
username and an email of one account are two separate counters. Here:

* failures count per *account*, however it was named (username or any of its emails);
* ``login_failed`` keys on account + address: five wrong guesses from an address stop that
  address guessing that account for a while, and nobody else;
* ``login_failed_account`` caps failures for one account from every address together, so
  guessing from many addresses stays slow. Addresses the account has logged in from before
  are not held by that cap: an attacker elsewhere cannot lock the owner out of their own
  account from their own address.

The figures are ``ACCOUNT_RATE_LIMITS`` in settings.
"""

import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.userkit import filter_users_by_email, filter_users_by_username
from allauth.core.internal import ratelimit
from django.core.cache import cache

ACCOUNT_CAP_ACTION = "login_failed_account"
KNOWN_ADDRESS_SECONDS = 90 * 86400


def login_account_key(credentials: dict) -> str:
    """One key per account whichever login names it; the typed login when none matches (so
    guessing at unknown logins is limited alike and reveals nothing)."""
    login = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    if login and "\x00" not in login:
        if "email" in credentials:
            users = filter_users_by_email(login, for_login=True)
        else:
            users = list(filter_users_by_username(login)[:2])
        if len(users) == 1:
            return f"account:{users[0].pk}"
    return f"login:{login}"


def _known_address_cache_key(account_key: str, address: str) -> str:
    digest = hashlib.sha256(f"{account_key}|{address}".encode()).hexdigest()
    return f"hearth:login-known:{digest}"


class AccountAdapter(DefaultAccountAdapter):
    _account_key: str | None = None
    _account_cap_usage = None

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth builds its links (confirm, reset, sign up) from the request; with
        HEARTH_BASE_URL set they move onto it like every other emailed link."""
        from community.site_url import rebase

        context = {key: rebase(value) if key.endswith("_url") else value
                   for key, value in context.items()}
        super().send_mail(template_prefix, email, context)

    def _login_account(self, credentials: dict) -> str:
        if self._account_key is None:
            self._account_key = login_account_key(credentials)
        return self._account_key

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth's per-"key" limit, and the counter a password reset clears.
        return f"{self._login_account(credentials)}@{ratelimit.get_ip(request)}"

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        account = self._login_account(credentials)
        if cache.get(_known_address_cache_key(account, ratelimit.get_ip(request))):
            return
        self._account_cap_usage = ratelimit.consume(
            request, app="allauth.account", action=ACCOUNT_CAP_ACTION, key=account)
        if not self._account_cap_usage:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            # A right password is not a failure: give back what this attempt consumed.
            if self._account_cap_usage:
                self._account_cap_usage.rollback()
            cache.set(_known_address_cache_key(self._login_account(credentials),
                                               ratelimit.get_ip(request)), True, KNOWN_ADDRESS_SECONDS)
        return user
