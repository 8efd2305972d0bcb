# Levels may come from spend in the last 12 months (LevelSettings.basis, lifetime points by
# default): each level gets a spend threshold, first set to its points at one point per unit
# of currency (the default earning rate), so the ladder keeps its order.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


def spend_thresholds_from_points(apps, schema_editor):
    Level = apps.get_model("badges", "Level")
    for level in Level.objects.all():
        Level.objects.filter(pk=level.pk).update(min_spend=Decimal(level.min_points))


def managers_choose_the_basis(apps, schema_editor):
    # Community managers edit levels (0002); they choose what levels come from too.
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    group, _ = Group.objects.get_or_create(name="Community managers")
    content_type, _ = ContentType.objects.get_or_create(app_label="badges", model="levelsettings")
    for action in ("change", "view"):
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=f"{action}_levelsettings",
            defaults={"name": f"Can {action} levels"})
        group.permissions.add(permission)


class Migration(migrations.Migration):

    dependencies = [
        ('badges', '0008_two_balances_and_staff_adjustments'),
        ('community', '0008_outbox_rows_marked_dead'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='LevelSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('basis', models.CharField(choices=[('points', 'Lifetime points'), ('spend', 'Spend in the last 12 months')], default='points', help_text="Lifetime points never go down; spend in the last 12 months does as orders age out of the window or are refunded, and a member's level follows it down (without taking back rewards or points).", max_length=10)),
            ],
            options={
                'verbose_name': 'levels',
            },
        ),
        migrations.CreateModel(
            name='MemberLevel',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='spend_level', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('spend', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.AddField(
            model_name='level',
            name='min_spend',
            field=models.DecimalField(decimal_places=2, help_text="Spend in the last 12 months (in the shop's currency) that reaches this level when levels come from spend.", max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))]),
        ),
        migrations.RunPython(spend_thresholds_from_points, migrations.RunPython.noop),
        migrations.RunPython(managers_choose_the_basis, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='level',
            name='min_spend',
            field=models.DecimalField(decimal_places=2, help_text="Spend in the last 12 months (in the shop's currency) that reaches this level when levels come from spend.", max_digits=12, unique=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))]),
        ),
        migrations.AddConstraint(
            model_name='level',
            constraint=models.CheckConstraint(condition=models.Q(('min_spend__gte', 0)), name='badges_level_min_spend_not_negative'),
        ),
        migrations.AddField(
            model_name='memberlevel',
            name='level',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='badges.level'),
        ),
        migrations.AddIndex(
            model_name='memberlevel',
            index=models.Index(condition=models.Q(('spend__gt', 0)), fields=['spend'], name='badges_memberlevel_spend'),
        ),
    ]
