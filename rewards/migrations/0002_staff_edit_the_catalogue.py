from django.db import migrations

MODELS = ["reward", "cause", "codepool", "levelperk"]
CODENAMES = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")]
GROUPS = ["Brand staff", "Community managers"]


def grant_catalogue_permissions(apps, schema_editor):
    # Model permissions are normally created after all migrations run; create them now so the
    # groups can be given them in this migration.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("rewards")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permissions = Permission.objects.filter(content_type__app_label="rewards", codename__in=CODENAMES)
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke_catalogue_permissions(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permissions = Permission.objects.filter(content_type__app_label="rewards", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("rewards", "0001_catalogue_codes_redemptions"),
        ("community", "0003_create_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(grant_catalogue_permissions, revoke_catalogue_permissions),
    ]
