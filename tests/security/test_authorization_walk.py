"""Every URL of the project, for every role, against an explicit table.

The URLs come from the URLconf (tests/security/urlwalk.py), so a view added anywhere is
walked too, and a view missing from the table fails the test: add one line to EXPECTED.

Each entry is ``key: (GET, POST)``; each of the two is six answers, one per role in the order
anonymous, customer, suspended, brand_staff, manager, superuser:
  ok      2xx, or a redirect that is not to a login page
  login   a redirect to a login page
  bad 400 / denied 403 / missing 404 / method 405;  "a|b" accepts either
  any     any answer except a server error (a third-party screen whose answer to a
          made-up id is its own business, as long as it is not a 500)
  error   a server error: only Wagtail's own error-test screen, which raises on purpose
Everything belongs to another member ("owner"), so "ok" for a customer on an edit or delete
URL would mean anyone can change anyone's content.
"""

from __future__ import annotations

import os

import pytest

from tests.security.conftest import stored_page_count
from tests.security.urlwalk import walk_urls
from tests.security.walker import RoleClient
from tests.security.world import ROLES, make_roles, make_world

# On the production path (tests/security/conftest.py): every cache on, production middleware.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_path")]
# The most privileged reader first, anonymous last and twice: whatever one role's request left
# in a cache (the anonymous page cache, fragments) is what the next, less privileged role
# would be served, and the second anonymous request may come from the page cache.
READING_ORDER = (*reversed(ROLES), "anonymous")

# Shorthands for the common rows.
PUBLIC = "ok ok ok ok ok ok"
NO_POST = "method method method method method method"
MISSING = "missing missing missing missing missing missing"
MEMBERS = "login ok ok ok ok ok"
MEMBERS_POST_ONLY = "login method method method method method"
MEMBERS_EMPTY_FORM = "login bad bad bad bad bad"
STAFF_ONLY = "login denied denied ok ok ok"
MANAGERS_ONLY = "login denied denied denied ok ok"
API_MEMBERS = "401 ok ok ok ok ok"
API_NO_POST = "401 method method method method method"
API_EMPTY_WRITE = "401 bad bad bad bad bad"
MANAGERS_POST_ONLY = "login denied denied denied method method"
MANAGERS_EMPTY_FORM = "login denied denied denied bad bad"
# Wagtail admin screens only superusers may use (the role groups hold "access admin" only).
ADMIN_SUPERUSER_ONLY = "login login login denied denied any"
# Hearth's own admin screens (viewsets and snippets), on real objects: exact answers.
ADMIN_MANAGERS = "login login login denied ok ok"
ADMIN_MANAGERS_NO_POST = "login login login denied method method"
# The rewards catalogue: brand staff and community managers alike.
ADMIN_STAFF = "login login login ok ok ok"
ADMIN_STAFF_NO_POST = "login login login method method method"
ADMIN_STAFF_EMPTY_FORM = "login login login bad bad bad"
ADMIN_SUPERUSER = "login login login denied denied ok"
ADMIN_SUPERUSER_NO_POST = "login login login denied denied method"
ADMIN_READ_SCREENS = ("history", "history_results", "usage")
ADMIN_FORM_SCREENS = ("add", "edit", "delete", "copy")
# Choosers list and pick for anyone who may open the admin; none of Hearth's offers a
# creation form, so their "create" URL is not found.
CHOOSER = ("login login login ok ok ok", "login login login method method method")
CHOOSER_NO_CREATE = ("login login login missing missing missing", "login login login missing missing missing")


def _admin_screens(namespace: str, *, who: str, no_post: str, listing=("index", "index_results"),
                   forms=ADMIN_FORM_SCREENS, extra: dict | None = None) -> dict:
    rows = {f"{namespace}:{view}": (who, no_post) for view in (*listing, *ADMIN_READ_SCREENS)}
    rows |= {f"{namespace}:{view}": (who, who) for view in forms}
    return rows | (extra or {})


def _snippet_screens(app_model: str, *, who: str, no_post: str) -> dict:
    choosers = f"wagtailsnippetchoosers_{app_model}"
    return _admin_screens(f"wagtailsnippets_{app_model}", who=who, no_post=no_post,
                          listing=("list", "list_results")) | {
        **{f"{choosers}:{view}": CHOOSER
           for view in ("choose", "choose_results", "chosen", "chosen_multiple")},
        f"{choosers}:create": CHOOSER_NO_CREATE,
    }


