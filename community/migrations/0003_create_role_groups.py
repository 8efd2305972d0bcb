from django.db import migrations

ROLE_PERMISSIONS = {
    "Community managers": [("community", "user", "moderate_community")],
    "Brand staff": [("community", "user", "reply_as_brand")],
}
PERMISSION_NAMES = {
    "moderate_community": "Can moderate the community",
    "reply_as_brand": "Can reply to reviews and follow up as brand staff",
}


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group_name, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(access_admin)
        for app_label, model, codename in permissions:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": PERMISSION_NAMES[codename]},
            )
            group.permissions.add(permission)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_product_catalogue_pages"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
