"""Points a person's district at `city` now that the catalogue lives there; the database already does (same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('city', '0001_initial'),
        ('volunteers', '0007_organisation_rejection'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='user',
                    name='district',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='residents', to='city.district', verbose_name='district'),
                ),
    
            ],
        ),
    ]
