"""Regenerates the README's screenshots of the main pages, in Persian and English, on a phone and a desk.

    .venv/bin/python scripts/screenshots.py [--output docs/screenshots] [--only home,calls]

It builds a throw-away site (a fresh SQLite database in a temporary folder, migrated, with the demo data),
serves it with `manage.py runserver` on a free loopback port, and photographs it with Debian's Chromium
through Playwright. Nothing is fetched from the internet: map tiles and Gravatar avatars are replaced by
local stand-ins and every other outside request is blocked. The checkout's own database and media are
never touched. It exits non-zero when a page fails to load, lands on a log-in page, or the site cannot be
built.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "hamyar-demo-1405"
LANGUAGES = {"fa": "fa-IR", "en": "en-US"}


@dataclass(frozen=True)
class Device:
    name: str
    width: int
    height: int
    # Full-page pictures are cut here: long listings would otherwise make tall, heavy files.
    max_height: int
    mobile: bool


DEVICES = (
    Device("phone", 390, 844, max_height=2200, mobile=True),
    Device("desktop", 1366, 900, max_height=1500, mobile=False),
)


@dataclass(frozen=True)
class Shot:
    name: str
    path: str  # the Persian address; the English one is under /en/ unless `admin`
    user: str | None = None
    # The Wagtail admin sits outside the language prefixes and speaks the user's preferred language.
    admin: bool = False

    def url_path(self, language: str) -> str:
        if self.admin or language == "fa":
            return self.path
        return "/en" + self.path


CALL_TO_SIGN_UP_FOR = "/calls/urban-services/chaharbagh-friday-sweep/"
# `{voucher}` is filled in once the demo citizen has redeemed a reward (the demo data has no voucher).
SHOTS = (
    Shot("home", "/"),
    Shot("calls", "/calls/"),
    Shot("call", CALL_TO_SIGN_UP_FOR, user="citizen"),
    Shot("my-shifts", "/my/shifts/", user="citizen"),
    Shot("leaderboards", "/leaderboards/", user="citizen"),
    Shot("rewards", "/rewards/", user="citizen"),
    Shot("voucher", "/rewards/vouchers/{voucher}/", user="citizen"),
    Shot("verification-queue", "/admin/verification/", user="staff-urban", admin=True),
    Shot("voice", "/voice/"),
    Shot("voice-monitoring", "/voice/monitoring/"),
    Shot("voice-inbox", "/admin/voice/", user="staff-urban", admin=True),
    Shot("open-city", "/open-city/"),
)

# A bigger file is re-encoded with a 256-colour palette, which text and flat colours survive well.
SIZE_BUDGET = 300 * 1024


class ScreenshotError(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="comma-separated shot names, e.g. home,calls")
    arguments = parser.parse_args()
    wanted = {name for name in arguments.only.split(",") if name}
    unknown = wanted - {shot.name for shot in SHOTS}
    if unknown:
        parser.error(f"unknown shots: {', '.join(sorted(unknown))}")
    shots = [shot for shot in SHOTS if not wanted or shot.name in wanted]
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing; install it with `apt-get install chromium`.", file=sys.stderr)
        return 1
    arguments.output.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="hamyar-screenshots-") as workdir:
        environment = _site_environment(Path(workdir))
        try:
            _compile_translations(environment)
            _build_site(environment)
            with _Server(environment, Path(workdir) / "server.log") as server:
                problems = _photograph(server.base_url, shots, arguments.output, environment)
        except ScreenshotError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    if problems:
        print("\nFailed:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


def _site_environment(workdir: Path) -> dict[str, str]:
    """The settings of an embedded development site that lives entirely in `workdir`."""
    environment = {
        key: value
        for key, value in os.environ.items()
        # A developer's own broker or result store would send the demo's tasks somewhere else.
        if not key.startswith(("CELERY_", "DJANGO_", "DATABASE_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="true",  # load_demo refuses to run without it; runserver serves static files
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        REDIS_URL="",
        EMAIL_URL="dummymail://",
        SMS_BACKEND="volunteers.sms.DummySmsBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return environment


def _manage(environment: dict[str, str], *arguments: str) -> None:
    command = [sys.executable, "manage.py", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        raise ScreenshotError(f"`manage.py {' '.join(arguments)}` failed:\n" + "\n".join(output[-30:]))


def _compile_translations(environment: dict[str, str]) -> None:
    """Persian pictures need the compiled catalogue; `./dev` compiles it too, but this runs on its own."""
    stale = [
        po
        for po in ROOT.glob("locale/*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if not stale:
        return
    if shutil.which("msgfmt") is None:
        print("warning: translations are not compiled and msgfmt (gettext) is missing", file=sys.stderr)
        return
    _step("Compiling translations")
    _manage(environment, "compilemessages", "-v0", "--ignore=.venv")


def _build_site(environment: dict[str, str]) -> None:
    _step("Migrating a fresh SQLite database")
    _manage(environment, "migrate", "--no-input", "-v0")
    _step("Loading the demo data")
    _manage(environment, "load_demo")


class _Server:
    """`manage.py runserver` on a free loopback port, stopped (by its own process id) on leaving."""

    def __init__(self, environment: dict[str, str], log_path: Path):
        self.environment = environment
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.base_url = ""

    def __enter__(self) -> _Server:
        port = _free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        _step(f"Serving the demo site on {self.base_url}")
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=self.environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ScreenshotError("the server stopped while starting:\n" + self._log_tail())
            try:
                with urllib.request.urlopen(self.base_url + "/", timeout=5):  # noqa: S310 (loopback)
                    return
            except urllib.error.HTTPError:
                return  # it answered; the pages themselves are checked one by one
            except OSError:
                time.sleep(0.5)
        raise ScreenshotError(f"the server did not answer within {timeout:.0f} s:\n" + self._log_tail())

    def _log_tail(self) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])

    def __exit__(self, *exc_info) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _photograph(base_url: str, shots: list[Shot], output: Path, environment: dict[str, str]) -> list[str]:
    """Takes every shot in every language on every device; returns what went wrong."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            sessions = {
                user: _log_in(browser, base_url, user) for user in sorted({s.user for s in shots if s.user})
            }
            voucher = ""
            if "citizen" in sessions:
                # The demo citizen has no upcoming shift and no voucher; the pictures should show both.
                _sign_up(browser, base_url, sessions["citizen"], CALL_TO_SIGN_UP_FOR)
                voucher = _redeem_a_reward(browser, base_url, sessions["citizen"])
            for shot in shots:
                for language, locale in LANGUAGES.items():
                    if shot.admin:
                        _set_admin_language(environment, shot.user, language)
                    for device in DEVICES:
                        path = shot.url_path(language).format(voucher=voucher)
                        target = output / f"{shot.name}-{language}-{device.name}.png"
                        context = _new_context(browser, device, locale, sessions.get(shot.user))
                        try:
                            problems += _take(context.new_page(), base_url + path, shot, device, target)
                        finally:
                            context.close()
        finally:
            browser.close()
    return problems


