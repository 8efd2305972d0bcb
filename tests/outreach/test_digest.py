import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import User
from community.services.notifications import notify
from forum.models import Post
from ideas.services import cast_support
from outreach import digest, services
from outreach.models import OutreachEmail
from reviews.services import reply_as_brand
from tests.badges.factories import ChallengeFactory
from tests.factories import BrandStaffFactory, UserFactory
from tests.forum.factories import CategoryFactory, make_reply, make_topic
from tests.ideas.factories import published_idea
from tests.outreach.factories import bought, consenting_member
from tests.parallel import errors_of, run_at_once
from tests.reviews.factories import write_review
from tests.rewards.factories import give_points

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("moderation_relaxed")]

SITE = "https://community.example"
LINK = re.compile(r'href="([^"]+)"')


@pytest.fixture(autouse=True)
def _text_similarity(settings):
    settings.HEARTH_IDEAS_SIMILARITY = "text"


def away(member, days: float = 8):
    """The member last logged in ``days`` ago and has not been seen since."""
    User.objects.filter(pk=member.pk).update(last_login=timezone.now() - datetime.timedelta(days=days))
    member.refresh_from_db()
    return member


def away_member(**fields):
    return away(consenting_member(**fields))


def run(**kwargs):
    return services.run_digests(**kwargs)


def sections_of(message) -> list[str]:
    html = message.get_body(("html",)).get_content()
    return re.findall(r'data-section="([a-z]+)"', html)


@pytest.fixture
def kitchen(db):
    return CategoryFactory(name="Kitchen", slug="kitchen")


def test_a_member_away_for_a_week_gets_one_digest_with_replies_to_their_topic_and_its_reason(smtp, kitchen):
    ada = away_member(username="ada", email="ada@example.com")
    topic = make_topic(author=ada, category=kitchen, title="Which descaler works best?")
    make_reply(topic, body="Citric acid, every time.")
    make_reply(topic, body="Vinegar, then rinse twice.")

    totals = run()

    assert totals["sent"] == 1
    [envelope], [message] = smtp.envelopes, smtp.messages
    assert envelope.rcpt_tos == ["ada@example.com"]
    assert message["Subject"] == "[Hearth] Your week on Hearth: 2 new replies"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<https://community\.example/notifications/unsubscribe/[^>]+/>",
                        message["List-Unsubscribe"].strip())
    assert sections_of(message) == ["replies", "points"]  # starting the topic earned points
    text = message.get_body(("plain",)).get_content()
    assert "== New replies to your topics ==" in text
    assert "Because you started “Which descaler works best?”." in text
    assert f"{SITE}{topic.get_absolute_url()}" in text
    email = OutreachEmail.objects.get()
    assert (email.kind, email.period) == (OutreachEmail.Kind.DIGEST,
                                          digest.period_key("weekly", timezone.now()))


def test_every_section_appears_when_there_is_something_for_it_each_with_its_reason(smtp, kitchen, kettle):
    ada = away_member(username="ada")
    mine = make_topic(author=ada, category=kitchen, title="My kettle whistles")
    make_reply(mine)
    hot = make_topic(category=kitchen, title="Best tea for mornings")
    make_reply(hot)
    notify(recipient=ada, kind="forum.mention", message="Bea mentioned you in “Best tea for mornings”",
           url=hot.get_absolute_url())
    idea = published_idea(title="A quieter whistle")
    cast_support(user=ada, idea_id=idea.pk)
    bought(ada, kettle, days_ago=40)
    review = write_review(product=kettle, title="Quick to boil")
    reply_as_brand(staff=BrandStaffFactory(), review_id=review.pk, body="Thank you for the kind words!",
                   confirmed=True)
    give_points(ada, 120)
    ChallengeFactory(title="Three reviews in December",
                     ends_at=timezone.now() + datetime.timedelta(days=2))

    run()

    [message] = smtp.messages
    assert sections_of(message) == ["replies", "mentions", "hot", "ideas", "products", "challenges",
                                    "points"]
    text = message.get_body(("plain",)).get_content()
    for reason in ("Because you started “My kettle whistles”.",
                   "Because someone mentioned you in the forum.",
                   "Because you post in Kitchen, one of the forum categories you post in most.",
                   "Because you support these ideas.",
                   "Because you bought these products.",
                   "Because these challenges end within 3 days",
                   "Because you collect points in our programme."):
        assert reason in text
    assert "Busy in Kitchen" in text and "Best tea for mornings" in text
    assert "A quieter whistle: It is now Gathering support." in text
    assert "Ember Kettle: 1 new review, 1 reply from the brand" in text
    assert "you are at 0 of 3" in text
    assert "120 points" in text


def test_every_link_in_the_digest_is_absolute_to_the_site(smtp, kitchen, kettle):
    ada = away_member()
    make_reply(make_topic(author=ada, category=kitchen))
    give_points(ada, 10)
    run()
    [message] = smtp.messages
    html = message.get_body(("html",)).get_content()
    links = LINK.findall(html)
    assert links and all(link.startswith(SITE + "/") for link in links)
    text = message.get_body(("plain",)).get_content()
    assert all(url.startswith(SITE + "/") for url in re.findall(r"https?://\S+", text))


