"""The public pages: Persian first (RTL, Jalali, Persian digits), English under /en/."""

import re

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from city.models import Service
from cms.models import HomePage
from core.localization import format_date

pytestmark = pytest.mark.django_db


def page(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def test_the_home_page_is_persian_and_right_to_left_by_default(client):
    # An English browser still gets the city's language at the root; English lives under /en/.
    soup = page(client, "/", accept_language="en")

    assert soup.html["lang"] == "fa"
    assert soup.html["dir"] == "rtl"
    assert "با همیار، شهر را با هم می‌سازیم" in soup.h1.text
    stats = [dd.text.strip() for dd in soup.select(".stat dd")]
    assert stats == ["۲۱", "۳"]
    assert format_date(timezone.localdate(), language="fa") in soup.select_one("#headline-heading").text


def test_the_english_home_page_is_left_to_right_with_gregorian_dates(client):
    soup = page(client, "/en/")

    assert soup.html["lang"] == "en"
    assert soup.html["dir"] == "ltr"
    assert soup.h1.text.strip() == "With Hamyar, we build our city together"
    assert [dd.text.strip() for dd in soup.select(".stat dd")] == ["21", "3"]
    heading = soup.select_one("#headline-heading").text
    assert format_date(timezone.localdate(), language="en") in heading
    assert not re.search("[۰-۹]", heading)


def test_the_home_page_lists_every_service_by_department(client):
    soup = page(client, "/")

    links = {a["href"] for a in soup.select(".service-card a")}
    assert links == {f"/services/{slug}/" for slug in Service.objects.values_list("slug", flat=True)}
    assert [h2.text for h2 in soup.select(".department h2")] == [
        "معاونت خدمات شهری",
        "معاونت حمل‌ونقل و ترافیک",
        "معاونت فرهنگی",
    ]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_service_has_a_public_page_in_both_languages(client, prefix):
    for service in Service.objects.select_related("department"):
        soup = page(client, f"{prefix}/services/{service.slug}/")
        expected_name = service.short_name_en if prefix else service.short_name_fa
        assert soup.h1.text.strip() == expected_name
        assert soup.html["dir"] == ("ltr" if prefix else "rtl")


def test_a_service_page_shows_the_panels_ratings_in_persian_digits(client):
    soup = page(client, "/services/vulnerable-groups-job-bazaars/")

    final_round = soup.select("table tbody tr")[-1]
    assert [cell.text.strip() for cell in final_round.select("th, td")] == ["۳", "۴٫۹۶", "۰٫۸۷"]
    assert "۰٫۹۶۲" in soup.select_one(".study").text  # the cultural panel's Kendall's W, every digit


def test_an_unknown_service_page_is_a_friendly_404(client):
    response = client.get("/services/no-such-service/")

    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["dir"] == "rtl"
    assert soup.select_one("a.button")["href"] == "/services/"


def test_switching_language_keeps_the_reader_on_the_same_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/services/tourist-tours/"})

    assert response.status_code == 302
    assert response["location"] == "/en/services/tourist-tours/"


def test_the_catalogue_page_explains_the_study(client):
    soup = page(client, "/en/services/")

    study = soup.select_one("#study").text
    assert "368" in study and "168" in study and "21" in study


class HomePageTests(WagtailPageTestCase):
    def test_there_is_one_home_page_at_the_top_and_it_renders(self):
        home = HomePage.objects.get()

        self.assertPageIsRenderable(home)
        self.assertEqual(home.get_parent().specific_class, Page)
        self.assertCanNotCreateAt(HomePage, HomePage)