# Server errors inside Wagtail 8.0.1 itself, on requests its own screens never send; Hearth
# cannot reach these views through how it registers anything. Listed exactly so that any
# other server error fails the walk (and a Wagtail upgrade that fixes one shows up here).
WAGTAIL_KNOWN_ERRORS: dict[str, tuple[str, str]] = {
    # Moving the root page (id 1): SetPagePositionView calls get_parent() on it, gets None,
    # and fails on None.permissions_for_user (wagtail/admin/views/pages/ordering.py:15).
    "wagtailadmin_pages:set_page_position": ("login login login method method method",
                                             "login login login error error error"),
    # A POST without the url field: URLOrAbsolutePathField.to_python calls None.startswith
    # (wagtail/admin/forms/choosers.py:16) inside form.is_valid().
    "wagtailadmin_choose_page_external_link": ("login login login ok ok ok",
                                               "login login login error error error"),
    # chosen/<str:pk>/ with a non-numeric id: Image/Document.objects.get(pk="x") raised
    # ValueError in Wagtail (wagtail/admin/views/generic/chooser.py:519); Hearth's guard in
    # front of them (config/urls.py) answers 404, as Hearth's own snippet choosers do.
    **{f"{app}_chooser:chosen": ("login login login missing missing missing",
                                 "login login login missing missing missing")
       for app in ("wagtaildocs", "wagtailimages")},
}

