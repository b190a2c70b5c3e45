"""The server-drawn charts: accessible alternatives, Persian digits, mirrored in right-to-left pages."""

import datetime
import re
from decimal import Decimal

from django.template import Context, Template
from django.utils import timezone, translation

from core import charts
from core.charts import Datum

MONTHS = [
    Datum(label="فروردین ۱۴۰۴", short_label="فروردین", value=Decimal("12.5"), key="1404-01"),
    Datum(label="اردیبهشت ۱۴۰۴", short_label="اردیبهشت", value=0, key="1404-02"),
    Datum(label="خرداد ۱۴۰۴", short_label="خرداد", value=Decimal("3"), key="1404-03"),
]


def render(tag: str, data, language: str = "fa") -> str:
    with translation.override(language):
        template = Template("{% load charts %}" + tag)
        return template.render(Context({"data": data}))


def bar_xs(html: str) -> list[float]:
    return [float(x) for x in re.findall(r'<rect class="chart__bar" x="([\d.]+)"', html)]


def test_a_column_chart_carries_a_title_a_description_and_a_hidden_table():
    html = render(
        '{% column_chart data title="Hours per month" unit="hours" label_heading="Month" %}', MONTHS
    )

    assert 'role="img"' in html
    title_id, desc_id = re.search(r'aria-labelledby="(\S+) (\S+)"', html).groups()
    assert f'<title id="{title_id}">Hours per month</title>' in html
    assert re.search(rf'<desc id="{desc_id}">[^<]*خرداد ۱۴۰۴|<desc id="{desc_id}">[^<]*فروردین ۱۴۰۴', html)
    table = html[html.index('<table class="chart__table">') :]
    assert "<caption>Hours per month</caption>" in table
    assert '<th scope="row">اردیبهشت ۱۴۰۴</th><td>۰</td>' in table
    assert "<td>۱۲٫۵</td>" in table


def test_persian_pages_mirror_the_bars_and_english_ones_do_not():
    persian = bar_xs(render('{% column_chart data title="t" %}', MONTHS, "fa"))
    english = bar_xs(render('{% column_chart data title="t" %}', MONTHS, "en"))

    # Two bars drawn (the zero month has none); the oldest month is on the reader's starting side.
    assert len(persian) == len(english) == 2
    assert persian[0] > persian[1]
    assert english[0] < english[1]
    width = float(
        re.search(
            r'<rect class="chart__bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"',
            render('{% column_chart data title="t" %}', MONTHS, "en"),
        ).group(1)
    )
    assert abs(persian[0] + width - (360 - english[0])) < 0.05  # an exact mirror image
    assert 'direction="rtl"' in render('{% column_chart data title="t" %}', MONTHS, "fa")


def test_numbers_in_the_drawing_use_the_readers_digits():
    persian = render('{% bar_chart data title="t" %}', MONTHS, "fa")
    english = render('{% bar_chart data title="t" %}', MONTHS, "en")

    assert ">۱۲٫۵</text>" in persian
    assert ">12.5</text>" in english


def test_a_bar_chart_with_totals_shows_value_of_total():
    data = [Datum(label="تیم ۱", value=3, total=5)]
    html = render('{% bar_chart data title="Places" total_heading="reserved" %}', data, "en")

    assert 'class="chart__track"' in html
    assert "3 of 5" in html
    assert '<th scope="col">reserved</th>' in html


def test_nothing_to_show_is_a_note_not_an_empty_drawing():
    zeros = [Datum(label="a", value=0), Datum(label="b", value=0)]
    for data in ([], zeros):
        html = render('{% column_chart data title="Hours" empty="Nothing yet." %}', data)
        assert "<svg" not in html
        assert "Nothing yet." in html and "Hours" in html


def test_round_tops_for_the_value_axis():
    assert [charts.nice_ceiling(value) for value in (0, 3, 7, 12.5, 180, 2400)] == [1, 5, 10, 20, 200, 2500]


def test_the_last_twelve_jalali_months_end_with_this_one():
    now = timezone.make_aware(datetime.datetime(2025, 8, 10, 12))  # 19 Mordad 1404

    keys = charts.month_keys(12, now=now)

    assert keys[0] == "1403-06" and keys[-1] == "1404-05" and len(keys) == 12
    assert charts.month_start("1404-05") == timezone.make_aware(datetime.datetime(2025, 7, 23))
    with translation.override("en"):
        assert charts.month_label("1404-05") == "Mordad 1404"


def test_the_value_axis_ticks_are_round_steps_from_zero_past_the_largest_value():
    assert charts.value_axis(21) == (25, [0, 5, 10, 15, 20, 25])
    assert charts.value_axis(320) == (400, [0, 100, 200, 300, 400])
    assert charts.value_axis(0) == (1, [0, 1])
