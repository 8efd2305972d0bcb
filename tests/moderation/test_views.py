import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from community.models import User
from moderation.models import Flag, ModerationAction, QueueItem, Suspension
from moderation.services.members import suspend_member
from moderation.services.queue import act_on_item
from moderation.services.rings import report_suspected_ring
from tests.factories import CommunityManagerFactory, UserFactory
from tests.moderation.factories import flag_profile, member_at

pytestmark = pytest.mark.django_db


def flag_url(member: User) -> str:
    return reverse("moderation:flag", args=[ContentType.objects.get_for_model(User).pk, member.pk])


def flagged_profiles(count: int, flags_each: int = 2):
    for index in range(count):
        target = UserFactory(bio=f"Bio number {index}")
        for _ in range(flags_each):
            flag_profile(target, by=member_at(1))


@pytest.fixture
def manager_client(client):
    manager = CommunityManagerFactory()
    client.force_login(manager)
    client.manager = manager
    return client


def test_the_queue_lists_pending_items_with_flags_score_and_author_history(manager_client):
    target = UserFactory(username="spammy", bio="Cheap watches here")
    flag_profile(target, by=member_at(1, username="alice"), reason="spam")
    Suspension.objects.create(user=target, reason="Earlier trouble")
    html = manager_client.get("/moderation/").content.decode()
    assert "Cheap watches here" in html
    assert "@alice" in html and "Spam (1.00)" in html
    assert "Score <strong>1.00</strong>" in html
    assert "1 suspension" in html


def test_the_queue_sorts_by_score_or_by_age(manager_client):
    flagged_profiles(1, flags_each=1)
    flagged_profiles(1, flags_each=2)
    low, high = QueueItem.objects.order_by("created_at")
    by_score = manager_client.get("/moderation/?sort=score").content.decode()
    by_age = manager_client.get("/moderation/?sort=oldest").content.decode()
    assert by_score.index(f'id="item-{high.pk}"') < by_score.index(f'id="item-{low.pk}"')
    assert by_age.index(f'id="item-{low.pk}"') < by_age.index(f'id="item-{high.pk}"')


@pytest.mark.parametrize("rows", [1, 6])
def test_the_queue_page_query_count_does_not_grow_with_items(manager_client, django_assert_num_queries, rows):
    flagged_profiles(rows)
    manager_client.get("/moderation/")  # warms the content-type and suspension caches
    # user, permission check (2), pending count, items with author history, their flags, the
    # flagged profiles (one query per content type), groups for the menu. The session comes
    # from the cache.
    with django_assert_num_queries(6):
        manager_client.get("/moderation/")


def test_acting_from_the_queue_page_redirects_with_the_outcome(manager_client):
    flagged_profiles(1)
    item = QueueItem.objects.get()
    response = manager_client.post(reverse("moderation:item_action", args=[item.pk]),
                                   {"action": "restore", "version": item.version}, follow=True)
    assert "Restored: it is visible again." in response.content.decode()


def test_a_second_moderator_posting_the_same_item_sees_who_handled_it(manager_client):
    flagged_profiles(1)
    item = QueueItem.objects.get()
    act_on_item(actor=CommunityManagerFactory(display_name="Maya First"), item_id=item.pk,
                action="restore", version=item.version)
    response = manager_client.post(reverse("moderation:item_action", args=[item.pk]),
                                   {"action": "hide", "version": item.version, "reason": "Spam"}, follow=True)
    assert "Maya First already handled this item" in response.content.decode()


