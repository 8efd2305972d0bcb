from django.db import migrations

RULES = [
    # key, label, points, counts toward the daily cap
    ("topic_created", "Started a topic", 5, True),
    ("reply_created", "Replied in a topic", 2, True),
    ("like_received", "A post of yours was liked", 1, True),
    ("answer_accepted", "Your answer was accepted", 15, False),
    ("idea_submitted", "Submitted an idea", 5, True),
    ("idea_support_received", "Your idea got a supporter", 1, True),
    ("idea_supported", "Supported an idea", 0, True),
    ("idea_milestone", "Your idea reached a milestone", 25, False),
    ("review_written", "Wrote a review", 10, True),
    ("review_verified_owner", "Review as a verified owner", 5, True),
    ("review_helpful", "Your review was voted helpful", 2, True),
    ("flag_upheld", "A flag of yours was upheld", 5, True),
]

LEVELS = [("Bronze", 0), ("Silver", 250), ("Gold", 1000), ("Platinum", 5000)]

BADGES = [
    # slug, name, description, icon, tier, criteria, params, multiple, auto_revoke
    ("first-post", "First Post", "Start a topic or reply for the first time.", "chat", "bronze",
     "event_count", {"kinds": ["topic_created", "reply_created"], "threshold": 1}, False, False),
    ("conversation-starter", "Conversation Starter", "Start 10 topics.", "chat", "silver",
     "event_count", {"kind": "topic_created", "threshold": 10}, False, True),
    ("nice-post", "Nice Post", "Get 10 likes on one post.", "heart", "bronze",
     "source_tally", {"kind": "like_received", "threshold": 10}, True, True),
    ("good-post", "Good Post", "Get 25 likes on one post.", "heart", "silver",
     "source_tally", {"kind": "like_received", "threshold": 25}, True, True),
    ("great-post", "Great Post", "Get 50 likes on one post.", "heart", "gold",
     "source_tally", {"kind": "like_received", "threshold": 50}, True, True),
    ("solver", "Solver", "Have an answer accepted on someone else's topic.", "check", "bronze",
     "event_count", {"kind": "answer_accepted", "threshold": 1}, False, False),
    ("problem-solver", "Problem Solver", "Have 10 answers accepted on others' topics.", "check",
     "silver", "event_count", {"kind": "answer_accepted", "threshold": 10}, False, False),
    ("master-solver", "Master Solver", "Have 50 answers accepted on others' topics.", "check",
     "gold", "event_count", {"kind": "answer_accepted", "threshold": 50}, False, False),
    ("visionary", "Visionary", "Have an idea reach 100 supporters.", "bulb", "silver",
     "source_tally", {"kind": "idea_support_received", "threshold": 100}, True, False),
    ("great-visionary", "Great Visionary", "Have an idea reach 1,000 supporters.", "bulb", "gold",
     "source_tally", {"kind": "idea_support_received", "threshold": 1000}, True, False),
    ("critic", "Critic", "Write your first product review.", "pen", "bronze",
     "event_count", {"kind": "review_written", "threshold": 1}, False, False),
    ("seasoned-critic", "Seasoned Critic", "Write 10 product reviews.", "pen", "silver",
     "event_count", {"kind": "review_written", "threshold": 10}, False, True),
    ("verified-owner", "Verified Owner", "Review a product you bought from the brand.", "shield",
     "bronze", "event_count", {"kind": "review_verified_owner", "threshold": 1}, False, False),
    ("welcome", "Welcome", "Complete your profile: display name, bio and photo.", "hand",
     "bronze", "profile_complete", {"avatar": True}, False, False),
    ("anniversary", "Anniversary", "Be a member for a year.", "cake", "silver",
     "member_days", {"days": 365}, False, False),
    ("community-guardian", "Community Guardian", "Have 10 of your flags upheld by moderators.",
     "flag", "gold", "event_count", {"kind": "flag_upheld", "threshold": 10}, False, False),
]

SOURCE_LABELS = ["forum.topic", "forum.post", "ideas.idea", "reviews.review", "moderation.flag",
                 "badges.challenge"]

MANAGED = ["pointrule", "level", "badge", "challenge", "suspectedring"]


def create_defaults(apps, schema_editor):
    PointRule = apps.get_model("badges", "PointRule")
    Level = apps.get_model("badges", "Level")
    Badge = apps.get_model("badges", "Badge")
    for key, label, points, cap in RULES:
        PointRule.objects.get_or_create(
            key=key, defaults={"label": label, "points": points, "counts_toward_cap": cap})
    for name, min_points in LEVELS:
        Level.objects.get_or_create(name=name, defaults={"min_points": min_points})
    for slug, name, description, icon, tier, criteria, params, multiple, revoke in BADGES:
        Badge.objects.get_or_create(slug=slug, defaults={
            "name": name, "description": description, "icon": icon, "tier": tier,
            "criteria": criteria, "params": params, "multiple": multiple, "auto_revoke": revoke})
    _grant_managers(apps)
    # The content the ledger points at, so its content types exist before those apps do.
    ContentType = apps.get_model("contenttypes.ContentType")
    for label in SOURCE_LABELS:
        app_label, model = label.split(".")
        ContentType.objects.get_or_create(app_label=app_label, model=model)


def _grant_managers(apps):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    group, _ = Group.objects.get_or_create(name="Community managers")
    for model in MANAGED:
        content_type, _ = ContentType.objects.get_or_create(app_label="badges", model=model)
        for action in ("add", "change", "delete", "view"):
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"})
            group.permissions.add(permission)


def remove_defaults(apps, schema_editor):
    apps.get_model("badges", "Badge").objects.filter(slug__in=[b[0] for b in BADGES]).delete()
    apps.get_model("badges", "Level").objects.filter(name__in=[lv[0] for lv in LEVELS]).delete()
    apps.get_model("badges", "PointRule").objects.filter(key__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0001_points_ledger_badges_levels_challenges"),
        ("community", "0003_create_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
