from django.db import migrations

DISTRICT_COUNT = 15  # Isfahan Municipality's districts (مناطق پانزده‌گانه)
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def create_districts(apps, schema_editor):
    District = apps.get_model("campaigns", "District")
    for number in range(1, DISTRICT_COUNT + 1):
        District.objects.get_or_create(
            number=number,
            defaults={"name_fa": f"منطقهٔ {str(number).translate(PERSIAN_DIGITS)}", "name_en": f"District {number}"},
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0004_open_calls")]

    operations = [migrations.RunPython(create_districts, migrations.RunPython.noop)]
