"""Points badges at `city` now that the catalogue lives there; the database already does (same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('city', '0001_initial'),
        ('achievements', '0003_leaderboard_buckets'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='badge',
                    name='department',
                    field=models.ForeignKey(blank=True, help_text='For “verified shifts in a department” and “first verified shift in a department”.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='city.department', verbose_name='department'),
                ),
                migrations.AlterField(
                    model_name='badge',
                    name='service',
                    field=models.ForeignKey(blank=True, help_text='For “verified shifts in a service”.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='city.service', verbose_name='service'),
                ),
    
            ],
        ),
    ]
