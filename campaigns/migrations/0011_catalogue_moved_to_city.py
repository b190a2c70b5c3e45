"""The catalogue's models now belong to `city` (city 0001): calls point there, and campaigns forgets them.

State only: no table, column or row changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('campaigns', '0010_call_search_vector'),
        ('city', '0001_initial'),
        ('volunteers', '0008_catalogue_moved_to_city'),
        ('rewards', '0004_catalogue_moved_to_city'),
        ('achievements', '0004_catalogue_moved_to_city'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='delphiround',
                    name='service',
                ),
                migrations.RemoveField(
                    model_name='department',
                    name='approvers_group',
                ),
                migrations.RemoveField(
                    model_name='department',
                    name='staff_group',
                ),
                migrations.AlterField(
                    model_name='departmentcallspage',
                    name='department',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='calls_page', to='city.department', verbose_name='department'),
                ),
                migrations.RemoveField(
                    model_name='service',
                    name='department',
                ),
                migrations.AlterField(
                    model_name='opencallpage',
                    name='district',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='calls', to='city.district', verbose_name='district'),
                ),
                migrations.AlterField(
                    model_name='opencallpage',
                    name='service',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='calls', to='city.service', verbose_name='service'),
                ),
                migrations.DeleteModel(
                    name='DelphiRound',
                ),
                migrations.DeleteModel(
                    name='Department',
                ),
                migrations.DeleteModel(
                    name='District',
                ),
                migrations.DeleteModel(
                    name='Service',
                ),

            ],
        ),
    ]
