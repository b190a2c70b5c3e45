"""The subjects to start with: one for each service of the catalogue, and a few per deputy for what is not
a service (a street, a sign, how staff behaved, anything else); and the city's default answer targets."""

from django.db import migrations

DEPARTMENT_SUBJECTS = {
    "urban_services": [
        ("معابر و پیاده‌روها", "Streets and pavements"),
        ("برخورد کارکنان خدمات شهری", "Conduct of urban services staff"),
        ("سایر موارد خدمات شهری", "Other urban services matters"),
    ],
    "traffic": [
        ("علائم و چراغ‌های راهنمایی", "Traffic signs and lights"),
        ("برخورد کارکنان حمل‌ونقل و ترافیک", "Conduct of transport and traffic staff"),
        ("سایر موارد حمل‌ونقل و ترافیک", "Other transport and traffic matters"),
    ],
    "cultural": [
        ("فرهنگسراها و کتابخانه‌ها", "Cultural centres and libraries"),
        ("برخورد کارکنان فرهنگی", "Conduct of cultural staff"),
        ("سایر موارد فرهنگی", "Other cultural matters"),
    ],
}
# Working hours (a working day is 7 hours): problems and thanks two days, complaints three, the rest five.
TARGETS = {"problem": 14, "thanks": 14, "complaint": 21, "suggestion": 35, "idea": 35}


def subjects_add(apps, schema_editor):
    Department = apps.get_model("city", "Department")
    Service = apps.get_model("city", "Service")
    Category = apps.get_model("voice", "Category")
    AnswerTarget = apps.get_model("voice", "AnswerTarget")
    order = 0
    for service in Service.objects.order_by("department__sort_order", "study_number", "slug"):
        order += 1
        Category.objects.get_or_create(
            service=service,
            defaults={
                "department_id": service.department_id,
                "name_fa": service.short_name_fa,
                "name_en": service.short_name_en,
                "sort_order": order,
            },
        )
    for slug, subjects in DEPARTMENT_SUBJECTS.items():
        department = Department.objects.filter(slug=slug).first()
        if department is None:
            continue
        for name_fa, name_en in subjects:
            order += 1
            Category.objects.get_or_create(
                department=department,
                name_fa=name_fa,
                defaults={"name_en": name_en, "sort_order": order},
            )
    for kind, hours in TARGETS.items():
        AnswerTarget.objects.get_or_create(kind=kind, department=None, defaults={"working_hours": hours})


class Migration(migrations.Migration):
    dependencies = [("voice", "0001_initial"), ("city", "0004_holidays")]

    operations = [migrations.RunPython(subjects_add, migrations.RunPython.noop)]