def test_no_digest_when_nothing_happened_points_alone_are_no_news(smtp):
    ada = away_member()
    give_points(ada, 50)
    totals = run()
    assert (totals["sent"], totals["nothing_new"]) == (0, 1)
    assert smtp.envelopes == []


def test_a_member_who_visited_within_their_period_gets_nothing(smtp, kitchen):
    from moderation.services import record_activity

    ada = away_member(username="ada")
    make_reply(make_topic(author=ada, category=kitchen))
    bea = consenting_member(username="bea")  # logged in two days ago
    away(bea, days=2)
    make_reply(make_topic(author=bea, category=kitchen))
    cat = away_member(username="cat")  # logged in long ago, but read the forum today
    record_activity(user=cat, kind="visit")
    make_reply(make_topic(author=cat, category=kitchen))

    totals = run()

    assert (totals["sent"], totals["visited"]) == (1, 2)
    assert [e.rcpt_tos[0] for e in smtp.envelopes] == [ada.email]


def test_the_frequency_is_respected(smtp, kitchen):
    daily = away_member(username="daily", digest_frequency="daily")
    away(daily, days=2)
    weekly = away_member(username="weekly")
    away(weekly, days=2)  # two days away is not a week
    monthly = away_member(username="monthly", digest_frequency="monthly")
    away(monthly, days=40)
    never = away_member(username="never", digest_frequency="never")
    for member in (daily, weekly, monthly, never):
        make_reply(make_topic(author=member, category=kitchen))

    run()

    assert sorted(e.rcpt_tos[0] for e in smtp.envelopes) == sorted([daily.email, monthly.email])
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert subjects == ["[Hearth] Your day on Hearth: 1 new reply",
                        "[Hearth] Your month on Hearth: 1 new reply"]
    # A day later the daily member gets the next day's digest; the others wait for their period.
    tomorrow = timezone.now() + datetime.timedelta(days=1, minutes=5)
    reply = make_reply(make_topic(author=daily, category=kitchen, title="Another question"))
    Post.objects.filter(pk=reply.pk).update(created_at=tomorrow - datetime.timedelta(hours=1))
    run(now=tomorrow)
    assert [e.rcpt_tos[0] for e in smtp.envelopes[2:]] == [daily.email]


def test_running_the_job_twice_sends_no_member_the_same_digest_twice(smtp, kitchen):
    for name in ("ada", "bea", "cat"):
        make_reply(make_topic(author=away_member(username=name), category=kitchen))
    assert run()["sent"] == 3
    second = run()
    assert (second["sent"], second["already_sent"]) == (0, 3)
    assert len(smtp.envelopes) == 3
    assert OutreachEmail.objects.count() == 3


def test_the_celery_job_sends_in_batches_through_the_outbox_and_twice_is_once(smtp, kitchen,
                                                                              django_capture_on_commit_callbacks):
    from community.models import OutboxTask
    from outreach import tasks

    for name in ("ada", "bea", "cat"):
        make_reply(make_topic(author=away_member(username=name), category=kitchen))
    candidates = len(services.digest_candidates())  # the members and those who replied
    with django_capture_on_commit_callbacks(execute=True):
        batches = services.plan_digest_batches(task=tasks.send_digest_batch, batch_size=2)
    assert batches == (candidates + 1) // 2 > 1
    assert OutboxTask.objects.filter(task_name="outreach.tasks.send_digest_batch").count() == batches
    assert len(smtp.envelopes) == 3
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_digests()
    assert len(smtp.envelopes) == 3


def test_a_member_without_marketing_consent_gets_no_digest(smtp, kitchen):
    ada = away(UserFactory(username="ada"))
    make_reply(make_topic(author=ada, category=kitchen))
    totals = run()
    assert (totals["sent"], totals["no_consent"]) == (0, 2)  # ada and the member who replied
    assert smtp.envelopes == []


def test_the_digest_counts_towards_the_cap_on_re_engagement_email(smtp, kitchen):
    ada = away_member()
    for days in range(5):
        OutreachEmail.objects.create(member=ada, kind=OutreachEmail.Kind.REVIEW_REQUEST,
                                     sent_at=timezone.now() - datetime.timedelta(days=days + 1))
    make_reply(make_topic(author=ada, category=kitchen))
    assert run()["cap"] == 1
    assert smtp.envelopes == []


def test_one_click_unsubscribe_sets_the_frequency_to_never(client, smtp, kitchen):
    ada = away_member()
    make_reply(make_topic(author=ada, category=kitchen))
    run()
    unsubscribe = smtp.messages[0]["List-Unsubscribe"].strip().strip("<>").removeprefix(SITE)
    response = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "frequency is now “Never”" in response.content.decode()
    ada.refresh_from_db()
    assert ada.digest_frequency == "never"
    assert ada.pk not in services.digest_candidates()