def _new_context(browser, device: Device, locale: str, storage_state: dict | None = None):
    context = browser.new_context(
        viewport={"width": device.width, "height": device.height},
        device_scale_factor=1,
        is_mobile=device.mobile,
        has_touch=device.mobile,
        locale=locale,
        reduced_motion="reduce",
        service_workers="block",
        storage_state=storage_state,
    )
    context.route("**/*", _only_local_requests)
    context.set_default_timeout(20_000)
    return context


def _only_local_requests(route) -> None:
    """Nothing leaves the machine. Map tiles and avatars are stood in for by local pictures: a failed
    tile would put the map's "could not be loaded" note, and Gravatar a broken image, in every picture."""
    url = route.request.url
    host = urllib.parse.urlsplit(url).hostname or ""
    if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
        route.continue_()
    elif host.endswith("tile.openstreetmap.org"):
        route.fulfill(status=200, content_type="image/png", body=_blank_map_tile())
    elif host.endswith("gravatar.com"):
        route.fulfill(status=200, content_type="image/png", body=_default_avatar())
    else:
        route.abort()


@functools.cache
def _blank_map_tile() -> bytes:
    """A 256-pixel tile of pale land with a faint street grid, so the map reads as a map."""
    from PIL import Image, ImageDraw

    tile = Image.new("RGB", (256, 256), "#eef0e8")
    draw = ImageDraw.Draw(tile)
    for offset in (0, 128):
        draw.line([(offset, 0), (offset, 255)], fill="#ffffff", width=4)
        draw.line([(0, offset), (255, offset)], fill="#ffffff", width=4)
    buffer = io.BytesIO()
    tile.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@functools.cache
