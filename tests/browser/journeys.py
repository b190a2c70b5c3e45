"""Helpers shared by the browser journeys: addresses in either language, logging in through the real form,
checks of direction and digits, and small real files to upload.

Elements are found by form field names, roles and addresses rather than by Persian wording, which the
translators may still change."""

import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import blocking_accessibility_violations

# The password PersonFactory gives everyone it makes.
FACTORY_PASSWORD = "a-long-secret-9"
PERSIAN_DIGITS = re.compile("[۰-۹]")
ASCII_DIGITS = re.compile("[0-9]")
# A Jalali year as the site prints it this century (۱۴۰۰–۱۴۹۹), in either set of digits.
JALALI_YEAR = re.compile("(۱۴[۰-۹]{2}|14[0-9]{2})")
LANGUAGES = ("fa", "en")


def site_url(live_server, path: str, language: str = "fa") -> str:
    """The live server's address of `path` (which starts with "/") in the language: Persian at the root,
    English under /en/."""
    prefix = "/en" if language == "en" else ""
    return f"{live_server.url}{prefix}{path}"


def log_in(page: Page, live_server, username: str, *, password: str = FACTORY_PASSWORD, language: str = "fa"):
    """Logs in through the log-in form, as a person would, and waits until the site has let them in."""
    page.goto(site_url(live_server, "/account/login/", language))
    form = page.locator("form.form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
    expect(page.locator(f"header a[href$='{_prefix(language)}/my/shifts/']")).to_be_visible()


def _prefix(language: str) -> str:
    return "/en" if language == "en" else ""


def expect_reads_in(page: Page, language: str) -> None:
    """The page is in the language: `lang`, the direction that goes with it, and its digits in <main>."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
    text = page.locator("main").inner_text()
    if language == "fa":
        assert not ASCII_DIGITS.search(_without_latin_runs(text)), f"{page.url}: Latin digits in {text!r}"
    else:
        assert not PERSIAN_DIGITS.search(text), f"{page.url}: Persian digits in {text!r}"


def _without_latin_runs(text: str) -> str:
    """Text minus codes and addresses shown left to right on purpose (a voucher code, a phone number
    typed in Latin digits), which are not prose."""
    return re.sub(r"[A-Za-z0-9][A-Za-z0-9\-_/.:]*[A-Za-z][A-Za-z0-9\-_/.:]*", "", text)


def expect_accessible(page: Page) -> None:
    """axe-core finds nothing serious or critical on the page."""
    violations = blocking_accessibility_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def small_jpeg(folder: Path, name: str = "after.jpg") -> Path:
    """A small, real JPEG photo on disk, for a file input."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 140, 90)).save(buffer, format="JPEG", quality=80)
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


JALALI_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip


def to_persian_digits(text: str) -> str:
    return str(text).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def jalali_day(moment) -> str:
    """How a Persian page writes the day of `moment` (in Tehran): "۲۵ فروردین ۱۴۰۵"."""
    import jdatetime
    from django.utils import timezone

    day = jdatetime.date.fromgregorian(date=timezone.localtime(moment).date())
    return to_persian_digits(f"{day.day} {JALALI_MONTHS[day.month - 1]} {day.year}")


def gregorian_day(moment) -> str:
    """How an English page writes the day of `moment` (in Tehran): "14 April 2026"."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def day_as_written(moment, language: str) -> str:
    return jalali_day(moment) if language == "fa" else gregorian_day(moment)


def watch_server_errors(page: Page) -> list[str]:
    """A list that fills with every answer of 500 or more the page gets: assert it stays empty."""
    errors: list[str] = []
    page.on(
        "response",
        lambda response: response.status >= 500 and errors.append(f"{response.status} {response.url}"),
    )
    return errors
