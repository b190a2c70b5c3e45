"""The catalogue's models move from `campaigns` to `city` without touching a row.

The tables stay where they are (0002 renames them); only Django's picture of which app owns them changes,
and the content types follow, so permissions, admin history and Wagtail's references keep pointing at
the same rows. A database made before the move upgrades with `migrate` alone.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

MOVED_MODELS = ("department", "service", "delphiround", "district")


def content_types_to_city(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="campaigns", model__in=MOVED_MODELS).update(app_label="city")


def content_types_to_campaigns(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="city", model__in=MOVED_MODELS).update(app_label="campaigns")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("campaigns", "0010_call_search_vector"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='District',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(unique=True, verbose_name='number')),
                        ('name_fa', models.CharField(max_length=100, verbose_name='name (Persian)')),
                        ('name_en', models.CharField(blank=True, max_length=100, verbose_name='name (English)')),
                    ],
                    options={
                        'db_table': 'campaigns_district',
                        'verbose_name': 'district',
                        'verbose_name_plural': 'districts',
                        'ordering': ['number'],
                    },
                ),
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=64, unique=True, verbose_name='slug')),
                        ('name_fa', models.CharField(max_length=200, verbose_name='name (Persian)')),
                        ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                        ('panel_size', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Delphi panel size')),
                        ('kendall_w_round_2', models.DecimalField(blank=True, decimal_places=3, max_digits=4, null=True, verbose_name="Kendall's W, round 2")),
                        ('kendall_w_round_3', models.DecimalField(blank=True, decimal_places=3, max_digits=4, null=True, verbose_name="Kendall's W, round 3")),
                        ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('approvers_group', models.OneToOneField(blank=True, help_text="Members of this group approve and publish the department's calls.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='approving_department', to='auth.group', verbose_name='approvers group')),
                        ('staff_group', models.OneToOneField(blank=True, help_text="Members of this group are the department's staff: they publish its calls and verify its work.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='department', to='auth.group', verbose_name='staff group')),
                    ],
                    options={
                        'db_table': 'campaigns_department',
                        'verbose_name': 'department',
                        'verbose_name_plural': 'departments',
                        'ordering': ['sort_order', 'slug'],
                    },
                ),
                migrations.CreateModel(
                    name='Service',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='slug')),
                        ('study_number', models.PositiveSmallIntegerField(blank=True, help_text='Empty for services added after the study.', null=True, unique=True, verbose_name='number in the Delphi study')),
                        ('name_fa', models.CharField(max_length=300, verbose_name='full name (Persian)')),
                        ('name_en', models.CharField(blank=True, max_length=300, verbose_name='full name (English)')),
                        ('short_name_fa', models.CharField(max_length=80, verbose_name='short name (Persian)')),
                        ('short_name_en', models.CharField(blank=True, max_length=80, verbose_name='short name (English)')),
                        ('description_fa', models.TextField(blank=True, verbose_name='description (Persian)')),
                        ('description_en', models.TextField(blank=True, verbose_name='description (English)')),
                        ('is_active', models.BooleanField(default=True, help_text='Inactive services take no new open calls.', verbose_name='active')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='services', to='city.department', verbose_name='department')),
                    ],
                    options={
                        'db_table': 'campaigns_service',
                        'verbose_name': 'service',
                        'verbose_name_plural': 'services',
                        'ordering': ['department__sort_order', 'study_number', 'slug'],
                    },
                ),
                migrations.CreateModel(
                    name='DelphiRound',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('round_number', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(3)], verbose_name='round')),
                        ('mean', models.DecimalField(decimal_places=2, max_digits=3, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='mean')),
                        ('standard_deviation', models.DecimalField(decimal_places=2, max_digits=3, verbose_name='standard deviation')),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='delphi_rounds', to='city.service')),
                    ],
                    options={
                        'db_table': 'campaigns_delphiround',
                        'verbose_name': 'Delphi round',
                        'verbose_name_plural': 'Delphi rounds',
                        'ordering': ['service', 'round_number'],
                        'constraints': [models.UniqueConstraint(fields=('service', 'round_number'), name='delphi_round_once_per_service'), models.CheckConstraint(condition=models.Q(('mean__gte', 1), ('mean__lte', 5)), name='delphi_mean_on_likert_scale')],
                    },
                ),
    
            ],
        ),
        migrations.RunPython(content_types_to_city, content_types_to_campaigns),
    ]
