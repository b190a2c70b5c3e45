"""Points earning rules and rewards at `city` now that the catalogue lives there; the database already does (same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('city', '0001_initial'),
        ('rewards', '0003_voucher_terms_in_both_languages'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='earningrule',
                    name='department',
                    field=models.ForeignKey(blank=True, help_text='Empty: every department (administrators only).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='earning_rules', to='city.department', verbose_name='department'),
                ),
                migrations.AlterField(
                    model_name='earningrule',
                    name='districts',
                    field=models.ManyToManyField(blank=True, help_text='For a district bonus: work in these districts earns it.', related_name='+', to='city.district', verbose_name='under-served districts'),
                ),
                migrations.AlterField(
                    model_name='earningrule',
                    name='service',
                    field=models.ForeignKey(blank=True, help_text='Empty: every service of the department.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='earning_rules', to='city.service', verbose_name='service'),
                ),
                migrations.AlterField(
                    model_name='reward',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rewards', to='city.department', verbose_name='issuing department'),
                ),
    
            ],
        ),
    ]
