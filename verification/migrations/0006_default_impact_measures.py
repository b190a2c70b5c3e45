"""What each service of the catalogue measures, to start with: staff change, add or retire them."""

from django.db import migrations

N, C = "number", "check"
PEOPLE = ("نفر", "people")

# service slug: [(key, kind, name fa, name en, (unit fa, unit en), most in one report)]
DEFAULTS = {
    "painting-and-graffiti-removal": [
        ("graffiti-removed", N, "دیوارنویسی پاک‌شده", "Graffiti removed", ("متر مربع", "m²"), 500)],
    "cultural-murals": [("mural-area", N, "دیوارنگارهٔ کشیده‌شده", "Mural painted", ("متر مربع", "m²"), 200)],
    "festive-decoration": [("items-put-up", N, "آذین نصب‌شده", "Decorations put up", ("عدد", "items"), 500)],
    "culvert-and-gutter-clearing": [
        ("culvert-cleared", N, "جوی و کانیو لایروبی‌شده", "Culvert cleared", ("متر", "metres"), 2000),
        ("waste-bags", N, "کیسهٔ پسماند", "Bags of waste", ("کیسه", "bags"), 200)],
    "street-sweeping-and-cleaning": [
        ("waste-bags", N, "کیسهٔ پسماند", "Bags of waste", ("کیسه", "bags"), 200),
        ("waste-kg", N, "وزن پسماند", "Weight of waste", ("کیلوگرم", "kg"), 2000)],
    "illegal-poster-removal": [
        ("posters-removed", N, "آگهی برداشته‌شده", "Posters removed", ("عدد", "items"), 2000)],
    "dry-and-wet-waste-collection": [
        ("waste-kg", N, "پسماند جمع‌آوری‌شده", "Waste collected", ("کیلوگرم", "kg"), 5000),
        ("recyclables-kg", N, "پسماند خشک جداشده", "Recyclables sorted", ("کیلوگرم", "kg"), 5000)],
    "madi-and-stream-upkeep": [
        ("bank-cleared", N, "کرانهٔ پاک‌شده", "Bank cleared", ("متر", "metres"), 2000),
        ("waste-bags", N, "کیسهٔ پسماند", "Bags of waste", ("کیسه", "bags"), 200)],
    "green-space-maintenance": [
        ("trees-tended", N, "درخت رسیدگی‌شده", "Trees tended", ("اصله", "trees"), 500),
        ("area-tended", N, "فضای سبز رسیدگی‌شده", "Green space tended", ("متر مربع", "m²"), 10000)],
    "tourist-tours": [("visitors-guided", N, "گردشگر راهنمایی‌شده", "Visitors guided", PEOPLE, 500)],
    "kowsar-market-hygiene": [
        ("stalls-inspected", N, "غرفهٔ بازرسی‌شده", "Stalls inspected", ("غرفه", "stalls"), 500),
        ("food-uncovered", C, "خوراک بی‌پوشش دیده شد", "Uncovered food seen", ("", ""), 1),
        ("no-hand-washing", C, "جای شستن دست نبود", "No place to wash hands", ("", ""), 1),
        ("bins-overflowing", C, "سطل‌های زبالهٔ لبریز دیده شد", "Overflowing bins seen", ("", ""), 1)],
    "landmark-preventive-maintenance": [
        ("landmarks-checked", N, "نماد شهری بازدیدشده", "Landmarks checked", ("عدد", "items"), 100)],
    "clean-transport-projects": [("people-reached", N, "شهروند آگاه‌شده", "People reached", PEOPLE, 2000)],
    "street-traffic-information": [
        ("places-observed", N, "نقطهٔ پایش‌شده", "Places observed", ("نقطه", "places"), 100),
        ("heavy-traffic", C, "ترافیک سنگین گزارش شد", "Heavy traffic reported", ("", ""), 1),
        ("signal-fault", C, "خرابی چراغ راهنمایی دیده شد", "Traffic light fault seen", ("", ""), 1),
        ("crossing-blocked", C, "گذرگاه پیاده بسته بود", "Pedestrian crossing blocked", ("", ""), 1)],
    "classes-and-workshops": [("attendees", N, "شرکت‌کننده", "Attendees", PEOPLE, 500)],
    "individual-and-group-counselling": [
        ("sessions", N, "جلسهٔ مشاوره", "Counselling sessions", ("جلسه", "sessions"), 100)],
    "events-and-festivals": [("attendees", N, "شرکت‌کننده", "Attendees", PEOPLE, 20000)],
    "cultural-camps-and-city-tours": [("participants", N, "شرکت‌کننده", "Participants", PEOPLE, 500)],
    "libraries-and-reading-halls": [("visitors-helped", N, "مراجعِ یاری‌شده", "Visitors helped", PEOPLE, 1000)],
    "cultural-content-production": [
        ("items-produced", N, "اثر تولیدشده", "Pieces produced", ("اثر", "pieces"), 100)],
    "vulnerable-groups-job-bazaars": [
        ("stalls-supported", N, "غرفهٔ پشتیبانی‌شده", "Stalls supported", ("غرفه", "stalls"), 500)],
}  # fmt: skip


def add_defaults(apps, schema_editor):
    service_model = apps.get_model("city", "Service")
    measure_model = apps.get_model("verification", "ImpactMeasure")
    services = {service.slug: service for service in service_model.objects.filter(slug__in=DEFAULTS)}
    for slug, measures in DEFAULTS.items():
        if slug not in services:
            continue
        for order, (key, kind, name_fa, name_en, (unit_fa, unit_en), most) in enumerate(measures):
            measure_model.objects.get_or_create(
                service=services[slug],
                key=key,
                defaults={
                    "kind": kind,
                    "name_fa": name_fa,
                    "name_en": name_en,
                    "unit_fa": unit_fa,
                    "unit_en": unit_en,
                    "max_per_report": most,
                    "order": order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0005_impact_measures"),
        ("city", "0006_district_population"),
    ]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
