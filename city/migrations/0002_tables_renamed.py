"""The catalogue's tables take their app's name (campaigns_department → city_department, …).

A rename: rows, keys and the foreign keys that point at them stay as they are.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("city", "0001_initial"),
        ("campaigns", "0011_catalogue_moved_to_city"),
    ]

    operations = [
        migrations.AlterModelTable(name=name, table=None)
        for name in ("district", "department", "service", "delphiround")
    ]
