"""Browser tests: Playwright for Python drives Debian's Chromium (never a downloaded browser) against
pytest-django's live server, on a phone-sized screen unless a test asks for a desk.

Playwright's sync API runs an event loop in the test's thread, and Django refuses ORM calls from a thread
with a running loop; the tests set data up and read it back in that thread, so that guard is lifted here.
"""

import os
import shutil
from collections.abc import Iterator

import pytest

from tests.servers import skip_or_fail

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
INSTALL_CHROMIUM = "Chromium is not installed; install it with `apt-get install chromium`"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
# axe-core impacts that fail a page; "minor" and "moderate" findings are left to review.
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if CHROMIUM is None:
        skip_or_fail(INSTALL_CHROMIUM)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Under Playwright's running event loop this thread sees fresh connection objects, without the copy of
    # the migrated database that `serialized_rollback` restores from; hand them the copy.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    playwright = sync_playwright().start()
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()
    playwright.stop()


def new_page(browser, *, viewport: dict, locale: str):
    context = browser.new_context(
        viewport=viewport,
        locale=locale,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
        device_scale_factor=2 if viewport is PHONE else 1,
        # Map tiles come from the internet, which tests must not need.
        service_workers="block",
    )
    context.route("**/*", _only_local_requests)
    context.set_default_timeout(15_000)
    return context.new_page()


def _only_local_requests(route):
    url = route.request.url
    if url.startswith(("http://localhost", "http://127.0.0.1", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def phone(browser) -> Iterator:
    """A page on a 390×844 phone screen whose browser prefers Persian."""
    page = new_page(browser, viewport=PHONE, locale="fa-IR")
    yield page
    page.context.close()


@pytest.fixture
def desk(browser) -> Iterator:
    """A page on a desk-sized screen, for staff at their desks and counters."""
    page = new_page(browser, viewport=DESK, locale="fa-IR")
    yield page
    page.context.close()


def blocking_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
