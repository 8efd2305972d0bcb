from django.db import migrations

# LEGO Ideas' ladder: 100 supporters within 60 days of publication earns 365 more days to
# reach 1,000; then 5,000 and 10,000 each within a further 180 days.
DEFAULT_MILESTONES = [(100, 60), (1_000, 365), (5_000, 180), (10_000, 180)]
MANAGER_PERMISSIONS = ["add_milestone", "change_milestone", "delete_milestone", "view_milestone"]


def create_milestones(apps, schema_editor):
    Milestone = apps.get_model("ideas", "Milestone")
    for supporters, window_days in DEFAULT_MILESTONES:
        Milestone.objects.get_or_create(supporters=supporters, defaults={"window_days": window_days})


def grant_milestone_editing(apps, schema_editor):
    """Community managers edit the ladder in the Wagtail admin (Snippets > Milestones)."""
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    group = Group.objects.filter(name="Community managers").first()
    if group is None:
        return
    # Permissions are normally created after all migrations; create these now to grant them.
    content_type, _ = ContentType.objects.get_or_create(app_label="ideas", model="milestone")
    for codename in MANAGER_PERMISSIONS:
        action = codename.split("_", 1)[0]
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": f"Can {action} milestone"}
        )
        group.permissions.add(permission)


def noop(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0001_ideas_supports_milestones_history"),
        ("community", "0003_create_role_groups"),
    ]

    operations = [
        migrations.RunPython(create_milestones, noop),
        migrations.RunPython(grant_milestone_editing, noop),
    ]
