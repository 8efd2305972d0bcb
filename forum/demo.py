"""Demo forum: categories (one restricted to the team, one members-only: the Insiders
lounge, opened by the demo early-access reward's group), ~40 topics with replies, likes,
accepted answers, one pinned and one locked topic. Written through the services, so every
counter is right; then dated back over the past weeks so the forum looks lived in.
Running it again adds nothing."""

from __future__ import annotations

import random
from datetime import timedelta
from functools import partial

from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from community.models import Notification
from community.services.notifications import recompute_unread_counts, set_email_preferences
from forum import services
from forum.models import Category, Post, Topic
from moderation.models import MemberTrust
from moderation.services import flag_content

CATEGORIES = [
    # name, slug, description, restricted
    ("Announcements", "announcements", "News from the team: releases, events, changes to the site.", True),
    ("Getting started", "getting-started", "New here? Introduce yourself and ask anything.", False),
    ("Kitchen", "kitchen", "Kettles, grinders, pour-over: brewing questions and tips.", False),
    ("Outdoor", "outdoor", "Flasks, lanterns and stoves on the trail.", False),
    ("Audio", "audio", "Speakers and earbuds: pairing, sound, battery.", False),
]

# The group the rewards demo's early-access reward puts members into (``rewards.demo``): the
# forum finds it by name, as it never imports rewards.
EARLY_ACCESS_GROUP = "Early access"
LOUNGE = ("Insiders lounge", "insiders-lounge",
          "Members with early access talk about products before launch, with the team.")
LOUNGE_TOPICS = [
    ("sam", "Trail Stove 2: first look for insiders",
     "The second Trail Stove is a month from launch and you are the first to see it: lighter, "
     "a wider burner and a simmer ring. Ask us anything."),
    ("maya", "What should we test next?",
     "Insiders get prototypes before anyone else. Which product should we send out next?"),
]

TOPICS = [
    # category, author, title, body
    ("announcements", "sam", "Welcome to the Hearth community",
     "This is the place to ask questions, share tips and tell us what to build next.\n\n"
     "- Read the [community guidelines](/guidelines/)\n- Mark the reply that solved your problem\n"
     "- Watch topics to hear about new replies"),
    ("announcements", "sam", "Firmware 2.4 for the Hearth Speaker is out",
     "Update from the app: **better bass at low volume**, faster pairing and a fix for the "
     "standby click. Tell us how it sounds!"),
    ("announcements", "maya", "Community call next Thursday",
     "We'll demo the new grinder burrs and answer questions live. Post yours here in advance."),
    ("getting-started", "erin", "Hi from Dublin!", "Just got my first Ember Kettle. Hello everyone 👋"),
    ("getting-started", "dan", "How do I link my products to my profile?",
     "I registered my lantern but it doesn't show anywhere. Is that a thing?"),
    ("getting-started", "carol", "Where do I send warranty claims?",
     "My flask lid cracked after three months. Do I post here or contact support?"),
    ("getting-started", "bob", "Best first purchase for a coffee beginner?",
     "Kettle or grinder first? Budget for one of them this month."),
    ("getting-started", "alice", "Tips for writing a useful review",
     "A few things I try to include: what I use it for, how long I've had it, one thing I'd change."),
    ("kitchen", "alice", "Ember Grinder: which setting for V60?",
     "I'm on setting 18 and the drawdown takes 4 minutes. Too fine?"),
    ("kitchen", "bob", "Kettle display shows E3",
     "The display flashes **E3** when I lift the kettle off the base. Anyone seen this?"),
    ("kitchen", "carol", "Descaling the Ember Kettle",
     "How often do you descale, and with what? Vinegar smell lingers for days."),
    ("kitchen", "dan", "Pour-over set: paper or metal filter?",
     "The set came with paper filters. Is the metal one worth it?"),
    ("kitchen", "erin", "Grinder retention: how much stays inside?",
     "I weigh 18 g in and get 17.4 g out. Normal?"),
    ("kitchen", "alice", "Hold temperature drifts by 3 degrees",
     "Set to 93 °C, after 20 minutes it reads 90. Calibration issue?"),
    ("kitchen", "bob", "Cold brew with the pour-over server?",
     "Can the glass server go in the fridge overnight, or will it crack?"),
    ("kitchen", "carol", "Burr replacement interval",
     "How many kilos before the burrs need replacing?"),
    ("kitchen", "dan", "Kettle lid squeaks",
     "Small thing, but the lid hinge squeaks. Safe to use food-grade silicone grease?"),
    ("kitchen", "erin", "Recipe thread: your daily brew",
     "Share your recipe: dose, grind setting, water, time.\n\n```\n15 g / 250 g / setting 20 / 3:00\n```"),
    ("kitchen", "alice", "Grinder static in winter",
     "Grounds fly everywhere when the air is dry. The water-drop trick works; anything else?"),
    ("kitchen", "bob", "Using the kettle for tea at 80 °C",
     "Green tea folks: do you use the preset or a custom temperature?"),
    ("outdoor", "dan", "Trail Flask keeps coffee hot for how long really?",
     "Box says 12 hours. I measured 71 °C after 10 hours at 5 °C outside."),
    ("outdoor", "carol", "Lantern won't charge from a power bank",
     "Charges fine from the wall, but not from my 10,000 mAh bank."),
    ("outdoor", "erin", "Stove in strong wind",
     "The flame goes out above ~30 km/h. Windscreen recommendations?"),
    ("outdoor", "alice", "Lantern brightness modes explained",
     "There are four modes but the manual only lists three. What's the fourth?"),
    ("outdoor", "bob", "Flask lid gasket replacement",
     "The gasket is getting loose. Are spare gaskets sold anywhere?"),
    ("outdoor", "dan", "Winter camping with the stove",
     "Canister pressure drops at -10 °C. Tricks to keep it going?"),
    ("outdoor", "carol", "Packing list for a two-night hike",
     "What gear from the range do you take? Mine: flask, stove, lantern."),
    ("outdoor", "erin", "Lantern as a tent light: too bright?",
     "Even the lowest mode is harsh inside the tent. Diffuser ideas?"),
    ("audio", "bob", "Buds disconnect when phone is in my back pocket",
     "Left bud cuts out when my phone is in my back pocket. Normal range issue?"),
    ("audio", "alice", "Pairing two Hearth Speakers in stereo",
     "Is there a way to pair two speakers as left/right?"),
    ("audio", "carol", "Buds battery life after a year",
     "Mine went from 30 h to about 22 h. Is that expected?"),
    ("audio", "dan", "Speaker EQ settings you like",
     "I'm at bass +2, treble -1. What do you use?"),
    ("audio", "erin", "Microphone quality on calls",
     "People say I sound far away on calls with the Buds. Any setting for this?"),
    ("audio", "bob", "Speaker standby click",
     "There's a faint click when the speaker goes to standby. Is this the one fixed in 2.4?"),
    ("audio", "alice", "Ear tip sizes",
     "The medium tips fall out on runs. Does anyone use the large ones?"),
    ("audio", "carol", "Speaker outdoors in light rain",
     "It says splash resistant. Has anyone left it out in drizzle?"),
    ("audio", "dan", "Buds case hinge feels loose",
     "The case hinge wobbles a bit after six months. Warranty thing?"),
    ("kitchen", "erin", "Kettle vs stovetop: worth it?",
     "Convince me the temperature control makes a difference for pour-over."),
    ("outdoor", "alice", "Flask for soup?", "Is the Trail Flask fine for soup, or just drinks?"),
    ("getting-started", "dan", "What do the badges mean?",
     "I see people with labels next to their names. How do you earn those?"),
]

