"""The Isfahan study that found the catalogue's 21 services, as a closed study whose figures are the
published ones (it has no raw answers): Agherian et al. (spring 1404 / 2025), Tables 3–6.

Panels 1–3 are named by Tables 5 and 6 (whose W per panel match the three deputies' published W); panels 4–7
are the four deputies the paper says left after round 1, in the order it lists them.
"""

import json
from pathlib import Path

from django.db import migrations

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DATA = Path(__file__).resolve().parents[2] / "city" / "data" / "crowdsourceable_services.json"

PANELS = (
    # number, department slug (None: not in the catalogue), Persian, English, W and p of rounds 1, 2, 3
    (1, "traffic", "معاونت حمل‌ونقل و ترافیک", "Transport and Traffic Deputy", (0.771, 0.003), (0.932, 0.000), (0.940, 0.001)),
    (2, "cultural", "معاونت فرهنگی", "Cultural Deputy", (0.630, 0.020), (0.952, 0.000), (0.962, 0.001)),
    (3, "urban_services", "معاونت خدمات شهری", "Urban Services Deputy", (0.568, 0.005), (0.871, 0.001), (0.898, 0.000)),
    (4, None, "معاونت برنامه‌ریزی", "Planning Deputy", (0.671, 0.001), None, None),
    (5, None, "معاونت عمران", "Civil Works Deputy", (0.730, 0.001), None, None),
    (6, None, "معاونت شهرسازی", "Urban Planning Deputy", (0.768, 0.011), None, None),
    (7, None, "معاونت مالی", "Finance Deputy", (0.689, 0.023), None, None),
)  # fmt: skip
EXCLUSION = (
    "در دور نخست هیچ خدمتی از این معاونت در محدودهٔ امکان جمع‌سپاری قرار نگرفت: با توجه به محدودیت‌های "
    "اجرایی و موانع موجود، واگذاری خدمات آن امکان‌پذیر نیست.",
    "No service of this deputy was rated as possible to crowdsource in round 1: given executive limits and "
    "the obstacles in the way, its services cannot be handed over.",
)
FACTS = {
    "source_fa": (
        "Agherian و همکاران، «حکمرانی مشارکت‌مبنا با گذار از پیمان‌سپاری به جمع‌سپاری شهری: نمونهٔ موردی "
        "مدیریت اماکن و خدمات شهرداری اصفهان»، نشریهٔ علمی پژوهش‌های فضا و مکان در شهر، دورهٔ ۹، شمارهٔ ۳۴، "
        "بهار ۱۴۰۴؛ جدول‌های ۳ تا ۶."
    ),
    "source_en": (
        "Agherian et al., 'Participatory governance from outsourcing to urban crowdsourcing: the case of "
        "Isfahan Municipality', Journal of Space and Place Research in the City, vol. 9 no. 34 (spring 1404 / "
        "2025), Tables 3–6."
    ),
    "funnel": [
        {"fa": "فرایندهای کلان", "en": "macro processes", "count": 15},
        {"fa": "گروه‌های فرایندی", "en": "process groups", "count": 52},
        {"fa": "فرایندهای اصلی", "en": "main processes", "count": 202},
        {"fa": "زیرفرایندها", "en": "sub-processes", "count": 978},
        {"fa": "خدمات شهروندی و کسب‌وکار", "en": "services to citizens and businesses", "count": 368},
        {"fa": "حذف‌شده در کمیتهٔ حقوقی", "en": "removed by the legal committee", "count": 200},
        {"fa": "ارزیابی‌شده در دلفی", "en": "rated in the Delphi rounds", "count": 168},
        {"fa": "قابل جمع‌سپاری", "en": "possible to crowdsource", "count": 21},
    ],
    "reviewed_by_department": [
        {"fa": "دفتر شهردار", "en": "Mayor's office", "count": 18},
        {"fa": "معاونت برنامه‌ریزی", "en": "Planning Deputy", "count": 12},
        {"fa": "معاونت خدمات شهری", "en": "Urban Services Deputy", "count": 165},
        {"fa": "معاونت شهرسازی", "en": "Urban Planning Deputy", "count": 28},
        {"fa": "معاونت عمران", "en": "Civil Works Deputy", "count": 14},
        {"fa": "معاونت حمل‌ونقل و ترافیک", "en": "Transport and Traffic Deputy", "count": 64},
        {"fa": "معاونت مالی و اقتصادی", "en": "Finance and Economy Deputy", "count": 19},
        {"fa": "معاونت فرهنگی", "en": "Cultural Deputy", "count": 39},
        {"fa": "میان‌معاونتی", "en": "Across deputies", "count": 9},
    ],
    "panel_composition": [
        {"fa": "خبرهٔ تحول سازمانی (استاد دانشگاه)", "en": "organisational transformation expert (professor)", "count": 2},
        {"fa": "متخصص فرایند در شهرداری", "en": "process specialist of the municipality", "count": 4},
        {"fa": "مالک ستادی", "en": "staff owner", "count": 4},
        {"fa": "مالک اجرایی", "en": "executive owner", "count": 2},
    ],
    "notes": [
        {
            "fa": "۷۰ نفر در هفت پانل ۱۲ نفره: خبرگان تحول سازمانی و فرایندی در همهٔ پانل‌ها مشترک بودند.",
            "en": "70 people in seven panels of 12: the transformation and process experts sat on every panel.",
        },
        {
            "fa": "مقاله برای دور نخست ۲۱ خدمت را در محدودهٔ امکان و ۱۴۵ خدمت را در محدودهٔ عدم امکان آورده "
            "است (۱۶۶ خدمت، در برابر ۱۶۸ خدمتِ ارزیابی‌شده).",
            "en": "For round 1 the paper gives 21 services as possible and 145 as not possible (166, against "
            "the 168 rated).",
        },
        {
            "fa": "بر پایهٔ قاعدهٔ توقف (تغییر W کمتر از ۰٫۲) پس از دور سوم به نتایج همان دور بسنده شد.",
            "en": "By the stopping rule (W changing by less than 0.2), the study kept round 3's results.",
        },
    ],
}  # fmt: skip