EXPECTED: dict[str, tuple[str, str]] = {
    "healthz": (PUBLIC, PUBLIC),
    "wagtaildocs_serve": (MISSING, MISSING),
    "wagtaildocs_authenticate_with_password": (MISSING, MISSING),
    "account_login": (PUBLIC, PUBLIC),
    "account_logout": (PUBLIC, PUBLIC),
    "account_inactive": (PUBLIC, NO_POST),
    "account_signup": (PUBLIC, PUBLIC),
    "account_reauthenticate": (MEMBERS, MEMBERS),
    "account_email": (MEMBERS, MEMBERS),
    "account_email_verification_sent": (PUBLIC, NO_POST),
    "account_change_password": (MEMBERS, MEMBERS),
    "account_set_password": (MEMBERS, MEMBERS),
    "account_reset_password": (PUBLIC, PUBLIC),
    "account_confirm_login_code": (MEMBERS, MEMBERS),
    # allauth 65.22: reauthenticating with a code mailed to the member instead of a password.
    "account_request_reauthentication_code": (MEMBERS, MEMBERS),
    "account_confirm_reauthentication_code": (MEMBERS, MEMBERS),
    "account_confirm_email": (PUBLIC, MISSING),
    "account_reset_password_from_key_done": (PUBLIC, NO_POST),
    "account_reset_password_from_key": (PUBLIC, PUBLIC),
    "account_reset_password_done": (PUBLIC, NO_POST),
    # Single sign-on (docs/sso.md). No provider is configured in the walk: their log-in and
    # callback URLs are not found (sso.adapter). The error page answers 401 to whoever opens
    # it; the provider sign-up form sends anyone without a provider log-in under way to the
    # log-in page; allauth's old "social/" URLs redirect to the new ones.
    **{name: (MISSING, MISSING) for name in (
        "openid_connect_login", "openid_connect_callback", "google_login", "google_callback",
        "google_login_by_token", "github_login", "github_callback")},
    "socialaccount_login_cancelled": (PUBLIC, NO_POST),
    "socialaccount_login_error": ("401 401 401 401 401 401", NO_POST),
    "socialaccount_signup": ("login login login login login login", "login login login login login login"),
    "socialaccount_connections": (MEMBERS, MEMBERS),
    **{f"accounts/social/{route}/": (PUBLIC, PUBLIC)
       for route in ("login/cancelled", "login/error", "signup", "connections")},
    # The shop's log-in link: without a payload and signature every role gets the 400 page.
    "sso:shop_login": ("bad bad bad bad bad bad", NO_POST),
    "forum:index": (PUBLIC, NO_POST),
    "forum:search": (PUBLIC, NO_POST),
    "forum:mention_candidates": (MEMBERS, MEMBERS_POST_ONLY),
    "forum:category": (PUBLIC, NO_POST),
    "forum:new_topic": (MEMBERS, MEMBERS),
    # A redirect to a category's new-topic form; GET only ("login method ..." for a POST).
    "forum:ask_about_product": (MEMBERS, MEMBERS_POST_ONLY),
    "forum:topic_short": (PUBLIC, NO_POST),
    "forum:topic": (PUBLIC, NO_POST),
    "forum:topic_unread": (PUBLIC, NO_POST),
    "forum:reply": (MEMBERS_POST_ONLY, MEMBERS_EMPTY_FORM),
    "forum:watch": (MEMBERS_POST_ONLY, MEMBERS),
    "forum:unaccept": (MEMBERS_POST_ONLY, MANAGERS_ONLY),
    "forum:post": (PUBLIC, NO_POST),
    "forum:post_fragment": (PUBLIC, NO_POST),
    # Another member's post: only community managers may edit or delete it.
    "forum:edit_post": (MANAGERS_ONLY, MANAGERS_ONLY),
    "forum:delete_post": (MANAGERS_ONLY, MANAGERS_ONLY),
    "forum:post_history": (PUBLIC, NO_POST),
    "forum:like": (MEMBERS_POST_ONLY, MEMBERS),
    "forum:unlike": (MEMBERS_POST_ONLY, MEMBERS),
    "forum:accept": (MEMBERS_POST_ONLY, MANAGERS_ONLY),
    "community:profile": (PUBLIC, PUBLIC),
    "community:profile_edit": (MEMBERS, MEMBERS),
    "community:notification_settings": (MEMBERS, MEMBERS),
    "community:notifications": (MEMBERS, MEMBERS),
    "community:staff_counts": (STAFF_ONLY, MEMBERS_POST_ONLY),
    "community:notifications_read_all": (MEMBERS_POST_ONLY, MEMBERS),
    # Another member's notification is not found; marking it read changes nothing (see
    # test_others_content.py).
    "community:notification_open": (MEMBERS_POST_ONLY, "login missing missing missing missing missing"),
    "community:notification_read": (MEMBERS_POST_ONLY, MEMBERS),
    "community:unsubscribe": (PUBLIC, PUBLIC),
    "ideas:index": (PUBLIC, PUBLIC),
    "ideas:new": (MEMBERS, MEMBERS),
    "ideas:similar": (PUBLIC, NO_POST),
    "ideas:detail": (PUBLIC, PUBLIC),
    "ideas:short": (PUBLIC, PUBLIC),
    # Refusals here answer with a redirect and a message (so "ok"); test_others_content.py
    # proves nothing changes for another member's idea or review.
    "ideas:edit": (MEMBERS, MEMBERS),
    "ideas:support": (MEMBERS_POST_ONLY, MEMBERS),
    "ideas:withdraw": (MEMBERS_POST_ONLY, MEMBERS),
    "ideas:comment": (MEMBERS_POST_ONLY, MEMBERS_EMPTY_FORM),
    "ideas:decide": (MEMBERS_POST_ONLY, "login denied denied bad bad bad"),
    "ideas:resubmit": (MEMBERS_POST_ONLY, MEMBERS),
    "ideas:merge": (MEMBERS_POST_ONLY, MANAGERS_EMPTY_FORM),
    "ideas:unmerge": (MEMBERS_POST_ONLY, MANAGERS_ONLY),
    "moderation:queue": (MANAGERS_ONLY, MANAGERS_ONLY),
    "moderation:bulk": (MANAGERS_POST_ONLY, MANAGERS_EMPTY_FORM),
    "moderation:item": (MANAGERS_ONLY, MANAGERS_ONLY),
    "moderation:item_row": (MANAGERS_ONLY, MANAGERS_POST_ONLY),
    "moderation:item_action": (MANAGERS_POST_ONLY, MANAGERS_EMPTY_FORM),
    "moderation:item_edit": (MANAGERS_ONLY, MANAGERS_EMPTY_FORM),
    "moderation:log": (MANAGERS_ONLY, MANAGERS_ONLY),
    "moderation:dashboard": (MANAGERS_ONLY, MANAGERS_ONLY),
    "moderation:member": (MANAGERS_ONLY, MANAGERS_ONLY),
    "moderation:member_trust": (MANAGERS_POST_ONLY, MANAGERS_EMPTY_FORM),
    "moderation:member_suspend": (MANAGERS_POST_ONLY, MANAGERS_EMPTY_FORM),
    "moderation:member_warn": (MANAGERS_POST_ONLY, MANAGERS_EMPTY_FORM),
    "moderation:suspension_lift": (MANAGERS_POST_ONLY, MANAGERS_EMPTY_FORM),
    "moderation:flag": (MEMBERS, MEMBERS_EMPTY_FORM),
    "reviews:write": (MEMBERS, MEMBERS),
    "reviews:helpful": (NO_POST, MEMBERS),
    "reviews:card": (PUBLIC, NO_POST),
    # Brand replies are for brand staff (and superusers), never community managers.
    "reviews:reply": ("login denied denied ok denied ok", "login denied denied ok denied ok"),
    "reviews:hide": (NO_POST, MEMBERS),
    "reviews:missed_negative": (NO_POST, STAFF_ONLY),
    "reviews:follow_ups": (STAFF_ONLY, STAFF_ONLY),
    "reviews:follow_up": (STAFF_ONLY, STAFF_ONLY),
    "reviews:dashboard": (STAFF_ONLY, STAFF_ONLY),
    "badges:index": (PUBLIC, PUBLIC),
    "badges:rings": (MANAGERS_ONLY, MANAGERS_ONLY),
    "badges:ring_reviewed": (MEMBERS_POST_ONLY, MANAGERS_ONLY),
    "badges:achievements": (PUBLIC, PUBLIC),
    "badges:leaderboard": (PUBLIC, PUBLIC),
    "badges:challenges": (PUBLIC, PUBLIC),
    "badges:points": (MEMBERS, MEMBERS),
    "loyalty_staff:adjust_points": (STAFF_ONLY, STAFF_ONLY),
    "loyalty_staff:dashboard": (STAFF_ONLY, STAFF_ONLY),
    # Community health: community managers and staff accounts, never brand staff; GET only.
    "insights:health": (MANAGERS_ONLY, MANAGERS_POST_ONLY),
    "insights:export": (MANAGERS_ONLY, MANAGERS_POST_ONLY),
    # The store's signed webhook: no GET; anything but a JSON body (the walk posts a form) is
    # refused with 415 for everyone, signed in or not; its signature is the only authorization
    # (tests/shop/test_views.py: an unsigned JSON body gets 401).
    "shop:order_webhook": (NO_POST, "415 415 415 415 415 415"),
    # The owner's referral link: visitors go to sign-up, members to their own referrals page.
    "referrals:link": (PUBLIC, NO_POST),
    "referrals:mine": (MEMBERS, "login method method method method method"),
    # Held referrals are reviewed by community managers and brand staff.
    "referrals:review": (STAFF_ONLY, "login denied denied method method method"),
    "referrals:decide": ("login denied denied method method method", "login denied denied bad bad bad"),
    # Rewards: the catalogue is public; redeeming is for members (an empty form is refused as
    # bad input before anything else; a suspended member's complete form is refused, see
    # tests/rewards/test_views.py); fulfilment is for brand staff and community managers (an
    # empty form is refused as bad input).
    "rewards:index": (PUBLIC, NO_POST),
    "rewards:detail": (PUBLIC, NO_POST),
    "rewards:levels": (PUBLIC, NO_POST),
    "rewards:cause": (PUBLIC, NO_POST),
    "rewards:confirm": (MEMBERS, MEMBERS_EMPTY_FORM),
    "rewards:mine": (MEMBERS, MEMBERS_POST_ONLY),
    "rewards:staff": (STAFF_ONLY, MEMBERS_POST_ONLY),
    "rewards:ship": (MEMBERS_POST_ONLY, "login denied denied bad bad bad"),
    "rewards:cancel": (MEMBERS_POST_ONLY, "login denied denied bad bad bad"),
    "rewards_pool_codes": (ADMIN_STAFF, ADMIN_STAFF_EMPTY_FORM),
    # Privacy: every member (suspended too) sees their data and consents; an export is
    # downloaded by its owner only (others are told it does not exist).
    "privacy:settings": (MEMBERS, MEMBERS_POST_ONLY),
    "privacy:request_export": (MEMBERS_POST_ONLY, MEMBERS),
    "privacy:export_status": (MEMBERS, MEMBERS_POST_ONLY),
    "privacy:download": ("login missing missing missing missing missing", MEMBERS_POST_ONLY),
    "privacy:consent": (MEMBERS_POST_ONLY, MEMBERS),
    # A review request's star link: the owner's alone (the walk's token is no star link).
    "outreach:rate": ("login missing missing missing missing missing", NO_POST),
    "privacy:delete_account": (MEMBERS_POST_ONLY, MEMBERS_EMPTY_FORM),
    "privacy:anonymise_member": (MANAGERS_ONLY, MANAGERS_EMPTY_FORM),
    "media": (MISSING, MISSING),
    "wagtailcore_authenticate_with_password": (MISSING, MISSING),
    # Every other log-in URL sends to the site's log-in page and checks no password
    # (community/login_doors.py): a member goes back to the page asked for.
    "_util/login/": ("login ok ok ok ok ok", "login ok ok ok ok ok"),
    "wagtail_serve": (PUBLIC, PUBLIC),
    # The admin sites' log-in URLs (Hearth's doors, community/login_doors.py): a visitor to the
    # site's log-in page, other members refused, and whoever may open the admin on to its
    # home page (which this table reads as "denied", the way Wagtail refuses: tests in
    # tests/security/test_login_doors.py tell them apart); password reset, icons, translations.
    "wagtailadmin_login": ("login denied denied denied denied denied",) * 2,
    "admin/login/": ("login denied denied denied denied denied",) * 2,
    # Django's admin wants a staff account (is_staff): of the roles, the superuser's.
    "django-admin/login/": ("login denied denied denied denied ok",) * 2,
    "wagtailadmin_password_reset": (PUBLIC, PUBLIC),
    "wagtailadmin_password_reset_done": (PUBLIC, NO_POST),
    "wagtailadmin_password_reset_confirm": (PUBLIC, PUBLIC),
    "wagtailadmin_password_reset_complete": (PUBLIC, NO_POST),
    "wagtailadmin_sprite": (PUBLIC, PUBLIC),
    "wagtailadmin_javascript_catalog": (PUBLIC, NO_POST),
    "admin:login": ("login denied denied denied denied ok",) * 2,
    # Wagtail's "failwhale" screen raises on purpose so that staff can see the 500 page.
    "wagtailadmin_error_test": ("login login login error error error", "login login login error error error"),
    "admin:logout": ("ok ok ok ok ok method", PUBLIC),
    # Wagtail admin screens that manage people and sites.
    **{f"wagtailusers_users:{view}": (ADMIN_SUPERUSER_ONLY, ADMIN_SUPERUSER_ONLY)
       for view in ("index", "add", "edit", "delete")},
    **{f"wagtailusers_groups:{view}": (ADMIN_SUPERUSER_ONLY, ADMIN_SUPERUSER_ONLY)
       for view in ("index", "add", "edit", "delete")},
    **{f"wagtailsites:{view}": (ADMIN_SUPERUSER_ONLY, ADMIN_SUPERUSER_ONLY) for view in ("index", "add")},
    **{f"wagtailadmin_workflows:{view}": (ADMIN_SUPERUSER_ONLY, ADMIN_SUPERUSER_ONLY)
       for view in ("index", "add", "edit")},
    # Forum categories and the points engine: community managers, not brand staff. Deleting
    # a category that has topics is refused with a message (a redirect: "ok"), see
    # tests/community/test_wagtail_admin.py. Like rings are only found, never added by hand.
    **_admin_screens("forum_categories", who=ADMIN_MANAGERS, no_post=ADMIN_MANAGERS_NO_POST, extra={
        "forum_categories:reorder": (ADMIN_MANAGERS_NO_POST, ADMIN_MANAGERS)}),
    **{key: row for viewset in ("points_rules", "points_levels", "points_badges", "points_challenges")
       for key, row in _admin_screens(viewset, who=ADMIN_MANAGERS, no_post=ADMIN_MANAGERS_NO_POST).items()},
    **_admin_screens("points_rings", who=ADMIN_MANAGERS, no_post=ADMIN_MANAGERS_NO_POST,
                     forms=("edit", "delete")),
    # Snippets: the milestone ladder for managers; the catalogue's categories and purchase
    # records for superusers (brand staff and managers hold no permission on them).
    **_snippet_screens("ideas_milestone", who=ADMIN_MANAGERS, no_post=ADMIN_MANAGERS_NO_POST),
    **_snippet_screens("community_productcategory", who=ADMIN_SUPERUSER, no_post=ADMIN_SUPERUSER_NO_POST),
    **_snippet_screens("reviews_purchaserecord", who=ADMIN_SUPERUSER, no_post=ADMIN_SUPERUSER_NO_POST),
    # The rewards catalogue's snippets: brand staff and community managers.
    **{key: row for model in ("reward", "cause", "codepool", "levelperk")
       for key, row in _snippet_screens(f"rewards_{model}", who=ADMIN_STAFF,
                                        no_post=ADMIN_STAFF_NO_POST).items()},
    # The REST API (api/urls.py): what a visitor of the site may read is public; writing and
    # the member's own data need a member (401: the API names its token scheme rather than
    # sending anyone to a log-in page); follow-ups are for brand staff and managers. POSTs
    # carry no body here, so a write answers 400 once the caller may make it.
    "api:schema": (PUBLIC, NO_POST),
    "api:docs": (PUBLIC, NO_POST),
    **{f"api:{name}": (API_MEMBERS, API_NO_POST) for name in ("me", "my_redemptions", "my_orders")},
    **{f"api:{name}": (PUBLIC, API_NO_POST) for name in (
        "member", "topic", "post", "ideas", "idea", "review", "leaderboard", "rewards", "reward")},
    **{f"api:{name}": (PUBLIC, API_EMPTY_WRITE) for name in ("topics", "topic_posts", "reviews")},
    # The owner's idea: any member but the suspended one may support it.
    "api:idea_support": (NO_POST, "401 ok denied ok ok ok"),
    # Customers are refused before the body is read; brand staff are told the reply is empty.
    "api:brand_reply": (API_NO_POST, "401 denied denied bad denied bad"),
    **{f"api:{name}": ("401 denied denied ok ok ok", API_NO_POST) for name in ("follow_ups", "follow_up")},
    "api:not_found": (MISSING, MISSING),
    # The member's API tokens page; revoking the owner's token is refused with a message
    # (a redirect back: "ok") and changes nothing (tests/api/test_settings_page.py).
    "api_settings:settings": (MEMBERS, MEMBERS_EMPTY_FORM),
    "api_settings:revoke": (MEMBERS_POST_ONLY, MEMBERS),
    **WAGTAIL_KNOWN_ERRORS,
}