def test_hiding_without_a_reason_keeps_the_page_and_says_why(manager_client):
    flagged_profiles(1)
    item = QueueItem.objects.get()
    response = manager_client.post(reverse("moderation:item_action", args=[item.pk]),
                                   {"action": "suspend", "version": item.version, "days": "3", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the reason the member will see." in html
    assert 'value="3"' in html  # the typed number of days is kept


def test_the_bulk_form_applies_to_the_selected_items(manager_client):
    flagged_profiles(2)
    items = list(QueueItem.objects.all())
    response = manager_client.post("/moderation/bulk/", {
        "action": "dismiss", "items": [f"{i.pk}:{i.version}" for i in items]}, follow=True)
    assert "Applied to 2 items." in response.content.decode()
    assert not QueueItem.objects.filter(status="pending").exists()


def test_the_bulk_form_without_selection_is_refused_and_keeps_the_reason(manager_client):
    response = manager_client.post("/moderation/bulk/", {"action": "hide", "reason": "Off-topic ads"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select at least one item." in html and 'value="Off-topic ads"' in html


def test_the_edit_page_saves_through_the_adapter(manager_client):
    flagged_profiles(1)
    item = QueueItem.objects.get()
    url = reverse("moderation:item_edit", args=[item.pk])
    assert "Bio number 0" in manager_client.get(url).content.decode()
    manager_client.post(url, {"display_name": "Fixed", "bio": "Clean", "version": item.version})
    assert User.objects.get(pk=item.object_id).bio == "Clean"


def test_the_log_is_filterable_by_moderator_member_and_action(manager_client, django_assert_num_queries):
    other = CommunityManagerFactory(username="othermod")
    first, second = UserFactory(username="first"), UserFactory(username="second")
    suspend_member(actor=manager_client.manager, user=first, days=1, reason="One")
    suspend_member(actor=other, user=second, days=2, reason="Two")
    from moderation.services.members import warn_member
    warn_member(actor=other, user=first, reason="Three")
    html = manager_client.get("/moderation/log/?moderator=othermod").content.decode()
    assert "Two" in html and "Three" in html and ">One<" not in html
    html = manager_client.get("/moderation/log/?member=first&action=suspend").content.decode()
    assert "One" in html and "Three" not in html and "Two" not in html


@pytest.mark.parametrize("rows", [1, 8])
def test_the_log_page_query_count_does_not_grow_with_rows(manager_client, django_assert_num_queries, rows):
    for index in range(rows):
        suspend_member(actor=manager_client.manager, user=UserFactory(), days=1, reason=f"r{index}")
    manager_client.get("/moderation/log/")
    with django_assert_num_queries(4):  # user, roles and permissions (one query), count, actions
        manager_client.get("/moderation/log/")


def test_the_dashboard_shows_open_flags_trust_levels_and_reported_rings(manager_client):
    flagged_profiles(2)
    a, b = UserFactory(username="ringa"), UserFactory(username="ringb")
    report_suspected_ring(user_ids=[a.pk, b.pk], evidence={"mutual_likes": 40})
    html = manager_client.get("/moderation/dashboard/").content.decode()
    assert '<strong>4</strong> open flags' in html
    assert "@ringa" in html and "mutual_likes: 40" in html
    assert "<svg" in html and "TL1 Basic" in html


@pytest.mark.parametrize("rings", [1, 5])
def test_the_dashboard_query_count_does_not_grow_with_rings(manager_client, django_assert_num_queries, rings):
    for _ in range(rings):
        report_suspected_ring(user_ids=[UserFactory().pk, UserFactory().pk], evidence={"n": 1})
    manager_client.get("/moderation/dashboard/")
    # user, permission check (2), oldest wait, actions per day, trust levels, members, open
    # flags, pending count, stalled, rings, failed deferred tasks, failed points events, ring
    # members, menu groups
    with django_assert_num_queries(13):
        manager_client.get("/moderation/dashboard/")


def test_the_member_page_sets_a_trust_override_and_suspends(manager_client):
    member = member_at(1, username="subject")
    url = "/moderation/members/subject/"
    manager_client.post(url + "trust/", {"trust-level": "4", "trust-reason": "Trusted helper"})
    assert member.trust.__class__.objects.get(user=member).level == 4
    response = manager_client.post(url + "suspend/", {"suspend-days": "", "suspend-reason": ""})
    assert response.status_code == 400
    manager_client.post(url + "suspend/", {"suspend-days": "2", "suspend-reason": "Cool off"})
    assert Suspension.objects.get(user=member).reason == "Cool off"
    assert ModerationAction.objects.filter(action__in=["trust", "suspend"]).count() == 2


def test_a_member_flags_a_profile_from_the_flag_form(client):
    flagger, target = UserFactory(), UserFactory()
    client.force_login(flagger)
    response = client.post(flag_url(target), {"reason": "abusive", "note": "Rude bio", "next": "/"})
    assert response.status_code == 302
    assert Flag.objects.get().note == "Rude bio"


def test_flagging_with_other_and_no_note_keeps_the_choice_and_says_why(client):
    client.force_login(UserFactory())
    response = client.post(flag_url(UserFactory()), {"reason": "other", "note": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "a note is needed" in html
    assert 'value="other" checked' in html or 'checked value="other"' in html or (
        'value="other"' in html and "checked" in html)


def test_flagging_twice_says_so(client):
    flagger, target = UserFactory(), UserFactory()
    client.force_login(flagger)
    client.post(flag_url(target), {"reason": "spam"})
    response = client.post(flag_url(target), {"reason": "spam"})
    assert "already flagged" in response.content.decode()


def test_the_profile_shows_the_trust_level_and_a_flag_button_but_not_on_your_own(client):
    member, visitor = member_at(2), UserFactory()
    client.force_login(visitor)
    html = client.get(member.get_absolute_url()).content.decode()
    assert "TL2 · Member" in html and "Flag this profile" in html
    client.force_login(member)
    assert "Flag this profile" not in client.get(member.get_absolute_url()).content.decode()


def test_a_hidden_profile_shows_others_a_notice_and_its_owner_the_reason(client):
    member = UserFactory(display_name="Hidden Person", bio="secret bio")
    from moderation.profiles import PROFILE_ADAPTER
    PROFILE_ADAPTER.hide(member, reason="Under review for spam", actor=None)
    html = client.get(member.get_absolute_url()).content.decode()
    assert "hidden pending review" in html and "secret bio" not in html and "Hidden Person" not in html
    client.force_login(member)
    html = client.get(member.get_absolute_url()).content.decode()
    assert "Under review for spam" in html and "secret bio" in html
    client.force_login(CommunityManagerFactory())
    assert "secret bio" in client.get(member.get_absolute_url()).content.decode()


def test_a_suspended_member_sees_why_and_until_when_on_every_page(client):
    member = UserFactory()
    suspend_member(actor=CommunityManagerFactory(), user=member, days=3, reason="Repeated insults")
    client.force_login(member)
    html = client.get("/notifications/").content.decode()
    assert "Your account is suspended until" in html and "Repeated insults" in html


@pytest.mark.parametrize("flags", [1, 5])
def test_the_item_page_query_count_does_not_grow_with_flags(manager_client, django_assert_num_queries, flags):
    target = UserFactory()
    for _ in range(flags):
        flag_profile(target, by=member_at(1))
    item = QueueItem.objects.get()
    url = reverse("moderation:item", args=[item.pk])
    manager_client.get(url)
    # user, permission check (2), item, the profile, author history (trust, suspensions,
    # actions, upheld flags), menu groups, flags with flaggers
    with django_assert_num_queries(9):
        manager_client.get(url)


@pytest.mark.parametrize("rows", [1, 5])
def test_the_member_page_query_count_does_not_grow_with_history(manager_client, django_assert_num_queries,
                                                               rows):
    member = UserFactory(username="history")
    for index in range(rows):
        suspension = suspend_member(actor=manager_client.manager, user=member, days=1, reason=f"r{index}")
        Suspension.objects.filter(pk=suspension.pk).update(lifted_at=suspension.starts_at)
    manager_client.get("/moderation/members/history/")
    # user, permission check (2), member, trust, suspensions, actions, upheld flags, menu
    # groups (the active suspension is cached)
    with django_assert_num_queries(7):
        manager_client.get("/moderation/members/history/")


def test_the_flag_page_query_count(client, django_assert_num_queries):
    client.force_login(UserFactory())
    target = UserFactory()
    client.get(flag_url(target))
    with django_assert_num_queries(3):  # user, the profile, menu groups
        client.get(flag_url(target))


def test_with_htmx_an_action_replaces_only_its_queue_entry(manager_client):
    flagged_profiles(1)
    item = QueueItem.objects.get()
    url = reverse("moderation:item_action", args=[item.pk])
    response = manager_client.post(url, {"action": "hide", "version": item.version, "reason": ""},
                                   HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="item-{item.pk}"' in html and "Give the reason the member will see." in html
    response = manager_client.post(url, {"action": "hide", "version": item.version, "reason": "Ads"},
                                   HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Hidden. The author has been told why." in html and "See the item" in html
    response = manager_client.post(url, {"action": "restore", "version": item.version},
                                   HTTP_HX_REQUEST="true")
    assert "already handled this item" in response.content.decode()
    assert QueueItem.objects.get().resolution == "hidden"


def test_a_queue_row_shows_the_pending_item_or_who_handled_it(client):
    target = UserFactory(bio="Cheap pills")
    flag = flag_profile(target)
    manager, other = CommunityManagerFactory(), CommunityManagerFactory(display_name="Noor Haddad")
    client.force_login(manager)
    row = client.get(f"/moderation/items/{flag.item_id}/row/").content.decode()
    assert f'id="item-{flag.item_id}"' in row and "Cheap pills" in row
    act_on_item(actor=other, item_id=flag.item_id, action="dismiss", version=1)
    row = client.get(f"/moderation/items/{flag.item_id}/row/").content.decode()
    assert "Noor Haddad handled this item: flags dismissed." in row
    client.force_login(UserFactory())
    assert client.get(f"/moderation/items/{flag.item_id}/row/").status_code == 403


@pytest.mark.parametrize("placeholder", ["__flag_pk__", "__flag_action__", "__flag_csrf__"])
def test_a_flag_box_never_fills_a_slot_inside_the_address_it_returns_to(client, placeholder):
    """The return path is the reader's own address, which anyone can make hold a slot's
    placeholder: it must come back as typed, not with a token or an id put into it."""
    reader = UserFactory()
    client.force_login(reader)
    page = client.get(reverse("community:profile", args=[UserFactory().username]),
                      {"q": placeholder}).content.decode()
    assert f"?q={placeholder}" in page
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    assert not token or f"?q={token}" not in page
