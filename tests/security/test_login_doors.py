"""The admin sites' and Wagtail's private pages' own log-in forms check no password: every
log-in goes through the site's log-in page, where guessing is limited
(community/login_doors.py, tests/security/test_login_guessing.py)."""

import pytest

from tests.factories import PASSWORD, BrandStaffFactory, CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db

DOORS = {"/admin/login/": "/admin/", "/django-admin/login/": "/django-admin/", "/_util/login/": "/"}


def _superuser():
    root = UserFactory(username="root-guard")
    root.is_superuser = root.is_staff = True
    root.save()
    return root


@pytest.mark.parametrize("door", DOORS)
def test_no_other_log_in_form_takes_a_password_however_many_are_tried(client, door):
    _superuser()
    for n in range(12):
        answer = client.post(door, {"username": "root-guard", "password": f"guess-{n}"},
                             REMOTE_ADDR="203.0.113.66")
        assert answer.status_code == 302
    right = client.post(door, {"username": "root-guard", "password": PASSWORD, "next": "/ideas/"})
    assert right["Location"] == "/accounts/login/?next=/ideas/"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("door", "home"), DOORS.items())
def test_a_visitor_is_sent_to_the_site_log_in_with_the_way_back_on_this_site_only(client, door, home):
    assert client.get(door, {"next": "/forum/"})["Location"] == "/accounts/login/?next=/forum/"
    for elsewhere in ("https://evil.example/", "//evil.example/x", "abc", ""):
        assert client.get(door, {"next": elsewhere})["Location"] == f"/accounts/login/?next={home}"


def test_signed_in_staff_go_on_to_the_admin_and_members_are_told_it_is_not_theirs(client):
    client.force_login(CommunityManagerFactory())
    assert client.get("/admin/login/", {"next": "/admin/pages/"})["Location"] == "/admin/pages/"
    assert client.get("/admin/login/")["Location"] == "/admin/"
    client.force_login(UserFactory())
    refused = client.get("/admin/login/", {"next": "/admin/"})
    assert refused.status_code == 403 and "no access to the admin" in refused.content.decode()
    assert client.get("/django-admin/login/").status_code == 403
    # A member goes back to the restricted page, which answers for itself.
    assert client.get("/_util/login/", {"next": "/products/"})["Location"] == "/products/"


def test_brand_staff_with_admin_access_go_on_and_the_django_admin_wants_a_staff_account(client):
    staff = BrandStaffFactory()
    client.force_login(staff)
    assert client.get("/admin/login/")["Location"] == "/admin/"
    assert client.get("/django-admin/login/").status_code == (302 if staff.is_staff else 403)
    client.force_login(_superuser())
    answer = client.get("/django-admin/login/", {"next": "/django-admin/auth/"})
    assert answer["Location"] == "/django-admin/auth/"