def test_the_frequency_is_chosen_on_the_notification_settings_page(client):
    ada = UserFactory()
    client.force_login(ada)
    page = client.get("/settings/notifications/").content.decode()
    assert "The activity digest: how often" in page
    assert re.search(r'<option value="weekly" selected>Weekly</option>', page)
    response = client.post("/settings/notifications/", {"digest_frequency": "monthly"})
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.digest_frequency == "monthly"
    response = client.post("/settings/notifications/", {"digest_frequency": "hourly"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    ada.refresh_from_db()
    assert ada.digest_frequency == "monthly"


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_one_digest(smtp, kitchen):
    make_reply(make_topic(author=away_member(), category=kitchen))
    smtp.envelopes.clear()  # the reply's notification email (committed here: a transactional test)
    now = timezone.now()
    outcomes = run_at_once(lambda _: services.run_digests(now=now), 2)
    assert errors_of(outcomes) == []
    assert len(smtp.envelopes) == 1
    assert OutreachEmail.objects.count() == 1


def _members_with_everything(count: int, kitchen, kettle) -> list:
    members = []
    idea = published_idea(title="A quieter whistle")
    ChallengeFactory(ends_at=timezone.now() + datetime.timedelta(days=2))
    hot = make_topic(category=kitchen, title="Best tea for mornings")
    make_reply(hot)
    review = write_review(product=kettle)
    reply_as_brand(staff=BrandStaffFactory(), review_id=review.pk, body="Thank you!", confirmed=True)
    for n in range(count):
        member = UserFactory()
        make_reply(make_topic(author=member, category=kitchen, title=f"Question {n}"))
        notify(recipient=member, kind="forum.mention", message="Mentioned", url=hot.get_absolute_url())
        cast_support(user=member, idea_id=idea.pk)
        bought(member, kettle, days_ago=30)
        give_points(member, 10 * (n + 1))
        members.append(member)
    return list(User.objects.filter(pk__in=[m.pk for m in members]))


# Per frequency in the batch: replies, mentions, categories posted in, their hot topics,
# supports, status changes, milestones, products owned, new reviews, brand replies, products,
# points, level basis, challenges, progress; once: levels, perks.
QUERIES_TO_BUILD_A_BATCH = 17


def test_building_digests_costs_the_same_queries_for_5_members_as_for_50(kitchen, kettle):
    members = _members_with_everything(50, kitchen, kettle)
    now = timezone.now()
    with CaptureQueriesContext(connection) as five:
        few = digest.build_digests(members[:5], now=now, base_url=SITE)
    with CaptureQueriesContext(connection) as fifty:
        many = digest.build_digests(members, now=now, base_url=SITE)
    assert len(five) == len(fifty) == QUERIES_TO_BUILD_A_BATCH
    assert all(len(built.sections) == 7 for built in few + many)


def test_an_idea_reaching_a_milestone_is_news_for_its_supporters(kitchen):
    from ideas.models import MilestoneReached
    from ideas.selectors import supported_ideas_news

    ada = UserFactory()
    idea = published_idea(title="A quieter whistle")
    cast_support(user=ada, idea_id=idea.pk)
    week_ago = timezone.now() - datetime.timedelta(days=7)
    MilestoneReached.objects.create(idea=idea, supporters=100,
                                    reached_at=timezone.now() + datetime.timedelta(seconds=1))
    [news] = supported_ideas_news(member_ids=[ada.pk], since=week_ago)[ada.pk]
    assert (news.title, news.what) == ("A quieter whistle", "reached 100 supporters")
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert supported_ideas_news(member_ids=[ada.pk], since=later) == {}


def test_the_send_digests_command_shows_progress_and_says_what_it_did(smtp, kitchen):
    from io import StringIO

    from django.core.management import call_command

    make_reply(make_topic(author=away_member(), category=kitchen))
    out = StringIO()
    call_command("send_digests", "--batch-size", "1", stdout=out)
    output = out.getvalue()
    assert "] 2/2 members" in output  # the member and the one who replied, a batch each
    assert "2 members considered: 1 digests sent" in output
    assert "1 without marketing consent" in output
    assert len(smtp.envelopes) == 1
    err = StringIO()
    call_command("send_digests", "--batch-size", "0", stdout=StringIO(), stderr=err)
    assert "--batch-size must be at least 1." in err.getvalue()


def test_the_digest_kind_goes_by_frequency_and_only_with_marketing_consent():
    from community.services.notifications import wants_email
    from outreach.apps import DIGEST_KIND

    ada, bea = consenting_member(), UserFactory(digest_frequency="daily")
    assert wants_email(user=ada, kind=DIGEST_KIND)
    assert not wants_email(user=bea, kind=DIGEST_KIND)  # no consent, whatever the frequency
    ada.digest_frequency = "never"
    assert not wants_email(user=ada, kind=DIGEST_KIND)