REPLIES = [
    "Same here, following this one.",
    "I had exactly this. Resetting it (hold the button for 10 seconds) fixed it for me.",
    "Good question! @maya might know.",
    "Thanks, that worked.",
    "Try one step coarser and see if the drawdown gets under 3:30.",
    "Support replaced mine within a week, just post your order number in a private message.",
    "I use citric acid instead of vinegar: no smell at all.",
    "Metal filter gives more body, paper gives a cleaner cup. I switch depending on the beans.",
    "Mine does that too, it's within spec according to the manual.",
    "A windscreen from any outdoor shop works, just keep it 2 cm from the canister.",
    "Update: it's been fine for a week now.",
    "+1, would love an official answer on this.",
    "I tape a bit of baking paper over it as a diffuser. Works great.",
    "Had the same, the large tips solved it.",
]

ANSWERS = [
    "This is a known issue fixed in the latest firmware: update from the app and it goes away.",
    "Sam from the brand here: that's expected behaviour. The manual (page 12) explains why.",
    "You need a power bank that supports USB-C PD; older banks switch off at low current.",
    "Yes, spare parts are in the shop under Accessories. Takes about a week to arrive.",
    "Setting 20-22 is the sweet spot for V60 with 15 g. Finer than that chokes the filter.",
]


def seed(log, context) -> dict:
    members = context["members"]
    result = _seed_history(log, members)
    _insiders_lounge(log, members)
    return result


def _insiders_lounge(log, members) -> None:
    """The members-only category and its topics, once (found by slug; topics only while it
    has none)."""
    name, slug, description = LOUNGE
    group, _ = Group.objects.get_or_create(name=EARLY_ACCESS_GROUP)
    lounge, _ = Category.objects.get_or_create(slug=slug, defaults={
        "name": name, "description": description, "members_group": group,
        "sort_order": len(CATEGORIES)})
    if lounge.topics.exists() or not all(author in members for author, _, _ in LOUNGE_TOPICS):
        return
    for author, title, body in LOUNGE_TOPICS:
        services.start_topic(author=members[author], category=lounge, title=title, body=body)
    log(f"forum: {lounge.name} (members only, opened by the group “{group.name}”), "
        f"{len(LOUNGE_TOPICS)} topics")