def shipped_study_load(apps, schema_editor):
    Study = apps.get_model("delphi", "Study")
    Panel = apps.get_model("delphi", "Panel")
    Candidate = apps.get_model("delphi", "Candidate")
    Round = apps.get_model("delphi", "Round")
    PanelResult = apps.get_model("delphi", "PanelResult")
    CandidateResult = apps.get_model("delphi", "CandidateResult")
    Service = apps.get_model("city", "Service")
    if Study.objects.filter(figures_published=True).exists():
        return
    data = json.loads(DATA.read_text(encoding="utf-8"))
    study = Study.objects.create(
        title_fa="شناسایی خدمات قابل جمع‌سپاری شهرداری اصفهان",
        title_en="Which of Isfahan Municipality's services citizens can take over",
        question_fa="تا چه اندازه این خدمت قابل جمع‌سپاری است؟",
        question_en="How far can this service be crowdsourced?",
        working_group="پژوهشگران و شهرداری اصفهان",
        scale_points=5,
        scale_labels=[
            {"fa": "امکان جمع‌سپاری ندارد", "en": "cannot be crowdsourced"},
            {"fa": "کم", "en": "low"},
            {"fa": "متوسط", "en": "medium"},
            {"fa": "زیاد", "en": "high"},
            {"fa": "بسیار زیاد", "en": "very high"},
        ],
        legal_screening=True,
        max_rounds=3,
        figures_published=True,
        status="closed",
        published_facts=FACTS,
    )
    rounds = {
        number: Round.objects.create(study=study, number=number, opened_at=None, closes_at=None)
        for number in (1, 2, 3)
    }
    # The rounds' dates were not published: they are closed as of the import.
    Round.objects.filter(study=study).update(closed_at=study.created_at)
    panels = {}
    for number, department, name_fa, name_en, *figures in PANELS:
        panel = Panel.objects.create(
            study=study,
            name_fa=f"پنل {str(number).translate(PERSIAN_DIGITS)}: {name_fa}",
            name_en=f"Panel {number}: {name_en}",
            sort_order=number,
        )
        if department is None:
            panel.excluded_after_round = 1
            panel.exclusion_reason_fa, panel.exclusion_reason_en = EXCLUSION
            panel.save()
        panels[department] = panel
        previous_w = None
        for round_number, published in enumerate(figures, start=1):
            if published is None:
                continue
            w, p_value = published
            advice = "continue" if round_number < 3 else "stop"
            if department is None:
                advice = "excluded"
            PanelResult.objects.create(
                round=rounds[round_number],
                panel=panel,
                raters=12,
                items=None,
                w=w,
                p_value=p_value,
                delta_w=round(w - previous_w, 3) if previous_w is not None else None,
                advice=advice,
                published=True,
            )
            previous_w = w
    for order, service_data in enumerate(data["services"]):
        candidate = Candidate.objects.create(
            study=study,
            panel=panels[service_data["department"]],
            name_fa=service_data["name_fa"],
            name_en=service_data["name_en"],
            legal="allowed",
            promoted_service=Service.objects.filter(slug=service_data["slug"]).first(),
            sort_order=order,
        )
        for key, figures in service_data["delphi"].items():
            CandidateResult.objects.create(
                round=rounds[int(key.removeprefix("round_"))],
                candidate=candidate,
                answers=12,
                mean=figures["mean"],
                sd=figures["sd"],
                qualifies=figures["mean"] > 3,
                published=True,
            )


def shipped_study_remove(apps, schema_editor):
    apps.get_model("delphi", "Study").objects.filter(figures_published=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("delphi", "0001_initial"),
        ("city", "0003_study_names_as_published"),
        # The catalogue's services are loaded there (before the catalogue moved to city); each candidate links
        # to its service.
        ("campaigns", "0002_load_catalogue"),
    ]

    operations = [migrations.RunPython(shipped_study_load, shipped_study_remove)]
