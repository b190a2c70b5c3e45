from django.db import migrations

# Points come at 10 per verified hour by default: a first three-hour shift makes a Sprout, a season of
# weekly shifts a Tree, years of them a Forest.
LEVELS = [
    (0, "بذر", "Seed", "leaf"),
    (50, "جوانه", "Sprout", "sprout"),
    (200, "نهال", "Sapling", "sprout"),
    (500, "درخت", "Tree", "tree"),
    (1500, "بیشه", "Grove", "forest"),
    (5000, "جنگل", "Forest", "forest"),
]

BADGES = [
    {
        "slug": "green-space-10",
        "name_fa": "دوستدار فضای سبز",
        "name_en": "Friend of green spaces",
        "description_fa": "ده نوبت تأییدشده در نگهداری فضای سبز",
        "description_en": "Ten verified shifts looking after green spaces",
        "icon": "leaf",
        "rule": "service_shifts",
        "service_slug": "green-space-maintenance",
        "threshold": 10,
    },
    {
        "slug": "hours-50",
        "name_fa": "پنجاه ساعت همیاری",
        "name_en": "Fifty hours of help",
        "description_fa": "پنجاه ساعت کار داوطلبانهٔ تأییدشده",
        "description_en": "Fifty verified hours of volunteering",
        "icon": "clock",
        "rule": "verified_hours",
        "threshold": 50,
    },
    {
        "slug": "first-cultural",
        "name_fa": "نخستین برنامهٔ فرهنگی",
        "name_en": "First cultural event",
        "description_fa": "نخستین نوبت تأییدشده در معاونت فرهنگی",
        "description_en": "A first verified shift for the Cultural Deputy",
        "icon": "palette",
        "rule": "first_in_department",
        "department_slug": "cultural",
        "threshold": 1,
    },
    {
        "slug": "every-department",
        "name_fa": "همیار همه‌جانبه",
        "name_en": "All-round helper",
        "description_fa": "دست‌کم یک نوبت تأییدشده در هر معاونت",
        "description_en": "At least one verified shift in every department",
        "icon": "compass",
        "rule": "every_department",
        "threshold": 1,
    },
    {
        "slug": "points-1000",
        "name_fa": "هزار امتیاز",
        "name_en": "A thousand points",
        "description_fa": "هزار امتیاز در همهٔ دوران",
        "description_en": "A thousand lifetime points",
        "icon": "trophy",
        "rule": "lifetime_points",
        "threshold": 1000,
    },
]


def seed(apps, schema_editor):
    Level = apps.get_model("achievements", "Level")
    Badge = apps.get_model("achievements", "Badge")
    Service = apps.get_model("campaigns", "Service")
    Department = apps.get_model("campaigns", "Department")
    for min_points, name_fa, name_en, icon in LEVELS:
        Level.objects.get_or_create(
            min_points=min_points, defaults={"name_fa": name_fa, "name_en": name_en, "icon": icon}
        )
    for order, spec in enumerate(BADGES):
        spec = dict(spec)
        service_slug = spec.pop("service_slug", None)
        department_slug = spec.pop("department_slug", None)
        service = Service.objects.filter(slug=service_slug).first() if service_slug else None
        department = Department.objects.filter(slug=department_slug).first() if department_slug else None
        if (service_slug and service is None) or (department_slug and department is None):
            continue  # a catalogue without that service or department: staff add the badge themselves
        Badge.objects.get_or_create(
            slug=spec.pop("slug"),
            defaults={**spec, "service": service, "department": department, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0001_badges_levels_leaderboards"),
        ("campaigns", "0002_load_catalogue"),
    ]

    # Going back leaves the rows: people may have earned them since.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
