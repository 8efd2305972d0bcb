import pytest
from django.contrib.auth.models import Permission

from community.models import User
from community.roles import BRAND_STAFF, COMMUNITY_MANAGERS, MODERATE, REPLY_AS_BRAND, viewer_roles
from tests.factories import BrandStaffFactory, CommunityManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)  # no caches from creating it


def test_a_managers_roles_and_permissions_come_from_one_query(django_assert_num_queries):
    manager = fresh(CommunityManagerFactory())
    with django_assert_num_queries(1):
        assert viewer_roles(manager) == {COMMUNITY_MANAGERS}
        assert manager.has_perm(MODERATE)
        assert not manager.has_perm(REPLY_AS_BRAND)
        assert viewer_roles(manager) == {COMMUNITY_MANAGERS}


def test_permissions_agree_with_djangos_own_for_every_kind_of_member():
    member, staff, manager = UserFactory(), BrandStaffFactory(), CommunityManagerFactory()
    direct = UserFactory()
    direct.user_permissions.add(Permission.objects.get(codename="reply_as_brand"))
    for user in (member, staff, manager, direct):
        ours = fresh(user)
        viewer_roles(ours)
        theirs = fresh(user)
        assert ours.get_all_permissions() == theirs.get_all_permissions()
        for perm in (MODERATE, REPLY_AS_BRAND):
            assert ours.has_perm(perm) == theirs.has_perm(perm)
    assert viewer_roles(fresh(staff)) == {BRAND_STAFF}
    assert viewer_roles(fresh(direct)) == frozenset()
    assert fresh(direct).has_perm(REPLY_AS_BRAND)


def test_superusers_show_both_roles_and_inactive_members_hold_no_permission():
    boss = fresh(UserFactory(is_superuser=True))
    assert viewer_roles(boss) == {COMMUNITY_MANAGERS, BRAND_STAFF}
    assert boss.has_perm(MODERATE)
    gone = CommunityManagerFactory()
    gone.is_active = False
    gone.save()
    assert not fresh(gone).has_perm(MODERATE)
