"""Citizen voice on the web: a citizen without an account proves their mobile, reports a problem with a
photo and a pin, follows it, is answered and rates it; staff answer, transfer and enter calls; the public
sees only published items, never the author; monitoring counts from the timeline."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from campaigns.tests.factories import PersonFactory
from verification.tests.factories import jpeg_with_gps, staff_of, upload
from voice import selectors, services
from voice.models import Item, Kind, Step
from volunteers.sms import OutboxSmsBackend

from .factories import department, limits_cleared, received, subject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    limits_cleared()
    OutboxSmsBackend.outbox.clear()


def text_of(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def prove(client, mobile="09351230000"):
    client.post(reverse("voice:new"), {"step": "ask", "phone": mobile})
    code = OutboxSmsBackend.last_code(mobile)
    response = client.post(reverse("voice:new"), {"step": "confirm", "phone": mobile, "code": code})
    assert response.status_code == 302


def test_a_citizen_without_an_account_reports_a_problem_and_rates_the_answer(
    client, django_capture_on_commit_callbacks
):
    prove(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("voice:new"),
            {
                "kind": "problem",
                "category": subject().pk,
                "title": "چاله در پیاده‌رو",
                "body": "جلوی ایستگاه اتوبوس <script>alert(1)</script>",
                "latitude": "32.654600",
                "longitude": "51.668000",
                "photos": [upload(jpeg_with_gps())],
                "public_allowed": "on",
            },
        )
    item = Item.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "voice:mine", args=[item.tracking_code, item.author_key]
    )
    assert (item.mobile, item.channel, item.author) == ("09351230000", "web", None)
    assert item.tracking_code in OutboxSmsBackend.outbox[-1]["text"]
    with Image.open(item.photos.get().image) as stored:
        assert not stored.getexif()  # no GPS kept

    page = client.get(response.url)
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()

    services.item_answer(item_id=item.pk, by=staff_of("urban_services"), text="اکیپ فردا اعزام می‌شود.")
    page = client.get(response.url)
    assert "اکیپ فردا اعزام می‌شود." in text_of(page)
    rated = client.post(response.url, {"rating": "4", "comment": ""})
    assert rated.status_code == 302
    item.refresh_from_db()
    assert (item.rating, item.status) == (4, Item.Status.CLOSED)


def test_a_wrong_key_or_code_finds_nothing(client):
    item = received()
    assert client.get(reverse("voice:mine", args=[item.tracking_code, "wrong"])).status_code == 404
    assert client.get(reverse("voice:public_item", args=[item.tracking_code])).status_code == 404


def test_tracking_by_code_shows_the_state_but_not_the_words(client):
    item = received(body="شمارهٔ من ۰۹۱۲ است")
    with translation.override("en"):
        response = client.get(reverse("voice:track"), {"code": item.tracking_code})
    assert response.status_code == 200
    assert "Urban Services Deputy" in text_of(response)
    assert "۰۹۱۲" not in text_of(response)
    assert client.get(reverse("voice:track"), {"code": "1111111111"}).status_code == 404


def test_a_missing_place_is_a_clear_400_that_keeps_what_was_typed(client):
    prove(client)
    with translation.override("en"):
        response = client.post(
            reverse("voice:new"),
            {"kind": "problem", "category": subject().pk, "title": "Broken bench", "body": "In the park"},
        )
    assert response.status_code == 400
    assert "Put a pin on the map or write the address" in text_of(response)
    assert "Broken bench" in response.content.decode()
    assert not Item.objects.exists()


def test_a_logged_in_citizen_needs_no_code_and_finds_it_in_their_list(client):
    person = PersonFactory()
    client.force_login(person)
    response = client.post(
        reverse("voice:new"),
        {"kind": "thanks", "category": subject("cultural").pk, "title": "کتابخانهٔ خوب", "body": "ممنون"},
    )
    assert response.status_code == 302
    assert "کتابخانهٔ خوب" in text_of(client.get(reverse("voice:my_items")))


def test_the_public_sees_published_items_without_the_author(client):
    staff = staff_of("urban_services")
    shown = received(public_allowed=True, name="", title="چراغ خاموش")
    hidden = received(title="موضوع خصوصی")
    services.item_publish(
        item_id=shown.pk, by=staff, public_title="چراغ خاموش در پارک", public_body="سه چراغ خاموش است"
    )
    services.item_answer(item_id=shown.pk, by=staff, text="تعمیر شد")

    listing = text_of(client.get(reverse("voice:home")))
    assert "چراغ خاموش در پارک" in listing and "موضوع خصوصی" not in listing
    page = client.get(reverse("voice:public_item", args=[shown.tracking_code]))
    assert "تعمیر شد" in text_of(page) and shown.mobile not in page.content.decode()
    filtered = text_of(client.get(reverse("voice:home"), {"status": "awaiting"}))
    assert "چراغ خاموش در پارک" not in filtered
    assert hidden.tracking_code not in client.get(reverse("voice:home")).content.decode()


def test_me_too_needs_an_account_and_counts_once(client):
    staff = staff_of("urban_services")
    item = received(public_allowed=True)
    services.item_publish(item_id=item.pk, by=staff, public_title="", public_body="")
    url = reverse("voice:support", args=[item.tracking_code])
    assert client.post(url).status_code == 302 and Item.objects.get(pk=item.pk).supporters == 0
    client.force_login(PersonFactory())
    client.post(url)
    client.post(url)
    assert Item.objects.get(pk=item.pk).supporters == 1


def test_staff_see_their_inbox_answer_and_transfer(client):
    urban = staff_of("urban_services")
    mine, theirs = received(title="مال خدمات شهری"), received(title="مال فرهنگی", department_slug="cultural")
    client.force_login(urban)
    inbox = text_of(client.get(reverse("voice_admin:inbox")))
    assert "مال خدمات شهری" in inbox and "مال فرهنگی" not in inbox
    assert client.get(reverse("voice_admin:item", args=[theirs.pk])).status_code == 404

    refused = client.post(
        reverse("voice_admin:act", args=[mine.pk, "transfer"]),
        {"to_department": department("traffic").pk, "reason": ""},
    )
    assert refused.status_code == 400
    client.post(
        reverse("voice_admin:act", args=[mine.pk, "transfer"]),
        {"to_department": department("traffic").pk, "reason": "ترافیکی است"},
    )
    assert Item.objects.get(pk=mine.pk).department.slug == "traffic"
    assert client.get(reverse("voice_admin:item", args=[mine.pk])).status_code == 404

    client.force_login(staff_of("traffic"))
    client.post(reverse("voice_admin:act", args=[mine.pk, "answer"]), {"text": "پیگیری شد"})
    second = client.post(reverse("voice_admin:act", args=[mine.pk, "answer"]), {"text": "دوباره"})
    assert second.status_code == 409
    assert Item.objects.get(pk=mine.pk).steps.filter(action="answered").count() == 1


def test_an_operator_enters_a_call_for_a_caller(client, django_capture_on_commit_callbacks):
    operator = staff_of("traffic")
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("voice_admin:enter"),
            {
                "channel": "phone",
                "mobile": "۰۹۱۲۷۷۷۶۶۵۵",
                "name": "آقای رضایی",
                "kind": "complaint",
                "category": subject("traffic").pk,
                "title": "چراغ راهنمایی خراب",
                "body": "چهارراه خراب است",
                "address": "چهارراه نظر",
                "language": "en",
            },
        )
    assert response.status_code == 302
    item = Item.objects.get()
    assert (item.channel, item.mobile, item.entered_by, item.language) == (
        "phone",
        "09127776655",
        operator,
        "en",
    )
    assert "Tracking code" in OutboxSmsBackend.outbox[-1]["text"]


def test_monitoring_counts_from_the_timeline():
    staff = staff_of("urban_services")
    fast, slow, waiting = received(), received(), received()
    services.item_answer(item_id=fast.pk, by=staff, text="انجام شد")
    services.item_rate(item=Item.objects.get(pk=fast.pk), rating=5)
    services.item_answer(item_id=slow.pk, by=staff, text="انجام شد")
    # The slow one was answered long after its target: move its answer a month of working time on.
    Step.objects.filter(item=slow, action="answered").update(at=timezone.now() + datetime.timedelta(days=40))

    rows = [row for row in selectors.monitoring() if row.department.slug == "urban_services"]
    assert len(rows) == 1
    row = rows[0]
    assert (row.received, row.answered, row.answered_in_time) == (3, 2, 1)
    assert row.average_rating == 5
    assert row.p90_to_answer > row.median_to_answer >= 0
    assert waiting.status == Item.Status.OPEN


def test_the_monitoring_page_renders_in_both_languages(client):
    received()
    assert client.get(reverse("voice:monitoring")).status_code == 200
    with translation.override("en"):
        response = client.get(reverse("voice:monitoring"))
    assert "Urban Services Deputy" in text_of(response)


def test_kinds_are_offered_on_the_form(client):
    client.force_login(PersonFactory())
    page = client.get(reverse("voice:new") + "?kind=problem")
    assert page.status_code == 200
    checked = BeautifulSoup(page.content, "html.parser").select_one("input[name=kind][checked]")
    assert checked["value"] == Kind.PROBLEM


def test_a_complaint_about_a_decision_starts_from_the_report_and_goes_to_another_approver(client):
    from verification.services import completion_reject
    from verification.tests.factories import ended_signup, reported

    signup = ended_signup()
    decider = staff_of("urban_services")
    verification = completion_reject(completion=reported(signup), actor=decider, reason="عکس ندارد")
    client.force_login(signup.volunteer)
    detail = client.get(reverse("verification:detail", args=[verification.completion_id]))
    link = BeautifulSoup(detail.content, "html.parser").select_one("a[href*='verification=']")["href"]

    form = client.get(link)
    assert form.status_code == 200
    soup = BeautifulSoup(form.content, "html.parser")
    assert soup.select_one("input[name=kind][value=complaint]").has_attr("checked")
    assert soup.select_one("input[name=verification]")["value"] == str(verification.pk)
    category = soup.select_one("select[name=category] option[selected]")["value"]
    response = client.post(
        reverse("voice:new"),
        {
            "kind": "complaint",
            "category": category,
            "title": "تصمیم نادرست",
            "body": "عکس فرستاده بودم",
            "verification": verification.pk,
        },
    )
    assert response.status_code == 302
    item = Item.objects.get()
    assert (item.verification, item.not_for, item.public_allowed) == (verification, decider, False)
    # Someone else's decision cannot be named.
    client.force_login(PersonFactory())
    assert "verification" not in client.get(link).context_data


def test_a_call_page_leads_to_a_message_about_the_call(client):
    from campaigns.tests.factories import publish_call

    call = publish_call(service_slug="street-traffic-information")
    page = client.get(call.url)
    link = BeautifulSoup(page.content, "html.parser").select_one(".call-voice a")["href"]
    client.force_login(PersonFactory())
    client.post(
        link.split("?")[0],
        {
            "kind": "suggestion",
            "category": subject("urban_services").pk,
            "title": "نوبت عصر",
            "body": "نوبت عصر هم بگذارید",
            "call": call.pk,
        },
    )
    item = Item.objects.get()
    assert item.call_id == call.pk and item.department.slug == "traffic"


def test_monitoring_asks_for_the_holidays_once_however_many_items(django_assert_max_num_queries):
    staff = staff_of("urban_services")
    for _ in range(6):
        item = received()
        services.item_answer(item_id=item.pk, by=staff, text="انجام شد")
    with django_assert_max_num_queries(8):
        selectors.monitoring()
