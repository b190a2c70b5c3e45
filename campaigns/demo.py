"""Demo open calls for a newcomer's local site: at least one call for each of the study's 21 services, at real
places in Isfahan, in Persian and English, with shifts that are over, under way and coming up.

Shift times are placed relative to the moment the demo is loaded, so a fresh site always has something
happening now and something to sign up for. Calls are keyed by their slug under their department's section:
a call that is already there is left alone, with its shifts, so loading again changes nothing.

District numbers follow the municipality's published district boundaries where a place lies clearly inside
one (Naqsh-e Jahan in 3, Jolfa in 5, Sofeh in 6…); places on a boundary street are filed under one side.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from city.models import Department, District, Service
from volunteers.models import Skill

from .models import DepartmentCallsPage, OpenCallPage, Shift, TeamReservation
from .services import call_close, department_section_ensure, team_reservation_assign, team_reservation_create

FRIDAY, THURSDAY, TUESDAY = 4, 3, 1  # datetime.date.weekday()


@dataclass(frozen=True)
class DemoShift:
    """A shift placed relative to the day the demo is loaded.

    `day` counts days from today in the city's time zone (negative: already over), or, with `weekday`, counts
    that weekday: 1 is the next one after today, -1 the last one before today. `day=None` makes a shift that
    is under way right now (started an hour ago, ends in two hours).
    """

    day: int | None
    start: str = "08:00"  # local time
    hours: float = 3
    capacity: int = 20
    team_places: int = 0
    checkin_radius_m: int | None = None
    weekday: int | None = None
    signups_close_hours_before: int | None = None


@dataclass(frozen=True)
class DemoFaq:
    question_fa: str
    answer_fa: str
    question_en: str
    answer_en: str


@dataclass(frozen=True)
class DemoCall:
    """One demo call. Checklist items are (Persian, English) pairs so the two bodies stay in step."""

    slug: str
    service: str  # service slug
    district: int
    latitude: str
    longitude: str
    title_fa: str
    title_en: str
    summary_fa: str
    summary_en: str
    address_fa: str
    address_en: str
    text_fa: str
    text_en: str
    shifts: tuple[DemoShift, ...]
    min_age: int = 0
    open_to_individuals: bool = True
    open_to_teams: bool = True
    points_per_hour: int = 10
    contact_name: str = ""
    contact_phone: str = ""
    what_to_bring: tuple[tuple[str, str], ...] = ()
    safety_notes: tuple[tuple[str, str], ...] = ()
    faq: tuple[DemoFaq, ...] = ()
    live: bool = True
    closure_reason: str = ""
    required_skills: tuple[str, ...] = ()  # slugs of DEMO_SKILLS


# Skills that demo calls require: (slug, Persian name, English name).
DEMO_SKILLS = (
    ("english-conversation", "مکالمهٔ انگلیسی", "Conversational English"),
    ("first-aid", "کمک‌های اولیه", "First aid"),
)

# The demo NGO's team holds places on the next-but-one Friday sweep of Chaharbagh, two members assigned.
DEMO_TEAM_RESERVATION_CALL = "chaharbagh-friday-sweep"
DEMO_TEAM_RESERVATION_PLACES = 5
DEMO_TEAM_RESERVATION_MEMBERS = ("ngo-member-1", "ngo-member-2")


@dataclass
class DemoCallsLoaded:
    created: list[OpenCallPage] = field(default_factory=list)
    existing: int = 0
    shifts_created: int = 0


DEMO_CALLS: tuple[DemoCall, ...] = (
    # --- Urban Services --------------------------------------------------------------------------------
    DemoCall(
        slug="chaharbagh-friday-sweep",
        service="street-sweeping-and-cleaning",
        district=1,
        latitude="32.650000",
        longitude="51.668000",
        title_fa="رفت‌وروب خیابان چهارباغ عباسی در صبح جمعه",
        title_en="Friday-morning sweep of Chaharbagh-e Abbasi",
        summary_fa=(
            "پیش از آنکه پیاده‌راه چهارباغ شلوغ شود، از میدان امام حسین (ع) تا سی‌وسه‌پل را با هم جارو "
            "می‌کنیم. آمدن با خانواده و بچه‌ها آزاد است."
        ),
        summary_en=(
            "Before the Chaharbagh walkway fills up, we sweep it together from Imam Hossein Square down to "
            "Si-o-se-pol. Families and children are welcome."
        ),
        address_fa="پیاده‌راه چهارباغ عباسی، محل قرار: روبه‌روی مدرسهٔ چهارباغ",
        address_en="Chaharbagh-e Abbasi walkway; meeting point: opposite the Chaharbagh School",
        text_fa=(
            "<p>جارو، خاک‌انداز و کیسهٔ زباله را پاکبان‌های شهرداری در محل قرار تحویل می‌دهند. پیاده‌راه "
            "را "
            "چند بخش می‌کنیم و هر گروه بخش خودش را تا پایان شیفت تمیز نگه می‌دارد.</p>"
            "<p>بعد از کار، صبحانهٔ ساده‌ای کنار مدرسهٔ چهارباغ مهمان شهرداری هستید.</p>"
        ),
        text_en=(
            "<p>Municipal street cleaners hand out brooms, dustpans and bags at the meeting point. We "
            "split the "
            "walkway into stretches and each group keeps its stretch clean until the end of the shift.</p>"
            "<p>Afterwards, the municipality offers a simple breakfast by the Chaharbagh School.</p>"
        ),
        faq=(
            DemoFaq(
                "بچه‌ها هم می‌توانند بیایند؟",
                "<p>بله. کودکان زیر ۱۲ سال همراه یکی از والدین می‌آیند و در بخش میانی پیاده‌راه کار "
                "می‌کنند.</p>",
                "Can children come?",
                "<p>Yes. Children under 12 come with a parent and work in the middle part of the "
                "walkway.</p>",
            ),
        ),
        shifts=(
            DemoShift(day=-1, weekday=FRIDAY, start="07:00", hours=2.5, capacity=40, team_places=20),
            DemoShift(
                day=1,
                weekday=FRIDAY,
                start="07:00",
                hours=2.5,
                capacity=40,
                team_places=20,
                checkin_radius_m=300,
            ),
            DemoShift(
                day=2,
                weekday=FRIDAY,
                start="07:00",
                hours=2.5,
                capacity=40,
                team_places=20,
                checkin_radius_m=300,
            ),
        ),
        min_age=0,
        points_per_hour=10,
        contact_name="حسین نوری",
        contact_phone="09130001101",
    ),
    DemoCall(
        slug="jolfa-graffiti-cleanup",
        service="painting-and-graffiti-removal",
        district=5,
        latitude="32.633700",
        longitude="51.655500",
        title_fa="پاک‌سازی دیوارنویسی از کوچه‌های جلفا",
        title_en="Removing graffiti from the lanes of Jolfa",
        summary_fa=(
            "دیوارهای آجری کوچه‌های اطراف کلیسای وانک را از دیوارنویسی پاک می‌کنیم و جدول‌های رنگ‌رفته را "
            "دوباره رنگ می‌زنیم."
        ),
        summary_en=(
            "We clean graffiti off the brick walls of the lanes around Vank Cathedral and repaint the "
            "faded "
            "curbs."
        ),
        address_fa="میدان جلفا، محل قرار: ابتدای کوچهٔ کلیسای وانک",
        address_en="Jolfa Square; meeting point: the start of the lane to Vank Cathedral",
        text_fa=(
            "<p>گروه پاک‌سازی شهرداری ابزار، پاک‌کننده‌های بی‌خطر برای آجر و رنگ را می‌آورد. کار را در "
            "گروه‌های "
            "چهارنفره پیش می‌بریم: دو نفر دیوارنویسی را پاک می‌کنند و دو نفر جدول‌ها را رنگ می‌زنند.</p>"
            "<p>روی آجرهای قدیمی فقط با برس نرم و آب کار می‌کنیم. لکه‌ای را که پاک نشد علامت بزنید تا "
            "کارشناس مرمت سراغش برود.</p>"
        ),
        text_en=(
            "<p>The municipal cleaning crew brings the tools, brick-safe cleaners and paint. We work in "
            "groups "
            "of four: two people remove graffiti while two repaint the curbs.</p>"
            "<p>On old brickwork we use only soft brushes and water. Flag any mark that will not come off "
            "so "
            "that the restoration expert can deal with it.</p>"
        ),
        safety_notes=(
            (
                "در تمام مدت کار دستکش و ماسک داشته باشید.",
                "Keep your gloves and mask on for the whole shift.",
            ),
            (
                "پاک‌کننده‌ها را فقط در ظرف‌های برچسب‌دار و دور از دسترس بچه‌ها نگه دارید.",
                "Keep cleaning products in labelled containers only, out of children's reach.",
            ),
        ),
        shifts=(
            DemoShift(day=-6, start="08:00", hours=3, capacity=12, team_places=4),
            DemoShift(day=5, start="08:00", hours=3, capacity=16, team_places=8, checkin_radius_m=200),
        ),
        min_age=16,
        points_per_hour=15,
        contact_name="آرمینه داویدیان",
        contact_phone="09130001102",
    ),
    DemoCall(
        slug="zeynabieh-mural",
        service="cultural-murals",
        district=14,
        latitude="32.705000",
        longitude="51.688000",
        title_fa="نقاشی دیوارنگارهٔ «محلهٔ ما» در خیابان زینبیه",
        title_en="Painting the “Our Neighbourhood” mural on Zeynabieh Street",
        summary_fa=(
            "با راهنمایی دو نقاش دیواری، طرحی را که بچه‌های محله کشیده‌اند روی دیوار بلند خیابان زینبیه "
            "اجرا می‌کنیم."
        ),
        summary_en=(
            "Guided by two mural painters, we paint a design drawn by the neighbourhood's children onto "
            "the "
            "long wall on Zeynabieh Street."
        ),
        address_fa="خیابان زینبیه، دیوار ضلع شرقی، پیش از حرم حضرت زینب (س)",
        address_en="Zeynabieh Street, east side, before the Zeynabieh shrine",
        text_fa=(
            "<p>طرح این دیوارنگاره را بچه‌های مدرسه‌های محله در یک کارگاه یک‌روزه کشیده‌اند: کبوترخانه، "
            "درخت "
            "توت و کاشی فیروزه‌ای. کار شما رنگ کردن سطح‌های بزرگ است و جزئیات را نقاش‌ها می‌کشند.</p>"
            "<p>نوجوانان ۱۲ تا ۱۵ ساله همراه یکی از والدین بیایند.</p>"
        ),
        text_en=(
            "<p>Children from the neighbourhood's schools drew the design in a one-day workshop: pigeon "
            "towers, "
            "mulberry trees and turquoise tiles. You fill in the large areas; the painters do the "
            "details.</p>"
            "<p>Volunteers aged 12 to 15 come with a parent.</p>"
        ),
        what_to_bring=(
            ("لباس کهنه‌ای که رنگی شدنش مهم نباشد", "Old clothes you don't mind getting paint on"),
            ("کلاه آفتابی", "A sun hat"),
            ("بطری آب", "A water bottle"),
        ),
        shifts=(
            DemoShift(day=3, start="16:00", hours=3, capacity=20, team_places=10),
            DemoShift(day=10, start="16:00", hours=3, capacity=20, team_places=10),
        ),
        min_age=12,
        points_per_hour=20,
        contact_name="نگار سلطانی",
        contact_phone="09130001103",
    ),
    DemoCall(
        slug="imam-hossein-square-decoration",
        service="festive-decoration",
        district=1,
        latitude="32.661000",
        longitude="51.668800",
        title_fa="ریسه‌کشی و آذین‌بندی میدان امام حسین (ع)",
        title_en="Putting up lights and decorations on Imam Hossein Square",
        summary_fa=(
            "پرچم‌ها، ریسه‌های نور و گلدان‌های تزئینی را در میدان امام حسین (ع) و ابتدای چهارباغ نصب "
            "می‌کنیم؛ "
            "ویژهٔ تیم‌های سازمان‌های مردم‌نهاد."
        ),
        summary_en=(
            "We put up flags, string lights and decorative planters on Imam Hossein Square and at the top "
            "of "
            "Chaharbagh. For NGO teams."
        ),
        address_fa="میدان امام حسین (ع) (دروازه دولت)، ضلع جنوبی، ابتدای پیاده‌راه چهارباغ عباسی",
        address_en=(
            "Imam Hossein Square (Darvazeh Dowlat), south side, at the top of the Chaharbagh-e Abbasi walkway"
        ),
        text_fa=(
            "<p>کار روی بالابر و داربست فقط با نیروهای شهرداری است. تیم‌های داوطلب پرچم‌ها و ریسه‌ها را "
            "روی "
            "زمین آماده و سرهم می‌کنند، گلدان‌ها را می‌چینند و بعد از مناسبت در جمع کردن آن‌ها کمک "
            "می‌کنند.</p>"
        ),
        text_en=(
            "<p>Only municipal crews work on lifts and scaffolding. Volunteer teams prepare and assemble "
            "the "
            "flags and lights on the ground, arrange the planters and help take everything down after the "
            "occasion.</p>"
        ),
        safety_notes=(
            (
                "از زیر بالابر و داربستی که رویش کار می‌کنند رد نشوید.",
                "Never walk under a lift or scaffolding in use.",
            ),
            (
                "به کابل‌ها و اتصال‌های برق دست نزنید؛ وصل کردن برق فقط کار برق‌کار شهرداری است.",
                "Do not touch cables or electrical connections; only the municipal electrician connects "
                "power.",
            ),
        ),
        faq=(
            DemoFaq(
                "بدون تیم هم می‌توانم بیایم؟",
                "<p>این فراخوان فقط برای تیم‌های سازمان‌های مردم‌نهاد است. اگر عضو سازمانی هستید، از مدیر "
                "سازمانتان بخواهید برای تیم جا رزرو کند.</p>",
                "Can I come without a team?",
                "<p>This call is for NGO teams only. If you belong to an NGO, ask its manager to reserve "
                "places "
                "for your team.</p>",
            ),
        ),
        shifts=(
            DemoShift(day=2, start="19:00", hours=3, capacity=30, team_places=30),
            DemoShift(day=12, start="19:00", hours=3, capacity=30, team_places=30),
        ),
        min_age=18,
        open_to_individuals=False,
        points_per_hour=18,
        contact_name="مجید اکبری",
        contact_phone="09130001104",
    ),
    DemoCall(
        slug="hezar-jerib-gutter-clearing",
        service="culvert-and-gutter-clearing",
        district=6,
        latitude="32.618000",
        longitude="51.664000",
        title_fa="لایروبی جوی‌ها و دهانهٔ آبروهای خیابان هزارجریب پیش از بارندگی",
        title_en="Clearing the gutters and drains of Hezar Jerib Street before the rains",
        summary_fa=(
            "برگ، گل‌ولای و زباله را از جوی‌ها و دهانهٔ آبروهای خیابان هزارجریب بیرون می‌آوریم تا در باران "
            "بعدی آب در خیابان نماند."
        ),
        summary_en=(
            "We lift leaves, silt and litter out of the gutters and drain inlets of Hezar Jerib Street so "
            "the "
            "next rain does not flood the road."
        ),
        address_fa="خیابان هزارجریب، محل قرار: روبه‌روی سردر دانشگاه اصفهان",
        address_en="Hezar Jerib Street; meeting point: opposite the main gate of the University of Isfahan",
        text_fa=(
            "<p>با بیلچه، شن‌کش و کیسه‌های مقاوم کار می‌کنیم و خودروی شهرداری کیسه‌های پر را همان روز "
            "می‌برد. "
            "دریچهٔ آبروها را فقط کارگران شهرداری برمی‌دارند.</p>"
        ),
        text_en=(
            "<p>We work with hand shovels, rakes and heavy-duty bags, and a municipal truck takes the full "
            "bags "
            "away the same day. Only municipal workers lift drain covers.</p>"
        ),
        what_to_bring=(
            ("چکمهٔ لاستیکی یا کفش کهنهٔ بسته", "Rubber boots or old closed shoes"),
            ("لباس کار", "Work clothes"),
            ("بطری آب", "A water bottle"),
        ),
        safety_notes=(
            (
                "دستکش ضخیمی را که به شما می‌دهیم در تمام مدت کار از دست درنیاورید.",
                "Keep on the heavy gloves we give you for the whole shift.",
            ),
            (
                "پشت به خودروها کار نکنید و جلیقهٔ شب‌رنگ بپوشید.",
                "Never work with your back to traffic, and wear the hi-vis vest.",
            ),
        ),
        shifts=(
            DemoShift(day=-3, start="07:30", hours=3, capacity=15, team_places=6),
            DemoShift(day=None, capacity=15, team_places=6, checkin_radius_m=250),
            DemoShift(day=8, start="07:30", hours=3, capacity=15, team_places=6, checkin_radius_m=250),
        ),
        min_age=16,
        points_per_hour=22,
        contact_name="رسول قاسمی",
        contact_phone="09130001105",
    ),
    DemoCall(
        slug="jey-street-poster-removal",
        service="illegal-poster-removal",
        district=10,
        latitude="32.662500",
        longitude="51.697500",
        title_fa="کندن آگهی‌های غیرمجاز از پل‌های عابر و تیرهای برق خیابان جی",
        title_en="Clearing illegal posters from the footbridges and lamp posts of Jey Street",
        summary_fa=(
            "آگهی‌هایی را که روی پل‌های عابر پیاده، تیرهای برق و ایستگاه‌های اتوبوس خیابان جی چسبانده‌اند "
            "جدا می‌کنیم و جای چسبشان را می‌شوییم."
        ),
        summary_en=(
            "We peel off the posters stuck to Jey Street's footbridges, lamp posts and bus shelters and "
            "wash "
            "off the glue."
        ),
        address_fa="خیابان جی، محل قرار: کنار نخستین پل عابر پیاده بعد از میدان احمدآباد",
        address_en="Jey Street; meeting point: by the first footbridge east of Ahmadabad Square",
        text_fa=(
            "<p>چسباندن آگهی روی پل‌ها، تیرهای برق و ایستگاه‌های اتوبوس تخلف است و چهرهٔ خیابان را زشت "
            "می‌کند. "
            "کاردک، آب‌پاش و کیسه را ما می‌دهیم. شمارهٔ تلفن روی آگهی‌ها را در برگهٔ گزارش بنویسید تا "
            "شهرداری پیگیری کند.</p>"
        ),
        text_en=(
            "<p>Sticking posters on bridges, lamp posts and bus shelters is an offence and spoils the "
            "street. "
            "We provide scrapers, water sprayers and bags. Write the phone numbers on the posters on the "
            "report "
            "sheet so that the municipality can follow up.</p>"
        ),
        shifts=(
            DemoShift(day=4, start="16:30", hours=2, capacity=25, team_places=10),
            DemoShift(day=18, start="16:30", hours=2, capacity=25, team_places=10),
        ),
        min_age=12,
        points_per_hour=8,
        contact_name="زهرا اکبرزاده",
        contact_phone="09130001106",
    ),
    DemoCall(
        slug="sofeh-litter-pick",
        service="dry-and-wet-waste-collection",
        district=6,
        latitude="32.600000",
        longitude="51.656000",
        title_fa="جمع‌آوری و تفکیک زباله در دامنهٔ کوه صفه",
        title_en="Litter pick and sorting on the slopes of Mount Sofeh",
        summary_fa=(
            "مسیرهای کوه‌پیمایی پارک کوهستانی صفه را از زباله پاک می‌کنیم و پسماند خشک را جدا از پسماند تر "
            "تحویل می‌دهیم."
        ),
        summary_en=(
            "We clear litter from the hiking trails of Sofeh mountain park and hand in dry (recyclable) "
            "waste "
            "separately from wet waste."
        ),
        address_fa="پارک کوهستانی صفه، محل قرار: میدان ورودی پارک، کنار ایستگاه تله‌کابین",
        address_en="Sofeh mountain park; meeting point: the entrance square by the cable-car station",
        text_fa=(
            "<p>هر گروه دو کیسه دارد: آبی برای پسماند خشک (بطری، قوطی و کاغذ) و مشکی برای پسماند تر. "
            "کیسه‌های "
            "پر را در ایستگاه‌های پایین مسیر می‌گذاریم تا خودروی شهرداری آن‌ها را ببرد.</p>"
            "<p>مسیرها شیب‌دار است؛ اگر اهل کوه‌پیمایی نیستید، می‌توانید در محوطهٔ پایین پارک کار کنید.</p>"
        ),
        text_en=(
            "<p>Each group carries two bags: blue for dry waste (bottles, cans and paper) and black for "
            "wet "
            "waste. We leave full bags at the collection points at the foot of the trails for a municipal "
            "truck "
            "to pick up.</p>"
            "<p>The trails are steep; if you don't hike, you can work in the lower grounds of the park.</p>"
        ),
        what_to_bring=(
            ("کفش کوه یا کتانی با زیرهٔ محکم", "Hiking boots or trainers with a good grip"),
            ("کلاه و کرم ضدآفتاب", "A hat and sunscreen"),
            ("آب به اندازهٔ کافی", "Plenty of water"),
        ),
        safety_notes=(
            (
                "شیشهٔ شکسته و سرنگ را با دست برندارید؛ جایش را به سرگروه نشان دهید.",
                "Never pick up broken glass or needles by hand; show the spot to your group leader.",
            ),
            ("از مسیرهای اصلی بیرون نروید.", "Stay on the marked trails."),
        ),
        shifts=(
            DemoShift(day=-8, start="07:00", hours=4, capacity=60, team_places=30),
            DemoShift(day=6, start="07:00", hours=4, capacity=60, team_places=30, checkin_radius_m=300),
            DemoShift(day=20, start="07:00", hours=4, capacity=50, team_places=25),
        ),
        min_age=12,
        points_per_hour=12,
        contact_name="کاوه رنجبر",
        contact_phone="09130001107",
    ),
    # Closed by staff (a CallClosure, made through call_close()), so that the "closed to new sign-ups" state
    # can be seen on a call that still has a shift ahead.
    DemoCall(
        slug="zayanderud-riverbed-cleanup",
        service="dry-and-wet-waste-collection",
        district=6,
        latitude="32.640500",
        longitude="51.673000",
        title_fa="پاک‌سازی بستر خشک زاینده‌رود میان پل جویی و پل خواجو",
        title_en="Cleaning the dry bed of the Zayanderud between Joui and Khaju bridges",
        summary_fa=(
            "تا وقتی بستر رودخانه خشک است، زباله‌های جامانده را جمع می‌کنیم و پسماند خشک را جدا تحویل می‌دهیم."
        ),
        summary_en=(
            "While the riverbed is dry, we pick up the litter left behind and hand in dry waste separately."
        ),
        address_fa="بلوار آیینه‌خانه، ساحل جنوبی زاینده‌رود، محل قرار: روبه‌روی پل جویی",
        address_en=(
            "Ayeneh Khaneh Boulevard, south bank of the Zayanderud; meeting point: opposite Joui Bridge"
        ),
        text_fa=(
            "<p>کف رودخانه ناهموار است و جابه‌جا گودال دارد، برای همین فقط در محدوده‌ای که با نوار مشخص "
            "شده "
            "کار می‌کنیم.</p>"
        ),
        text_en=(
            "<p>The riverbed is uneven, with holes here and there, so we work only inside the taped-off "
            "area.</p>"
        ),
        safety_notes=(
            (
                "هر وقت سرگروه گفت، بی‌درنگ از بستر رودخانه بیرون بیایید.",
                "Leave the riverbed at once whenever your group leader says so.",
            ),
        ),
        shifts=(
            DemoShift(day=-9, start="07:00", hours=3, capacity=40, team_places=20),
            DemoShift(day=6, start="07:00", hours=3, capacity=40, team_places=20),
        ),
        min_age=16,
        points_per_hour=14,
        contact_name="حسین نوری",
        contact_phone="09130001101",
        closure_reason=(
            "با بازگشایی آب زاینده‌رود، کار در بستر رودخانه ممکن نیست. این فراخوان تا خشک شدن دوبارهٔ بستر "
            "بسته است."
        ),
    ),
    DemoCall(
        slug="niasarm-madi-cleanup",
        service="madi-and-stream-upkeep",
        district=3,
        latitude="32.656000",
        longitude="51.670000",
        title_fa="پاک‌سازی بستر مادی نیاصرم پیش از آب‌گیری",
        title_en="Clearing the bed of the Niasarm madi before the water returns",
        summary_fa=(
            "برگ، شاخه و زباله را از بستر خشک مادی نیاصرم در کنار باغ هشت‌بهشت بیرون می‌آوریم تا آب "
            "بی‌مانع "
            "جریان پیدا کند."
        ),
        summary_en=(
            "We clear leaves, branches and litter from the dry bed of the Niasarm madi beside the Hasht "
            "Behesht "
            "garden so that the water can flow freely."
        ),
        address_fa="خیابان هشت‌بهشت، کنار مادی نیاصرم، روبه‌روی باغ هشت‌بهشت",
        address_en="Hasht Behesht Street, along the Niasarm madi, opposite the Hasht Behesht garden",
        text_fa=(
            "<p>مادی‌ها نهرهای تاریخی‌ای هستند که قرن‌هاست آب زاینده‌رود را به باغ‌ها و محله‌های اصفهان "
            "می‌رسانند. ابزار و کیسه را شهرداری می‌دهد و کارشناس فضای سبز در تمام شیفت همراه گروه است.</p>"
        ),
        text_en=(
            "<p>Madis are historic channels that have carried the Zayanderud's water to Isfahan's gardens "
            "and "
            "neighbourhoods for centuries. The municipality provides tools and bags, and a green-space "
            "officer "
            "stays with the group throughout the shift.</p>"
        ),
        safety_notes=(
            (
                "دیوارهٔ مادی لغزنده است؛ فقط از پله‌های مشخص‌شده پایین بروید.",
                "The madi's walls are slippery; climb down only by the marked steps.",
            ),
            (
                "اگر آب در بستر راه افتاد، فوراً بیرون بیایید.",
                "If water starts to flow in the bed, get out at once.",
            ),
        ),
        faq=(
            DemoFaq(
                "کارش سنگین است؟",
                "<p>بیشتر کار جمع کردن برگ و زباله است. بیل زدن و جابه‌جا کردن کیسه‌های سنگین با کسانی است "
                "که "
                "خودشان داوطلب این کار شوند.</p>",
                "Is it heavy work?",
                "<p>Mostly it is raking leaves and picking up litter. Shovelling and carrying heavy bags "
                "is for "
                "those who offer to do it.</p>",
            ),
        ),
        shifts=(
            DemoShift(day=-2, start="08:00", hours=3, capacity=20, team_places=8),
            DemoShift(day=None, capacity=20, team_places=8, checkin_radius_m=150),
            DemoShift(day=9, start="08:00", hours=3, capacity=20, team_places=8, checkin_radius_m=150),
        ),
        min_age=16,
        points_per_hour=16,
        contact_name="مریم شفیعی",
        contact_phone="09130001108",
    ),
    DemoCall(
        slug="nazhvan-tree-planting",
        service="green-space-maintenance",
        # Nazhvan has its own park management; it is filed under the district next to it.
        district=9,
        latitude="32.646000",
        longitude="51.603000",
        title_fa="کاشت نهال و آبیاری درخت‌های جوان در پارک جنگلی ناژوان",
        title_en="Planting saplings and watering young trees in Nazhvan forest park",
        summary_fa=(
            "در حاشیهٔ زاینده‌رود در ناژوان نهال می‌کاریم و دور درخت‌های جوانی را که پارسال کاشته شده‌اند، "
            "برای آبیاری بهتر تشتک می‌زنیم."
        ),
        summary_en=(
            "We plant saplings on the Zayanderud bank at Nazhvan and dig watering basins around the young "
            "trees "
            "planted last year."
        ),
        address_fa="پارک جنگلی ناژوان، محل قرار: پارکینگ باغ پرندگان",
        address_en="Nazhvan forest park; meeting point: the Bird Garden car park",
        text_fa=(
            "<p>نهال‌ها را، که بیشترشان چنار، زبان‌گنجشک و توت‌اند، نهالستان شهرداری می‌آورد. کارشناس فضای "
            "سبز "
            "اول شیفت روش درست کاشتن را نشان می‌دهد.</p>"
        ),
        text_en=(
            "<p>The municipal nursery brings the saplings, mostly plane, ash and mulberry. At the start of "
            "the "
            "shift a green-space officer shows how to plant them properly.</p>"
        ),
        what_to_bring=(
            ("دستکش باغبانی، اگر دارید", "Gardening gloves, if you have them"),
            ("لباس و کفشی که خاکی شدنش مهم نباشد", "Clothes and shoes you can get muddy"),
            ("آب و خوراکی سبک", "Water and a light snack"),
        ),
        shifts=(
            DemoShift(day=-10, start="08:00", hours=3, capacity=50, team_places=25),
            DemoShift(day=7, start="08:00", hours=3, capacity=50, team_places=25, checkin_radius_m=300),
            DemoShift(day=21, start="08:00", hours=3, capacity=50, team_places=25),
        ),
        min_age=0,
        points_per_hour=14,
        contact_name="علیرضا نصر",
        contact_phone="09130001109",
    ),
    # A draft: saved as a revision but never published, so staff find an unpublished call in the admin.
    DemoCall(
        slug="flower-garden-weeding",
        service="green-space-maintenance",
        district=5,
        latitude="32.638300",
        longitude="51.637000",
        title_fa="وجین و هرس باغچه‌های باغ گل‌ها",
        title_en="Weeding and pruning the beds of the Isfahan Flower Garden",
        summary_fa=(
            "علف‌های هرز باغچه‌های باغ گل‌ها را وجین و گل‌های خشک‌شده را هرس می‌کنیم تا باغ برای فصل تازه "
            "آماده شود."
        ),
        summary_en=(
            "We weed the Flower Garden's beds and cut back spent flowers to get the garden ready for the "
            "new season."
        ),
        address_fa="باغ گل‌های اصفهان، محل قرار: ورودی اصلی باغ",
        address_en="Isfahan Flower Garden; meeting point: the main entrance",
        text_fa="<p>کار زیر نظر باغبان‌های باغ گل‌ها انجام می‌شود و ابزار باغبانی را خود باغ می‌دهد.</p>",
        text_en="<p>The Flower Garden's gardeners supervise the work and provide the tools.</p>",
        shifts=(DemoShift(day=24, start="08:00", hours=3, capacity=15, team_places=5),),
        min_age=12,
        points_per_hour=12,
        contact_name="علیرضا نصر",
        contact_phone="09130001109",
        live=False,
    ),
    DemoCall(
        slug="naqsh-e-jahan-visitor-guides",
        service="tourist-tours",
        district=3,
        latitude="32.657500",
        longitude="51.677600",
        title_fa="راهنمای داوطلب گردشگران در میدان نقش جهان",
        title_en="Volunteer visitor guides at Naqsh-e Jahan Square",
        summary_fa=(
            "در غرفهٔ اطلاع‌رسانی میدان به گردشگران ایرانی و خارجی کمک می‌کنید و تورهای پیادهٔ کوتاه دور "
            "میدان "
            "را همراهی می‌کنید. آشنایی با زبان انگلیسی لازم است."
        ),
        summary_en=(
            "You help Iranian and foreign visitors at the square's information kiosk and go along on short "
            "walking tours around the square. Conversational English is required."
        ),
        address_fa="میدان نقش جهان، ضلع شمالی، غرفهٔ اطلاع‌رسانی گردشگری کنار سردر قیصریه",
        address_en="Naqsh-e Jahan Square, north side; the tourist information kiosk by the Qeysarieh gate",
        text_fa=(
            "<p>پیش از نخستین شیفت، جلسه‌ای دوساعته دربارهٔ تاریخ میدان، مسجد امام، مسجد شیخ لطف‌الله، "
            "عالی‌قاپو "
            "و بازار قیصریه برگزار می‌کنیم. تورها رایگان است و راهنمای داوطلب انعام نمی‌گیرد.</p>"
        ),
        text_en=(
            "<p>Before your first shift there is a two-hour briefing on the history of the square, the "
            "Imam "
            "Mosque, Sheikh Lotfollah Mosque, Ali Qapu and the Qeysarieh bazaar. Tours are free and "
            "volunteer "
            "guides do not accept tips.</p>"
        ),
        faq=(
            DemoFaq(
                "باید راهنمای رسمی گردشگری باشم؟",
                "<p>نه. شما راهنمای رسمی نیستید و تور تخصصی برگزار نمی‌کنید؛ کارتان خوشامدگویی، پاسخ دادن "
                "به "
                "پرسش‌های ساده و همراهی در مسیرهای کوتاه است.</p>",
                "Do I need to be a licensed tour guide?",
                "<p>No. You are not a licensed guide and do not run specialist tours: you welcome "
                "visitors, "
                "answer simple questions and walk short routes with them.</p>",
            ),
        ),
        shifts=(
            DemoShift(day=None, capacity=6),
            DemoShift(day=2, start="10:00", hours=4, capacity=6),
            DemoShift(day=9, start="16:00", hours=4, capacity=6),
        ),
        min_age=18,
        open_to_teams=False,
        points_per_hour=25,
        required_skills=("english-conversation",),
        contact_name="سپیده مختاری",
        contact_phone="09130001110",
    ),
    DemoCall(
        slug="kowsar-zeynabieh-hygiene",
        service="kowsar-market-hygiene",
        district=14,
        latitude="32.703000",
        longitude="51.686000",
        title_fa="پایش بهداشت غرفه‌های بازار روز کوثر زینبیه",
        title_en="Hygiene checks at the Zeynabieh Kowsar day market",
        summary_fa=(
            "همراه بازرس بهداشت شهرداری، نظافت غرفه‌ها، دمای یخچال‌های لبنیات و تاریخ مصرف کالاها را با "
            "چک‌لیست بررسی و ثبت می‌کنید."
        ),
        summary_en=(
            "Alongside a municipal health inspector, you check stall cleanliness, dairy fridge "
            "temperatures and "
            "use-by dates against a checklist, and record what you find."
        ),
        address_fa="خیابان زینبیه، بازار روز کوثر، ورودی اصلی",
        address_en="Zeynabieh Street, Kowsar day market, main entrance",
        text_fa=(
            "<p>داوطلب‌ها تذکر نمی‌دهند و جریمه نمی‌کنند؛ فقط آنچه را می‌بینند ثبت می‌کنند و تصمیم با "
            "بازرس "
            "است. دانشجویان رشته‌های بهداشت و تغذیه در اولویت‌اند.</p>"
        ),
        text_en=(
            "<p>Volunteers neither warn nor fine anyone: they record what they see and the inspector "
            "decides. "
            "Students of public health and nutrition are especially welcome.</p>"
        ),
        what_to_bring=(
            ("کارت شناسایی", "Your ID card"),
            ("گوشی با شارژ کافی برای تکمیل چک‌لیست", "A charged phone for the checklist"),
        ),
        shifts=(
            DemoShift(day=-4, start="09:00", hours=3, capacity=5),
            DemoShift(day=3, start="09:00", hours=3, capacity=5),
            DemoShift(day=17, start="09:00", hours=3, capacity=5),
        ),
        min_age=18,
        open_to_teams=False,
        points_per_hour=20,
        contact_name="فرزانه امینی",
        contact_phone="09130001111",
    ),
    DemoCall(
        slug="khaju-landmark-care",
        service="landmark-preventive-maintenance",
        district=3,
        latitude="32.636700",
        longitude="51.679000",
        title_fa="نظافت و بازدید المان‌ها و نیمکت‌های سنگی اطراف پل خواجو",
        title_en="Cleaning and inspecting the monuments and stone benches around Khaju Bridge",
        summary_fa=(
            "المان‌ها، تابلوهای معرفی و نیمکت‌های سنگی دو سوی پل خواجو را با آب و برس نرم تمیز می‌کنیم و "
            "هر "
            "ترک یا آسیبی را با عکس گزارش می‌دهیم."
        ),
        summary_en=(
            "We clean the monuments, information boards and stone benches on both banks at Khaju Bridge "
            "with "
            "water and soft brushes, and report any crack or damage with a photo."
        ),
        address_fa="پل خواجو، ساحل شمالی زاینده‌رود، محل قرار: ابتدای پل",
        address_en="Khaju Bridge, north bank of the Zayanderud; meeting point: the north end of the bridge",
        text_fa=(
            "<p>روی خود پل کار نمی‌کنیم؛ هر کاری روی بنای تاریخی فقط با کارشناسان میراث فرهنگی است. کار ما "
            "المان‌ها، تابلوها، نیمکت‌ها و سطل‌های زبالهٔ اطراف پل است.</p>"
        ),
        text_en=(
            "<p>We do not work on the bridge itself: any work on the historic structure is for heritage "
            "experts "
            "only. We look after the monuments, signs, benches and litter bins around it.</p>"
        ),
        safety_notes=(
            (
                "از مواد شوینده استفاده نکنید؛ فقط آب و برس نرم.",
                "Use no detergents: only water and a soft brush.",
            ),
            (
                "نزدیک لبهٔ رودخانه مراقب باشید، به‌ویژه وقتی آب در رود جریان دارد.",
                "Take care near the river's edge, especially when the river is flowing.",
            ),
        ),
        shifts=(
            DemoShift(day=5, start="17:00", hours=2, capacity=12, team_places=6),
            DemoShift(day=26, start="17:00", hours=2, capacity=12, team_places=6, checkin_radius_m=200),
        ),
        min_age=16,
        points_per_hour=15,
        contact_name="بهروز حیدری",
        contact_phone="09130001112",
    ),
    # --- Transport and Traffic -------------------------------------------------------------------------
    DemoCall(
        slug="car-free-tuesday-bike-stand",
        service="clean-transport-projects",
        district=5,
        latitude="32.638500",
        longitude="51.667500",
        title_fa="سه‌شنبه‌های بدون خودرو: ایستگاه دوچرخه در چهارباغ بالا",
        title_en="Car-free Tuesdays: bicycle stand on Chaharbagh-e Bala",
        summary_fa=(
            "در ایستگاه سه‌شنبه‌های بدون خودرو، در تنظیم دوچرخه و باد کردن لاستیک‌ها به شهروندان کمک "
            "می‌کنید "
            "و مسیرهای امن دوچرخه‌سواری را به آن‌ها معرفی می‌کنید."
        ),
        summary_en=(
            "At the car-free Tuesday stand, you help people adjust and pump up their bicycles and show "
            "them the "
            "safe cycling routes."
        ),
        address_fa="خیابان چهارباغ بالا، ابتدای خیابان، نزدیک سی‌وسه‌پل",
        address_en="Chaharbagh-e Bala Street, at its northern end near Si-o-se-pol",
        text_fa=(
            "<p>اصفهان سال‌هاست سه‌شنبه‌ها را روز بدون خودرو نامیده است. در ایستگاه، ابزار ساده، تلمبه و "
            "نقشهٔ "
            "مسیرهای دوچرخه هست. اگر تعمیر دوچرخه بلدید، حضورتان خیلی به کار می‌آید.</p>"
        ),
        text_en=(
            "<p>Isfahan has made Tuesday its car-free day for years. The stand has simple tools, a pump "
            "and "
            "maps of the cycling routes. If you can fix a bike, you'll be especially useful.</p>"
        ),
        what_to_bring=(
            ("دوچرخهٔ خودتان، اگر دارید", "Your own bike, if you have one"),
            ("کلاه ایمنی", "A helmet"),
        ),
        shifts=(
            DemoShift(day=-1, weekday=TUESDAY, start="07:00", hours=3, capacity=10, team_places=4),
            DemoShift(
                day=1,
                weekday=TUESDAY,
                start="07:00",
                hours=3,
                capacity=10,
                team_places=4,
                checkin_radius_m=150,
            ),
            DemoShift(day=2, weekday=TUESDAY, start="07:00", hours=3, capacity=10, team_places=4),
        ),
        min_age=12,
        points_per_hour=10,
        contact_name="امیر کاظمی",
        contact_phone="09130001201",
    ),
    DemoCall(
        slug="azadi-square-traffic-watch",
        service="street-traffic-information",
        district=5,
        latitude="32.628300",
        longitude="51.666000",
        title_fa="گزارش وضعیت ترافیک میدان آزادی در ساعت‌های اوج",
        title_en="Reporting rush-hour traffic at Azadi Square",
        summary_fa=(
            "از نقطه‌های تعیین‌شده در اطراف میدان آزادی، صف خودروها، چراغ‌های خراب و گره‌های ترافیکی را با "
            "گوشی ثبت و برای مرکز کنترل ترافیک می‌فرستید."
        ),
        summary_en=(
            "From set points around Azadi Square, you log queues, broken traffic lights and jams on your "
            "phone "
            "and send them to the traffic control centre."
        ),
        address_fa="میدان آزادی (دروازه شیراز)، محل قرار: ضلع شمالی میدان",
        address_en="Azadi Square (Darvazeh Shiraz); meeting point: the north side of the square",
        text_fa=(
            "<p>هر داوطلب جای ثابتی روی پیاده‌رو دارد و هر ربع ساعت وضعیت را ثبت می‌کند. وارد سواره‌رو "
            "نمی‌شویم "
            "و ترافیک را هدایت نمی‌کنیم؛ این کار پلیس است.</p>"
        ),
        text_en=(
            "<p>Each volunteer has a fixed spot on the pavement and logs conditions every quarter of an "
            "hour. "
            "We never step into the road or direct traffic: that is the police's job.</p>"
        ),
        shifts=(
            DemoShift(day=None, capacity=8),
            DemoShift(day=1, start="07:00", hours=2, capacity=8, checkin_radius_m=150),
            DemoShift(day=1, start="17:00", hours=2, capacity=8, checkin_radius_m=150),
        ),
        min_age=16,
        open_to_teams=False,
        points_per_hour=9,
        contact_name="نرگس صادقی",
        contact_phone="09130001202",
    ),
    # --- Cultural --------------------------------------------------------------------------------------
    DemoCall(
        slug="hasht-behesht-kids-painting",
        service="classes-and-workshops",
        district=3,
        latitude="32.654300",
        longitude="51.670000",
        title_fa="کمک‌مربی کارگاه نقاشی کودکان در باغ هشت‌بهشت",
        title_en="Assistant at the children's painting workshop in Hasht Behesht garden",
        summary_fa=(
            "در کارگاه نقاشی پنجشنبه‌ها برای کودکان ۵ تا ۱۰ ساله کنار مربی هستید: وسایل را پخش می‌کنید، به "
            "بچه‌ها کمک می‌کنید و فضا را مرتب نگه می‌دارید."
        ),
        summary_en=(
            "At the Thursday painting workshop for children aged 5 to 10, you assist the instructor: hand "
            "out "
            "materials, help the children and keep the space tidy."
        ),
        address_fa="باغ هشت‌بهشت، خیابان هشت‌بهشت، چادر کارگاه کنار کوشک",
        address_en="Hasht Behesht garden, Hasht Behesht Street; the workshop tent by the pavilion",
        text_fa=(
            "<p>موضوع کارگاه این ماه «باغ ایرانی» است: بچه‌ها از کوشک، حوض‌ها و درخت‌های باغ نقاشی "
            "می‌کشند. "
            "برنامه را مربی پیش می‌برد و شما کنار بچه‌ها هستید.</p>"
            "<p>داوطلبانی که تجربهٔ کار با کودکان دارند در اولویت‌اند.</p>"
        ),
        text_en=(
            "<p>This month's theme is “the Persian garden”: the children paint the garden's pavilion, "
            "pools "
            "and trees. The instructor leads; you stay with the children.</p>"
            "<p>Volunteers with experience of working with children are preferred.</p>"
        ),
        shifts=(
            DemoShift(day=-1, weekday=THURSDAY, start="16:00", hours=2, capacity=6, team_places=2),
            DemoShift(day=1, weekday=THURSDAY, start="16:00", hours=2, capacity=6, team_places=2),
            DemoShift(day=3, weekday=THURSDAY, start="16:00", hours=2, capacity=6, team_places=2),
        ),
        min_age=16,
        points_per_hour=12,
        contact_name="مهدی جعفری",
        contact_phone="09130001301",
    ),
    DemoCall(
        slug="parents-group-counselling",
        service="individual-and-group-counselling",
        district=3,
        latitude="32.652200",
        longitude="51.671200",
        title_fa="مشاورهٔ گروهی رایگان برای والدین نوجوانان",
        title_en="Free group counselling for parents of teenagers",
        summary_fa=(
            "روان‌شناسان و مشاوران دارای پروانه، جلسه‌های گروهی والدین را دربارهٔ گفت‌وگو با نوجوانان و "
            "استفادهٔ آن‌ها از فضای مجازی اداره می‌کنند."
        ),
        summary_en=(
            "Licensed psychologists and counsellors lead group sessions for parents on talking with "
            "teenagers "
            "and on their use of the internet."
        ),
        address_fa="خیابان آمادگاه، کتابخانهٔ مرکزی اصفهان، سالن اجتماعات",
        address_en="Amadegah Street, Isfahan Central Library, assembly hall",
        text_fa=(
            "<p>این فراخوان فقط برای روان‌شناسان و مشاورانی است که پروانهٔ سازمان نظام روان‌شناسی و مشاوره "
            "دارند؛ تصویر پروانه را پیش از شیفت به کارشناس فرهنگی بدهید. هر جلسه دو مشاور دارد و هر گروه "
            "حداکثر ۱۲ نفر است.</p>"
        ),
        text_en=(
            "<p>This call is only for psychologists and counsellors licensed by the Psychology and "
            "Counselling "
            "Organisation; give a copy of your licence to the cultural officer before your shift. Each "
            "session "
            "has two counsellors and each group at most 12 parents.</p>"
        ),
        faq=(
            DemoFaq(
                "جلسه‌ها محرمانه است؟",
                "<p>بله. از جلسه‌ها صدا یا تصویر ضبط نمی‌شود و مشاوران فقط تعداد شرکت‌کنندگان را گزارش "
                "می‌کنند.</p>",
                "Are the sessions confidential?",
                "<p>Yes. Sessions are not recorded, and counsellors report only how many people took "
                "part.</p>",
            ),
        ),
        shifts=(
            DemoShift(day=6, start="17:00", hours=2, capacity=5, signups_close_hours_before=24),
            DemoShift(day=13, start="17:00", hours=2, capacity=5, signups_close_hours_before=24),
            DemoShift(day=27, start="17:00", hours=2, capacity=5, signups_close_hours_before=24),
        ),
        min_age=18,
        open_to_teams=False,
        points_per_hour=30,
        contact_name="شیرین افشار",
        contact_phone="09130001302",
    ),
    DemoCall(
        slug="imam-ali-square-book-market",
        service="events-and-festivals",
        district=3,
        latitude="32.668200",
        longitude="51.684800",
        title_fa="میزبانی جمعه‌بازار کتاب در میدان امام علی (ع)",
        title_en="Hosting the Friday book market on Imam Ali Square",
        summary_fa=(
            "در برپایی غرفه‌ها، راهنمایی بازدیدکنندگان و گرداندن میز مبادلهٔ کتاب‌های دست‌دوم جمعه‌بازار "
            "کتاب "
            "کمک می‌کنید."
        ),
        summary_en=(
            "You help set up the stalls, guide visitors and run the second-hand book swap table at the "
            "Friday "
            "book market."
        ),
        address_fa="میدان امام علی (ع) (میدان عتیق)، کنار مسجد جامع",
        address_en="Imam Ali Square (Atiq Square), next to the Jameh Mosque",
        text_fa=(
            "<p>جمعه‌بازار کتاب هر جمعه از ساعت ۹ تا ۱۴ برپاست. شیفت صبح غرفه‌ها را برپا می‌کند و شیفت ظهر "
            "در "
            "جمع کردن غرفه‌ها و مرتب کردن میدان کمک می‌کند.</p>"
        ),
        text_en=(
            "<p>The book market runs every Friday from 9:00 to 14:00. The morning shift sets up the "
            "stalls; the "
            "midday shift helps pack them away and tidy the square.</p>"
        ),
        shifts=(
            DemoShift(day=1, weekday=FRIDAY, start="08:00", hours=3.5, capacity=15, team_places=6),
            DemoShift(day=1, weekday=FRIDAY, start="11:30", hours=3, capacity=10, team_places=4),
            DemoShift(day=2, weekday=FRIDAY, start="08:00", hours=3.5, capacity=15, team_places=6),
        ),
        min_age=12,
        points_per_hour=10,
        contact_name="پریسا نادری",
        contact_phone="09130001303",
    ),
    DemoCall(
        slug="takht-e-fulad-heritage-walk",
        service="cultural-camps-and-city-tours",
        district=6,
        latitude="32.628000",
        longitude="51.683000",
        title_fa="همراهی نوجوانان در گشت فرهنگی تخت فولاد",
        title_en="Accompanying teenagers on a heritage walk through Takht-e Fulad",
        summary_fa=(
            "گروه‌های دانش‌آموزی را در گشتی دوساعته میان تکیه‌ها و آرامگاه‌های تاریخی تخت فولاد همراهی "
            "می‌کنید "
            "و مراقب نظم و ایمنی گروه هستید."
        ),
        summary_en=(
            "You accompany school groups on a two-hour walk among the historic takyehs and tombs of "
            "Takht-e "
            "Fulad and look after the group's order and safety."
        ),
        address_fa="تخت فولاد، محل قرار: ورودی اصلی",
        address_en="Takht-e Fulad; meeting point: the main entrance",
        text_fa=(
            "<p>راوی گشت، کارشناس تاریخ سازمان فرهنگی شهرداری است و شما همراه گروه هستید. برای هر ده "
            "دانش‌آموز "
            "یک همراه داریم. در پایان گشت، بچه‌ها را فقط به معلمشان تحویل دهید.</p>"
        ),
        text_en=(
            "<p>A historian from the municipality's cultural organisation leads the walk; you accompany "
            "the "
            "group. There is one companion for every ten pupils. At the end, hand the pupils over to their "
            "teacher only.</p>"
        ),
        what_to_bring=(
            ("کفش راحت", "Comfortable shoes"),
            ("کلاه آفتابی", "A sun hat"),
            ("آب", "Water"),
        ),
        shifts=(
            DemoShift(day=-5, start="09:00", hours=2.5, capacity=6, team_places=2),
            DemoShift(day=4, start="09:00", hours=2.5, capacity=6, team_places=2),
            DemoShift(day=11, start="09:00", hours=2.5, capacity=6, team_places=2),
        ),
        min_age=18,
        points_per_hour=18,
        contact_name="محسن ابراهیمی",
        contact_phone="09130001304",
    ),
    DemoCall(
        slug="central-library-shelving",
        service="libraries-and-reading-halls",
        district=3,
        latitude="32.652200",
        longitude="51.671200",
        title_fa="چیدن قفسه‌ها و راهنمایی اعضا در کتابخانهٔ مرکزی",
        title_en="Shelving books and helping members at the Central Library",
        summary_fa=(
            "کتاب‌های برگشتی را سر جایشان در قفسه می‌گذارید، به اعضای تازه در جست‌وجوی فهرست کتابخانه کمک "
            "می‌کنید و سالن مطالعه را آرام و مرتب نگه می‌دارید."
        ),
        summary_en=(
            "You reshelve returned books, help new members search the catalogue and keep the reading hall "
            "quiet "
            "and tidy."
        ),
        address_fa="خیابان آمادگاه، روبه‌روی هتل عباسی، کتابخانهٔ مرکزی اصفهان",
        address_en="Amadegah Street, opposite the Abbasi Hotel, Isfahan Central Library",
        text_fa=(
            "<p>در نخستین شیفت، کتابدار شیوهٔ رده‌بندی و جای قفسه‌ها را نشانتان می‌دهد. کار با کتاب‌های "
            "نفیس و "
            "نسخه‌های خطی فقط با کتابداران است.</p>"
        ),
        text_en=(
            "<p>On your first shift a librarian shows you the classification scheme and where the shelves "
            "are. "
            "Rare books and manuscripts are handled by librarians only.</p>"
        ),
        shifts=(
            DemoShift(day=-1, start="10:00", hours=4, capacity=5),
            DemoShift(day=None, capacity=5),
            DemoShift(day=5, start="14:00", hours=4, capacity=5),
        ),
        min_age=16,
        points_per_hour=8,
        contact_name="طاهره کریمی",
        contact_phone="09130001305",
    ),
    DemoCall(
        slug="zayanderud-bridges-audio-guide",
        service="cultural-content-production",
        district=1,
        latitude="32.644400",
        longitude="51.667600",
        title_fa="ساختن راهنمای صوتی پل‌های تاریخی زاینده‌رود",
        title_en="Making an audio guide to the historic bridges of the Zayanderud",
        summary_fa=(
            "متن، صدا و عکس راهنمای صوتی سی‌وسه‌پل، پل جویی و پل خواجو را به فارسی و انگلیسی آماده "
            "می‌کنیم؛ "
            "نویسنده، گوینده و عکاس لازم داریم."
        ),
        summary_en=(
            "We write, record and photograph a Persian and English audio guide to Si-o-se-pol, Joui Bridge "
            "and "
            "Khaju Bridge; we need writers, narrators and photographers."
        ),
        address_fa="سی‌وسه‌پل، ضلع شمالی، محل قرار: کنار میدان انقلاب",
        address_en="Si-o-se-pol, north end; meeting point: by Enghelab Square",
        text_fa=(
            "<p>در جلسهٔ اول کارها را تقسیم می‌کنیم و سر پل‌ها عکس می‌گیریم و صدای محیط را ضبط می‌کنیم. "
            "نوشتن "
            "متن‌ها و ضبط نهایی در استودیوی سازمان فرهنگی انجام می‌شود و زمانش را با گروه هماهنگ "
            "می‌کنیم.</p>"
        ),
        text_en=(
            "<p>At the first session we divide up the work, take photos and record ambient sound at the "
            "bridges. "
            "Writing and the final recording happen at the cultural organisation's studio, at times agreed "
            "with "
            "the group.</p>"
        ),
        faq=(
            DemoFaq(
                "حق نشر محتوا با کیست؟",
                "<p>محتوا به نام سازندگانش و با پروانهٔ آزاد کریتیو کامنز منتشر می‌شود تا همه بتوانند از "
                "آن "
                "استفاده کنند.</p>",
                "Who owns the content?",
                "<p>It is published under its makers' names with a Creative Commons licence, so that "
                "anyone may "
                "use it.</p>",
            ),
        ),
        shifts=(
            DemoShift(day=3, start="17:00", hours=2, capacity=12, team_places=4),
            DemoShift(day=14, start="17:00", hours=2, capacity=12, team_places=4),
        ),
        min_age=18,
        points_per_hour=20,
        contact_name="نیما فروغی",
        contact_phone="09130001306",
    ),
    DemoCall(
        slug="chaharbagh-crafts-bazaar",
        service="vulnerable-groups-job-bazaars",
        district=1,
        latitude="32.658500",
        longitude="51.668800",
        title_fa="برپایی بازارچهٔ دست‌ساخته‌های زنان سرپرست خانوار در چهارباغ",
        title_en="Running a crafts bazaar for women heads of household on Chaharbagh",
        summary_fa=(
            "در برپایی غرفه‌ها، چیدن محصولات، فروش و حساب‌وکتاب بازارچهٔ دست‌ساخته‌های زنان سرپرست خانوار "
            "کمک "
            "می‌کنید."
        ),
        summary_en=(
            "You help set up the stalls, display the goods, sell and keep the accounts at a bazaar of "
            "crafts "
            "made by women who head their households."
        ),
        address_fa="پیاده‌راه چهارباغ عباسی، نزدیک تقاطع خیابان سپه",
        address_en="Chaharbagh-e Abbasi walkway, near the corner of Sepah Street",
        text_fa=(
            "<p>سازنده‌ها خودشان پشت غرفه‌ها هستند و شما دستیارشان هستید: در چیدمان، صندوق و بسته‌بندی کمک "
            "می‌کنید. همهٔ درآمد فروش به خود سازنده‌ها می‌رسد.</p>"
        ),
        text_en=(
            "<p>The makers run their own stalls and you assist them with displays, the till and wrapping. "
            "All "
            "the takings go to the makers.</p>"
        ),
        shifts=(
            DemoShift(day=-7, start="16:00", hours=4, capacity=10, team_places=4),
            DemoShift(day=8, start="16:00", hours=4, capacity=10, team_places=4),
            DemoShift(day=15, start="16:00", hours=4, capacity=10, team_places=4),
        ),
        min_age=18,
        points_per_hour=12,
        contact_name="معصومه رضایی",
        contact_phone="09130001307",
    ),
)


def _richtext_block(html: str) -> dict:
    return {"type": "text", "value": html}


def _checklist_block(block_type: str, items: tuple[tuple[str, str], ...], language: str) -> dict:
    index = 0 if language == "fa" else 1
    return {"type": block_type, "value": {"items": [pair[index] for pair in items]}}


def _body(plan: DemoCall, language: str) -> list[dict]:
    """The call's StreamField body in Wagtail's raw JSON form: a short text, then the optional checklists
    and questions, in the order the call page shows them."""
    blocks = [_richtext_block(plan.text_fa if language == "fa" else plan.text_en)]
    if plan.what_to_bring:
        blocks.append(_checklist_block("what_to_bring", plan.what_to_bring, language))
    if plan.safety_notes:
        blocks.append(_checklist_block("safety_notes", plan.safety_notes, language))
    for faq in plan.faq:
        if language == "fa":
            question, answer = faq.question_fa, faq.answer_fa
        else:
            question, answer = faq.question_en, faq.answer_en
        blocks.append({"type": "faq", "value": {"question": question, "answer": answer}})
    return blocks


def _shift_day(plan: DemoShift, today: datetime.date) -> datetime.date:
    if plan.weekday is None:
        return today + datetime.timedelta(days=plan.day)
    if plan.day > 0:
        ahead = (plan.weekday - today.weekday()) % 7 or 7
        return today + datetime.timedelta(days=ahead + 7 * (plan.day - 1))
    back = (today.weekday() - plan.weekday) % 7 or 7
    return today - datetime.timedelta(days=back + 7 * (-plan.day - 1))


def _shift_times(plan: DemoShift, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    if plan.day is None:
        starts_at = now.replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
        return starts_at, starts_at + datetime.timedelta(hours=3)
    # Wall-clock hours in the city's time zone, whatever time zone the loading process has activated.
    city = timezone.get_default_timezone()
    hour, minute = (int(part) for part in plan.start.split(":"))
    day = _shift_day(plan, timezone.localtime(now, city).date())
    starts_at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=city)
    return starts_at, starts_at + datetime.timedelta(hours=plan.hours)


def _shifts(plan: DemoCall, call: OpenCallPage, now: datetime.datetime) -> list[Shift]:
    shifts = []
    for shift_plan in plan.shifts:
        starts_at, ends_at = _shift_times(shift_plan, now)
        shift = Shift(
            call=call,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=shift_plan.capacity,
            team_places=shift_plan.team_places,
            checkin_radius_m=shift_plan.checkin_radius_m,
            signups_close_at=(
                starts_at - datetime.timedelta(hours=shift_plan.signups_close_hours_before)
                if shift_plan.signups_close_hours_before
                else None
            ),
        )
        # Field validators and Shift.clean()'s rules; the check constraints are left to the database, which
        # enforces them on insert anyway (validating them here costs a query each).
        shift.full_clean(exclude=["call"], validate_constraints=False)
        shifts.append(shift)
    return shifts


def _call_page(plan: DemoCall, service: Service, district: District) -> OpenCallPage:
    return OpenCallPage(
        title=plan.title_fa,
        slug=plan.slug,
        live=plan.live,
        title_en=plan.title_en,
        service=service,
        summary_fa=plan.summary_fa,
        summary_en=plan.summary_en,
        body_fa=_body(plan, "fa"),
        body_en=_body(plan, "en"),
        district=district,
        address_fa=plan.address_fa,
        address_en=plan.address_en,
        latitude=Decimal(plan.latitude),
        longitude=Decimal(plan.longitude),
        min_age=plan.min_age,
        open_to_individuals=plan.open_to_individuals,
        open_to_teams=plan.open_to_teams,
        points_per_hour=plan.points_per_hour,
        contact_name=plan.contact_name,
        contact_phone=plan.contact_phone,
    )


@transaction.atomic
def demo_calls_load(*, now: datetime.datetime | None = None) -> DemoCallsLoaded:
    """Creates the demo open calls that are not there yet, each with its shifts; a second run changes nothing.

    Calls go under their department's section (set up here if it is missing), so OpenCallPage.clean() checks
    each call's service against the section's department, as it does for calls staff write.
    """
    now = now or timezone.now()
    services = {service.slug: service for service in Service.objects.select_related("department")}
    districts = {district.number: district for district in District.objects.all()}
    sections: dict[int, DepartmentCallsPage] = {}
    loaded = DemoCallsLoaded()
    skills = {
        slug: Skill.objects.get_or_create(slug=slug, defaults={"name_fa": name_fa, "name_en": name_en})[0]
        for slug, name_fa, name_en in DEMO_SKILLS
    }

    for plan in DEMO_CALLS:
        service = services[plan.service]
        department: Department = service.department
        if department.pk not in sections:
            sections[department.pk] = department_section_ensure(department=department)
        section = sections[department.pk]
        if section.get_children().filter(slug=plan.slug).exists():
            loaded.existing += 1
            continue

        call = section.add_child(instance=_call_page(plan, service, districts[plan.district]))
        if plan.required_skills:
            call.required_skills.set([skills[slug] for slug in plan.required_skills])
            call.save(clean=False)
        # add_child() has just run full_clean() (and OpenCallPage.clean()) on this very page.
        revision = call.save_revision(clean=False)
        if plan.live:
            revision.publish()
        shifts = Shift.objects.bulk_create(_shifts(plan, call, now))
        if plan.closure_reason:
            # Nobody has signed up for a call created a moment ago, so closing it tells no one.
            call_close(call=call, actor=None, reason=plan.closure_reason)
        loaded.created.append(call)
        loaded.shifts_created += len(shifts)
    return loaded


@transaction.atomic
def demo_team_reservation_load(*, now: datetime.datetime | None = None) -> TeamReservation | None:
    """The demo NGO's team holds places on an upcoming demo shift, with two members assigned, through the
    same services as a manager would use. Runs after the demo people exist; a second run changes nothing.
    """
    from django.contrib.auth import get_user_model

    from volunteers.demo import DEMO_NGO, DEMO_TEAM_NAME
    from volunteers.models import Team

    now = now or timezone.now()
    team = Team.objects.filter(
        organisation__registration_number=DEMO_NGO["registration_number"], name=DEMO_TEAM_NAME
    ).first()
    if team is None:
        return None
    existing = TeamReservation.objects.filter(team=team).order_by("pk").first()
    if existing is not None:
        return existing
    release_hours = datetime.timedelta(hours=settings.TEAM_PLACES_RELEASE_HOURS)
    shift = (
        Shift.objects.filter(
            call__slug=DEMO_TEAM_RESERVATION_CALL,
            call__live=True,
            team_places__gte=DEMO_TEAM_RESERVATION_PLACES,
            starts_at__gt=now + release_hours + datetime.timedelta(days=1),
        )
        .order_by("starts_at")
        .first()
    )
    if shift is None:
        return None
    people = get_user_model().objects.in_bulk(
        ["ngo-manager", *DEMO_TEAM_RESERVATION_MEMBERS], field_name="username"
    )
    reservation = team_reservation_create(
        shift=shift, team=team, places=DEMO_TEAM_RESERVATION_PLACES, actor=people["ngo-manager"]
    )
    for username in DEMO_TEAM_RESERVATION_MEMBERS:
        team_reservation_assign(
            reservation=reservation, member=people[username], actor=people["ngo-manager"]
        )
    reservation.refresh_from_db()
    return reservation
