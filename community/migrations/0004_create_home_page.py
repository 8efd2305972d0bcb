import uuid

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("community.HomePage")

    # Replace the placeholder page wagtailcore's own migration creates.
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=page_type, depth=2).delete()
    Site.objects.all().delete()

    home_type, _ = ContentType.objects.get_or_create(app_label="community", model="homepage")
    home = HomePage.objects.create(
        title="Welcome to Hearth",
        draft_title="Welcome to Hearth",
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=Locale.objects.order_by("pk").first(),
        translation_key=uuid.uuid4(),
        live=True,
        intro="<p>Ask questions, share ideas for new products and review what you own.</p>",
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Hearth"
    )


def remove_home_page(apps, schema_editor):
    apps.get_model("community.HomePage").objects.filter(depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_create_role_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