# Whole third-party admin sites, by prefix (an entry in EXPECTED overrides its group). The
# walk checks who gets in: never anonymous visitors, customers or suspended members. What a
# Wagtail view makes of a made-up id once a staff member is in ("any") is Wagtail's, but it
# must never be a server error.
GROUP_EXPECTED: dict[str, tuple[str, str]] = {
    "admin/": ("login login login any any any", "login login login any any any"),
    "django-admin/": ("login login login login login any", "login login login login login any"),
}


def expectation(url) -> tuple[str, str] | None:
    return EXPECTED.get(url.key) or (GROUP_EXPECTED.get(url.group) if url.group else None)


def _accepts(cell: str, got: str) -> bool:
    if cell == "any":
        return got != "error"
    return got in cell.split("|")


def test_every_url_answers_every_role_as_the_table_says(capsys):
    world = make_world()
    clients = {role: RoleClient(user) for role, user in make_roles().items()}
    urls = walk_urls(world)
    observe = os.environ.get("HEARTH_WALK_OBSERVE")
    unknown, mismatches, observed, checked = [], [], {}, 0
    for url in urls:
        expected = expectation(url)
        if expected is None and not observe:
            unknown.append(f"{url.key} ({url.route})")
            continue
        answers = {}
        for method_index, method in enumerate(("GET", "POST")):
            answered = {}
            for role in READING_ORDER:
                got, detail = clients[role].request(method, url.path)
                checked += 1
                answered.setdefault(role, got)
                if expected:
                    cell = expected[method_index].split()[ROLES.index(role)]
                    if not _accepts(cell, got):
                        where = f"{method} {url.path} [{url.key}] as {role}"
                        mismatches.append(f"{where}: expected {cell}, got {got}"
                                          + (f"\n{detail}" if got == "error" else ""))
            answers[method] = " ".join(answered[role] for role in ROLES)
        observed[url.key] = (answers["GET"], answers["POST"])
    if observe:
        with open(observe, "w") as out:
            for key, (get, post) in observed.items():
                out.write(f'    "{key}": ("{get}", "{post}"),\n')
    with capsys.disabled():
        print(f"\nauthorization walk: {len(urls)} URL patterns x {len(READING_ORDER)} readers x GET/POST"
              f" = {checked} requests checked")
    assert stored_page_count() > 0, "no page of the walk went through the anonymous page cache"
    assert not unknown, "URL patterns missing from the authorization table:\n" + "\n".join(unknown)
    assert not mismatches, f"{len(mismatches)} answers differ from the table:\n" + "\n".join(mismatches)
