"""The open-calls listing's text search: a search vector on each call, with a GIN index on PostgreSQL.

The vector and its index exist to serve PostgreSQL's full-text search; other databases (SQLite) search
the texts themselves, so the column stays empty there and has no index.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

SEARCH_INDEX = GinIndex(fields=["search_vector"], name="open_call_search_vector")
# As campaigns.models.CALL_SEARCHED_FIELDS was when this migration was made.
SEARCHED_FIELDS = (
    "title",
    "title_en",
    "summary_fa",
    "summary_en",
    "address_fa",
    "address_en",
    "service__short_name_fa",
    "service__short_name_en",
    "district__name_fa",
    "district__name_en",
)


def index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    OpenCallPage = apps.get_model("campaigns", "OpenCallPage")
    vector = (
        OpenCallPage.objects.filter(pk=models.OuterRef("pk"))
        .annotate(vector=SearchVector(*SEARCHED_FIELDS, config="simple"))
        .values("vector")
    )
    OpenCallPage.objects.using(schema_editor.connection.alias).update(
        search_vector=models.Subquery(vector[:1])
    )
    schema_editor.add_index(OpenCallPage, SEARCH_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("campaigns", "OpenCallPage"), SEARCH_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0009_call_schedule_waitlist_counter"),
    ]

    operations = [
        migrations.AddField(
            model_name="opencallpage",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, serialize=False
            ),
        ),
        migrations.RunPython(index_and_fill, drop_index),
    ]