def _default_avatar() -> bytes:
    import wagtail

    return (
        Path(wagtail.__file__).parent / "admin/static/wagtailadmin/images/default-user-avatar.png"
    ).read_bytes()


def _log_in(browser, base_url: str, username: str) -> dict:
    """Logs in through the site's own form and returns the session, for every later picture."""
    context = _new_context(browser, DEVICES[1], LANGUAGES["en"])
    try:
        page = context.new_page()
        page.goto(f"{base_url}/en/account/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
        if "/account/login/" in page.url:
            raise ScreenshotError(f"could not log in as {username}")
        return context.storage_state()
    finally:
        context.close()


def _sign_up(browser, base_url: str, session: dict, call_path: str) -> None:
    """Signs the demo citizen up for the first shift of the call that still takes sign-ups."""
    context = _new_context(browser, DEVICES[1], LANGUAGES["en"], session)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/en{call_path}")
        button = page.locator("form.shift-signup__form button[type=submit]").first
        if button.count() == 0:
            raise ScreenshotError(f"{call_path} has no shift open for sign-up")
        with page.expect_navigation():
            button.click()
        if page.locator(".message--error").count():
            raise ScreenshotError(
                f"signing up on {call_path} failed: {page.locator('.message--error').inner_text()}"
            )
    finally:
        context.close()


def _set_admin_language(environment: dict[str, str], username: str, language: str) -> None:
    """The Wagtail admin speaks each user's preferred language, not the address's or the browser's."""
    _manage(
        environment,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; from wagtail.users.models import UserProfile; "
        f"profile = UserProfile.get_for_user(get_user_model().objects.get(username={username!r})); "
        f"profile.preferred_language = {language!r}; profile.save()",
    )


def _redeem_a_reward(browser, base_url: str, session: dict) -> str:
    """The demo citizen spends points on the first reward they can afford; returns the voucher's code."""
    context = _new_context(browser, DEVICES[1], LANGUAGES["en"], session)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/en/rewards/")
        redeem = page.locator("a[href*='/redeem/']").first
        if redeem.count() == 0:
            raise ScreenshotError("the demo citizen cannot afford any reward, so there is no voucher to show")
        redeem.click()
        page.wait_for_url("**/redeem/")
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        if "/rewards/vouchers/" not in page.url:
            raise ScreenshotError(f"redeeming a reward did not lead to a voucher (ended on {page.url})")
        return page.url.rstrip("/").rsplit("/", 1)[-1]
    finally:
        context.close()


def _take(page, url: str, shot: Shot, device: Device, target: Path) -> list[str]:
    label = f"{target.name} ({url})"
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    response = page.goto(url, wait_until="load")
    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
    except Exception:  # noqa: S110 (a page that keeps polling is still worth a picture)
        pass
    page.evaluate("document.fonts.ready")
    if response is None or response.status >= 400:
        return [f"{label}: HTTP {response.status if response else 'no response'}"]
    if shot.user and "/login/" in page.url:
        return [f"{label}: landed on the log-in page {page.url}"]
    height = page.evaluate("Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)")
    shown_height = min(height, device.max_height)
    png = page.screenshot(
        full_page=True, clip={"x": 0, "y": 0, "width": device.width, "height": shown_height}
    )
    size = _save(png, target)
    cut = f", cut from {height}px" if height > shown_height else ""
    print(f"  {target.name}: {device.width}×{shown_height}{cut}, {size // 1024} KB")
    # Scripts failing on a page are worth a look, but not worth withholding the picture.
    for error in console_errors:
        print(f"    console: {error[:200]}")
    return []


def _save(png: bytes, target: Path) -> int:
    if len(png) > SIZE_BUDGET:
        from PIL import Image

        image = Image.open(io.BytesIO(png)).convert("RGB")
        palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        palette.save(buffer, format="PNG", optimize=True)
        png = buffer.getvalue()
    target.write_bytes(png)
    return len(png)


def _step(message: str) -> None:
    print(f"==> {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
