import pytest

from badges.selectors import balances_of
from community.models import Notification
from rewards.models import LevelPerk, Redemption
from rewards.services.levels import issue_entry_reward
from tests.factories import UserFactory
from tests.rewards.factories import give_points, level, make_pool, make_reward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("levels")]


def test_reaching_a_level_issues_its_entry_reward_for_free_and_tells_the_member(
        django_capture_on_commit_callbacks):
    silver = level("Silver")
    welcome = make_reward(cost=500, title="Silver welcome", code_pool=make_pool(codes=3))
    LevelPerk.objects.create(level=silver, entry_reward=welcome)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        give_points(member, 300)
    redemption = Redemption.objects.get(member=member)
    assert (redemption.reward, redemption.points, redemption.spend_entry_id) == (welcome, 0, None)
    assert redemption.code
    assert balances_of(member.pk).spendable == 300
    assert Notification.objects.filter(recipient=member, kind="rewards.redemption",
                                       message__contains=redemption.code).exists()


def test_the_entry_reward_is_issued_once_per_member_and_level():
    silver = level("Silver")
    LevelPerk.objects.create(level=silver, entry_reward=make_reward(cost=0, title="Welcome"))
    member = UserFactory()
    first = issue_entry_reward(user_id=member.pk, level_id=silver.pk)
    second = issue_entry_reward(user_id=member.pk, level_id=silver.pk)
    assert first.pk == second.pk
    assert Redemption.objects.filter(member=member).count() == 1


def test_a_level_without_an_entry_reward_or_with_an_empty_pool_issues_nothing():
    silver, gold = level("Silver"), level("Gold")
    LevelPerk.objects.create(level=gold, entry_reward=make_reward(cost=0, code_pool=make_pool(codes=0)))
    member = UserFactory()
    assert issue_entry_reward(user_id=member.pk, level_id=silver.pk) is None
    assert issue_entry_reward(user_id=member.pk, level_id=gold.pk) is None
    assert not Redemption.objects.exists()
