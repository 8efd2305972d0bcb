from django.db import migrations

CODENAMES = ["add_category", "change_category", "delete_category", "view_category"]


def grant_category_permissions(apps, schema_editor):
    # Model permissions are normally created after all migrations run; create them now so the
    # group can be given them in this migration.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("forum")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group, _ = Group.objects.get_or_create(name="Community managers")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="forum", codename__in=CODENAMES)
    )


def revoke_category_permissions(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group = Group.objects.filter(name="Community managers").first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="forum", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_forum_categories_topics_posts"),
        ("community", "0003_create_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(grant_category_permissions, revoke_category_permissions),
    ]
