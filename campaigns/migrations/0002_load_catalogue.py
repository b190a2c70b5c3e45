from django.db import migrations

from city.catalogue import catalogue_load


def load_catalogue(apps, schema_editor):
    catalogue_load(
        department_model=apps.get_model("campaigns", "Department"),
        service_model=apps.get_model("campaigns", "Service"),
        delphi_round_model=apps.get_model("campaigns", "DelphiRound"),
    )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    # Going back leaves the rows: staff may have linked calls to them since.
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