def _seed_history(log, members) -> dict:
    if Topic.objects.exclude(category__slug=LOUNGE[1]).exists():
        log(f"forum: {Topic.objects.count()} topics already there")
        return {}
    # The forum below is weeks of history by members who have taken part for a while: they
    # write as trust level 2 members (no approval wait, no newcomer limits). The moderation
    # demo then sets the levels its own story needs.
    for member in members.values():
        MemberTrust.objects.get_or_create(user=member, defaults={"level": 2, "earned_level": 2})
    # Demo members get their forum notifications on the site only, not by email.
    for member in members.values():
        set_email_preferences(user=member, email_kinds={"forum.reply": False, "forum.mention": False})
    categories = {}
    for order, (name, slug, description, restricted) in enumerate(CATEGORIES):
        categories[slug], _ = Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "is_restricted": restricted,
                      "sort_order": order},
        )
    # Weeks of history written in a second would look to the spam scanner like one member
    # typing impossibly fast and repeating themselves: its timing signals are for live posts.
    with override_settings(HEARTH_SPAM_REPEAT_COUNT=10**6, HEARTH_SPAM_MAX_CHARS_PER_SECOND=10**9):
        topics = _write_history(members, categories)
        _flag_a_few_posts(members, topics)
    # Runs after the notification tasks the writes above enqueued for after commit.
    transaction.on_commit(partial(_leave_a_few_unread, list(members.values())))
    services.pin_topic(actor=members["maya"], topic=topics[0], pinned=True)
    services.lock_topic(actor=members["maya"], topic=topics[2], locked=True)
    log(f"forum: {len(categories)} categories, {len(topics)} topics, "
        f"{Post.objects.count()} posts")
    return {"forum_topics": topics}


def _flag_a_few_posts(members, topics: list[Topic]) -> None:
    """A community manager's day in the queue: a rude reply two members flagged (hidden
    pending review) and an off-topic one flagged once (still visible)."""
    rude = services.post_reply(author=members["bob"], topic=topics[5],
                               body="Did you even read the manual? This gets asked every single week.")
    for flagger in ("alice", "erin"):
        flag_content(flagger=members[flagger], obj=rude, reason="abusive", note="Talks down to the asker")
    off_topic = services.post_reply(author=members["erin"], topic=topics[6],
                                    body="Anyone selling a second-hand camping stove? Message me.")
    flag_content(flagger=members["carol"], obj=off_topic, reason="off_topic")


def _write_history(members, categories) -> list[Topic]:
    rng = random.Random(7)  # the same forum every time
    everyone = ["maya", "sam", "alice", "bob", "carol", "dan", "erin"]
    now = timezone.now()
    topics = []
    for index, (category, author, title, body) in enumerate(TOPICS):
        topic = services.start_topic(author=members[author], category=categories[category],
                                     title=title, body=body)
        started = now - timedelta(days=45 - index, hours=rng.randint(0, 20))
        posts = [topic.posts.get(post_number=1)]
        reply_count = rng.choice([0, 1, 2, 3, 4, 5, 7]) if index != 17 else 24
        for n in range(reply_count):
            replier = rng.choice([m for m in everyone if m != author] if n == 0 else everyone)
            text = rng.choice(ANSWERS if n == 0 and rng.random() < 0.5 else REPLIES)
            reply_to = posts[-1] if rng.random() < 0.2 and len(posts) > 1 else None
            posts.append(services.post_reply(author=members[replier], topic=topic, body=text,
                                             reply_to=reply_to))
        for post in posts:
            for liker in rng.sample(everyone, rng.randint(0, 4)):
                if members[liker].pk != post.author_id:
                    services.like_post(user=members[liker], post=post)
        if len(posts) > 2 and category != "announcements" and rng.random() < 0.45:
            services.accept_answer(actor=members[author], post=posts[1])
        _date_back(topic, posts, started, rng)
        topics.append(topic)
    return topics


def _date_back(topic: Topic, posts: list[Post], started, rng) -> None:
    moment = started
    for post in posts:
        Post.objects.filter(pk=post.pk).update(created_at=moment)
        moment += timedelta(hours=rng.randint(1, 30), minutes=rng.randint(0, 59))
    last = posts[-1]
    last_at = moment - timedelta(hours=1) if len(posts) > 1 else started
    Post.objects.filter(pk=last.pk).update(created_at=last_at)
    Topic.objects.filter(pk=topic.pk).update(created_at=started, last_post_at=last_at)


def _leave_a_few_unread(members) -> None:
    """A demo inbox with a hundred unread forum notifications looks broken: keep the latest
    three of each member unread and mark the rest read."""
    now = timezone.now()
    for member in members:
        unread = Notification.objects.filter(recipient=member, kind__startswith="forum.",
                                             read_at__isnull=True)
        keep = list(unread.order_by("-created_at", "-id").values_list("pk", flat=True)[:3])
        unread.exclude(pk__in=keep).update(read_at=now)
    recompute_unread_counts()
