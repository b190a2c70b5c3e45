"""The measured scenarios. Each sends its load through bench.loadgen (a separate process), checks what the
database holds afterwards where correctness is at stake, and adds rows to the report.

A scenario whose endpoint is not in the served API yet is skipped with a printed note; nothing here fails
on speed.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from . import cpu
from .data import Dataset
from .stack import PROJECT_DIR, RssSampler
from .stats import Row, fmt_mb, fmt_ms, latency_summary, percentile


@dataclass
class Bench:
    base_url: str
    headers: dict[str, str]
    workdir: Path
    dataset: Dataset
    sampler: RssSampler
    latency_concurrency: int
    requests_per_case: int
    log: object = print
    rows: list[Row] = field(default_factory=list)
    results: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    gunicorn_pid: int | None = None
    second_gunicorn_pid: int | None = None  # --nodes 2
    node_urls: list[str] = field(default_factory=list)  # --nodes 2: each node, without nginx
    replica_port: int | None = None  # --nodes 2
    postgres_pid: int | None = None
    celery_pid: int | None = None
    profile_dir: Path | None = None
    workers: int = 1  # gunicorn workers on all nodes
    _runs: int = 0

    def loadgen(self, spec: dict) -> dict:
        """Runs one load in a new bench.loadgen process and returns its result, with the CPU seconds that
        gunicorn's workers, PostgreSQL's backends and the load generator used over the timed requests."""
        self._runs += 1
        servers = {
            "gunicorn": self.gunicorn_pid,
            "gunicorn_b": self.second_gunicorn_pid,
            "postgres": self.postgres_pid,
        }
        spec = {
            "base_url": self.base_url,
            "headers": self.headers,
            "cpu_of": {name: pid for name, pid in servers.items() if pid},
            **spec,
        }
        spec_path = self.workdir / f"load-{self._runs}.json"
        result_path = self.workdir / f"load-{self._runs}.result.json"
        spec_path.write_text(json.dumps(spec))
        subprocess.run(
            [sys.executable, "-m", "bench.loadgen", str(spec_path), str(result_path)],
            cwd=PROJECT_DIR,
            check=True,
        )
        return json.loads(result_path.read_text())

    def get(self, path: str, token: str | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            request = urllib.request.Request(self.base_url + path, headers=headers)  # noqa: S310 - http only
            with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
                return r.status, r.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def skip(self, section: str, reason: str) -> None:
        note = f"{section}: skipped — {reason}"
        self.notes.append(note)
        self.rows.append(Row(section, "skipped", reason))
        self.log(f"NOTE {note}")

    def api_has(self, path: str) -> bool:
        status, body = self.get("/api/v1/openapi.json")
        return status == 200 and path in json.loads(body).get("paths", {})


def _summary(result: dict, ok_statuses=(200,)) -> dict:
    records = result["results"]
    ok = [r for r in records if r["status"] in ok_statuses]
    # Every answer, those that said "try again" (429 from the proxy's admission) included.
    summary = latency_summary([ms for r in records for ms in r.get("answers_ms", [r["latency_ms"]])])
    summary.update(
        requests=len(records),
        busy_answers=sum(len(r.get("answers_ms", ())) - 1 for r in records if "answers_ms" in r)
        + sum(1 for r in records if r["status"] == 429),
        until_final=latency_summary([(r["end"] - r["start"]) * 1000 for r in records]),
        slowest_by_status=_slowest_by_status(records),
        ok=len(ok),
        wall_s=result["wall_s"],
        throughput_rps=len(ok) / result["wall_s"] if result["wall_s"] else 0,
        concurrency=result["concurrency"],
        statuses=_status_counts(records),
        sample_errors=[r["body"] for r in records if r["status"] not in ok_statuses and r.get("body")][:3],
        cpu_s=_web_nodes_summed(result.get("cpu_s", {})),
    )
    return summary


def _slowest_by_status(records: list[dict]) -> dict[str, float]:
    """The slowest answer of each status (every answer before a retried request's last one was a 429)."""
    slowest: dict[str, float] = {}
    for record in records:
        answers = record.get("answers_ms", [record["latency_ms"]])
        for status, ms in [*(("429", ms) for ms in answers[:-1]), (str(record["status"]), answers[-1])]:
            slowest[status] = max(slowest.get(status, 0.0), ms)
    return slowest


def _web_nodes_summed(cpu_s: dict) -> dict:
    """With two web nodes, "gunicorn" is what both used."""
    summed = {name: seconds for name, seconds in cpu_s.items() if name != "gunicorn_b"}
    if "gunicorn_b" in cpu_s:
        summed["gunicorn"] = summed.get("gunicorn", 0.0) + cpu_s["gunicorn_b"]
    return summed


def _status_counts(records: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        counts[str(record["status"])] = counts.get(str(record["status"]), 0) + 1
    return counts


# --- 1. Sign-up burst ---------------------------------------------------------------------------------------


def signup_burst(bench: Bench, levels: list[str]) -> None:
    dataset = bench.dataset
    volunteers = len(dataset.burst_tokens)
    places = dataset.volumes.burst_places
    order = list(range(volunteers))
    random.Random(7).shuffle(order)
    # Every worker has imported and connected before anything is timed.
    warmup = [{"path": "/api/v1/me/signups", "token": dataset.burst_tokens[i]} for i in order[:40]]
    bench.results["signup"] = []
    for index, level in enumerate(levels[: len(dataset.burst_shift_ids)]):
        concurrency = volunteers if level == "all" else int(level)
        shift_id = dataset.burst_shift_ids[index]
        section = f"1 sign-up burst @{concurrency}"
        bench.sampler.phase = "signup"
        bench.log(f"{section}: bare view, then {volunteers} sign-ups for {places} places")
        bare = _summary(
            bench.loadgen(
                {
                    "requests": [{"path": "/bench/bare", "token": dataset.burst_tokens[i]} for i in order],
                    "concurrency": concurrency,
                    "warmup": warmup,
                }
            )
        )
        servers = {
            name: pid
            for name, pid in (
                ("gunicorn", bench.gunicorn_pid),
                ("gunicorn_b", bench.second_gunicorn_pid),
                ("postgres", bench.postgres_pid),
                ("celery", bench.celery_pid),
            )
            if pid
        }
        cpu_before = cpu.snapshot(servers)
        with profiled(bench, f"signup-{concurrency}"):
            signup_load = bench.loadgen(
                {
                    "requests": [
                        {
                            "method": "POST",
                            "path": f"/api/v1/shifts/{shift_id}/signups",
                            "token": dataset.burst_tokens[i],
                            "retry_busy": True,  # sent again after Retry-After when nginx says busy
                        }
                        for i in order
                    ],
                    "concurrency": concurrency,
                    "warmup": warmup,
                }
            )
            # Sign-ups that joined the shift's line are decided by the Celery worker after their answer.
            decided_after = line_decided_after(shift_id, load_wall_s=signup_load["wall_s"])
        cpu_used = _web_nodes_summed(
            {name: seconds - cpu_before[name] for name, seconds in cpu.snapshot(servers).items()}
        )
        answers = _summary(signup_load, ok_statuses=(201, 202))
        check = signup_outcome(shift_id=shift_id, volunteers=volunteers, places=places)
        decided_rps = volunteers / decided_after if decided_after else 0
        ratio = decided_rps / bare["throughput_rps"] if bare["throughput_rps"] else 0
        bench.results["signup"].append(
            {
                "concurrency": concurrency,
                "shift_id": shift_id,
                "bare": bare,
                "signups": answers,
                "decided_after_s": decided_after,
                "cpu_to_decision_s": cpu_used,
                "check": check,
                "ratio": ratio,
            }
        )
        rows = bench.rows
        statuses = answers["statuses"]
        rows.append(Row(section, "bare view throughput", f"{bare['throughput_rps']:,.0f} req/s"))
        rows.append(
            Row(
                section,
                "answered: decided at once (201) / in line (202)",
                f"{statuses.get('201', 0)} / {statuses.get('202', 0)} of {answers['requests']}",
                str(answers["requests"]),
                answers["ok"] == answers["requests"],
            )
        )
        rows.append(
            Row(
                section,
                "every sign-up decided after / per second",
                f"{decided_after:.2f} s / {decided_rps:,.0f} /s" if decided_after else "NOT ALL DECIDED",
            )
        )
        rows.append(
            Row(section, "sign-ups decided per second ÷ bare view", f"{ratio:.0%}", "≥ 40%", ratio >= 0.40)
        )
        parts = "gunicorn / PostgreSQL / load generator"
        rows.append(Row(section, f"CPU per bare request: {parts}", _cpu_per(bare)))
        rows.append(Row(section, f"CPU per answer: {parts}", _cpu_per(answers)))
        rows.append(
            Row(
                section,
                "CPU per sign-up, answer to decision: gunicorn / Celery / PostgreSQL",
                " / ".join(
                    f"{cpu_used.get(part, 0) * 1000 / volunteers:.2f} ms"
                    for part in ("gunicorn", "celery", "postgres")
                ),
            )
        )
        rows.append(
            Row(
                section,
                "answer latency p50 / p95",
                f"{fmt_ms(answers['p50_ms'])} / {fmt_ms(answers['p95_ms'])}",
            )
        )
        if answers["busy_answers"]:
            waited = answers["until_final"]
            rows.append(
                Row(
                    section,
                    "answered 429 by nginx's admission (sent again after Retry-After)",
                    f"{answers['busy_answers']} answers",
                )
            )
            rows.append(
                Row(
                    section,
                    "first request to the final answer p50 / p99 / slowest",
                    f"{fmt_ms(waited['p50_ms'])} / {fmt_ms(waited['p99_ms'])} / {fmt_ms(waited['max_ms'])}",
                )
            )
        rows.append(
            Row(
                section,
                "answer latency p99 / slowest",
                f"{fmt_ms(answers['p99_ms'])} / {fmt_ms(answers['max_ms'])}"
                + (
                    " (slowest "
                    + ", ".join(f"{k}: {fmt_ms(v)}" for k, v in sorted(answers["slowest_by_status"].items()))
                    + ")"
                    if answers["busy_answers"]
                    else ""
                ),
                "every answer ≤ 2 s",
                answers["max_ms"] <= 2000,
            )
        )
        rows.append(Row(section, "oversold places", str(check["oversold"]), "0", check["oversold"] == 0))
        rows.append(
            Row(
                section,
                "confirmed / waitlisted / positions",
                f"{check['confirmed']} / {check['waitlisted']} / "
                + (f"1..{check['waitlisted']}" if check["positions_ok"] else "GAPS OR DUPLICATES"),
                f"{places} / {volunteers - places} / 1..{volunteers - places}",
                check["ok"],
            )
        )
        rows.append(
            Row(
                section,
                "the line decided in the order it came",
                f"{check['line_entries']} entries, "
                + ("in order" if check["line_in_order"] else "OUT OF ORDER"),
                "in order",
                check["line_in_order"],
            )
        )


def line_decided_after(shift_id: int, *, load_wall_s: float, timeout_s: float = 300.0) -> float | None:
    """Seconds from the burst's first request until no sign-up of the shift waits in its line (None if
    some still wait after `timeout_s`); the load's own length when none joined the line."""
    from campaigns.models import SignUpRequest

    waiting = SignUpRequest.objects.filter(shift_id=shift_id, state=SignUpRequest.State.WAITING)
    started = time.monotonic() - load_wall_s
    while waiting.exists():
        if time.monotonic() - started > timeout_s:
            return None
        time.sleep(0.05)
    return max(load_wall_s, time.monotonic() - started)


@contextlib.contextmanager
def profiled(bench: Bench, name: str):
    """With `--profile DIR`: py-spy samples gunicorn's workers while the block runs (warm-up included),
    writing DIR/name.txt (collapsed stacks) and DIR/name-summary.txt (where the time goes)."""
    if bench.profile_dir is None or not bench.gunicorn_pid:
        yield
        return
    bench.profile_dir.mkdir(parents=True, exist_ok=True)
    stacks = bench.profile_dir / f"{name}.txt"
    recorder = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(bench.gunicorn_pid),
            "--subprocesses",
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            str(stacks),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches to every worker before the load starts
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=60)
    if stacks.exists():
        summary = profile_summary(stacks.read_text())
        (bench.profile_dir / f"{name}-summary.txt").write_text(summary)
        bench.log(f"profile of {name}: {stacks}\n{summary}")


def profile_summary(collapsed: str, *, top: int = 40) -> str:
    """Share of the samples spent in each of our functions and the libraries' hot spots, inclusive (the
    function or anything it called), from py-spy's collapsed stacks; idle workers (waiting in accept or
    select) are left out."""
    inclusive: dict[str, int] = {}
    busy = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        frames = stack.split(";")
        if any(idle in frames[-1] for idle in ("select (", "accept (", "wait (", "sleep (", "poll (")):
            continue
        count = int(count_text)
        busy += count
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + count
    lines = [f"busy samples: {busy}"]
    for frame, count in sorted(inclusive.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"{count / busy:6.1%}  {frame}" if busy else frame)
    return "\n".join(lines) + "\n"


def _cpu_per(summary: dict) -> str:
    """CPU milliseconds per timed request of each part of the stack ("?" where it was not measured)."""
    cpu, requests = summary.get("cpu_s", {}), summary["requests"]
    return " / ".join(
        f"{cpu[part] * 1000 / requests:.2f} ms" if part in cpu and requests else "?"
        for part in ("gunicorn", "postgres", "loadgen")
    )


def signup_outcome(*, shift_id: int, volunteers: int, places: int) -> dict:
    """What the database holds after a burst: every place taken once, and a waiting list 1..n."""
    from campaigns.models import Shift, SignUp, SignUpRequest

    rows = list(SignUp.objects.filter(shift_id=shift_id).values_list("status", "waitlist_position"))
    confirmed = sum(1 for status, _ in rows if status == SignUp.Status.CONFIRMED)
    waitlisted = sorted(position for status, position in rows if status == SignUp.Status.WAITLISTED)
    counter = Shift.objects.values_list("confirmed_count", flat=True).get(pk=shift_id)
    positions_ok = waitlisted == list(range(1, len(waitlisted) + 1))
    # The line's entries, in the order they came, got sign-ups in that order (and none is refused).
    line = list(
        SignUpRequest.objects.filter(shift_id=shift_id).order_by("pk").values_list("signup_id", "state")
    )
    line_signups = [signup_id for signup_id, _state in line]
    line_in_order = all(
        state == SignUpRequest.State.SIGNED_UP for _id, state in line
    ) and line_signups == sorted(line_signups)
    return {
        "line_entries": len(line),
        "line_in_order": line_in_order,
        "confirmed": confirmed,
        "waitlisted": len(waitlisted),
        "positions_ok": positions_ok,
        "counter": counter,
        "oversold": max(0, confirmed - places),
        "ok": confirmed == places
        and len(waitlisted) == volunteers - places
        and positions_ok
        and counter == confirmed,
    }


# --- 2. Open-calls listing ----------------------------------------------------------------------------------


def listing_cases(dataset: Dataset, *, html: bool) -> list[tuple[str, dict]]:
    import jdatetime
    from django.utils import timezone

    today = timezone.localdate()

    def day(offset: int) -> str:
        date = today + datetime.timedelta(days=offset)
        return jdatetime.date.fromgregorian(date=date).strftime("%Y-%m-%d") if html else date.isoformat()

    yes = "on" if html else "true"
    return [
        ("no filters", {}),
        ("department", {"department": dataset.department_slugs[0]}),
        ("district", {"district": dataset.district_numbers[len(dataset.district_numbers) // 2]}),
        ("service, free places", {"service": dataset.service_slugs[2], "has_free_places": yes}),
        ("next two weeks", {"date_from": day(1), "date_to": day(14)}),
        ("age 16, teams", {"age": 16, "open_to_teams": yes}),
        ("text search", {"q": "کارگاه"}),
        ("page 5", {"page": 5}),
    ]


def listing(bench: Bench) -> None:
    """The listing as readers reach it, and once more with every answer computed.

    The product keeps each listing answer (the API's page, the web page's results) until the calls or
    their free places change, so repeating eight filter sets measures answers from that cache. The second
    pass gives every request an address of its own (an extra `_` parameter, which the listing ignores):
    nothing comes from that cache, only the page count per filter set does.
    """
    bench.sampler.phase = "listing"
    bench.results["listing"] = {}
    passes = (("", False), (", every answer computed", True))
    for surface, prefix, html in (("API", "/api/v1/calls?", False), ("HTML", "/calls/?", True)):
        for label, unique in passes:
            _listing_pass(bench, surface=surface + label, prefix=prefix, html=html, unique=unique)
    listing_queries(bench)


def _listing_pass(bench: Bench, *, surface: str, prefix: str, html: bool, unique: bool) -> None:
    dataset = bench.dataset
    section = f"2 listing {surface} ({dataset.volumes.calls:,} calls)"
    cases = listing_cases(dataset, html=html)
    requests = []
    for round_number in range(bench.requests_per_case):
        for name, params in cases:
            extra = {"_": f"{round_number}"} if unique else {}
            requests.append({"path": prefix + urlencode({**params, **extra}), "case": name})
    bench.log(
        f"{section}: {len(requests)} requests, {len(cases)} filter sets, {bench.latency_concurrency} at once"
    )
    result = bench.loadgen(
        {
            "requests": requests,
            "concurrency": bench.latency_concurrency,
            "warmup": [{"path": prefix + urlencode(params)} for _, params in cases],
        }
    )
    summary = _summary(result)
    per_case = _latencies_per_case(requests, result, [name for name, _params in cases])
    bench.results["listing"][surface] = {"summary": summary, "per_case": per_case}
    slowest = max(per_case.items(), key=lambda item: item[1]["p95_ms"])
    bench.rows.append(Row(section, "latency p50", fmt_ms(summary["p50_ms"])))
    bench.rows.append(
        Row(section, "latency p95", fmt_ms(summary["p95_ms"]), "≤ 50 ms", summary["p95_ms"] <= 50)
    )
    bench.rows.append(
        Row(section, "slowest filter set (p95)", f"{slowest[0]}: {fmt_ms(slowest[1]['p95_ms'])}")
    )
    if summary["ok"] != summary["requests"]:
        bench.rows.append(Row(section, "non-200 answers", json.dumps(summary["statuses"]), "none", False))


# --- 2b. What a signed-in citizen reads ---------------------------------------------------------------------


def signed_in_sessions(user_ids: list[int]) -> list[str]:
    """A logged-in session for each person, as the log-in view leaves it; the Cookie header of each."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for user in get_user_model().objects.filter(pk__in=user_ids).order_by("pk"):
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return cookies


def signed_in_pages(dataset: Dataset) -> list[tuple[str, str]]:
    """(case, path) of the pages measured for a signed-in reader, in Persian (the default language)."""
    from django.urls import reverse
    from django.utils import translation

    from campaigns.models import OpenCallPage

    with translation.override("fa"):
        call = OpenCallPage.objects.get(pk=dataset.burst_call_id)
        pages = [
            (f"listing: {name}", "/calls/?" + urlencode(params))
            for name, params in listing_cases(dataset, html=True)
        ]
        pages += [
            ("a call's page", call.get_url()),
            ("my shifts", reverse("volunteer:my_shifts")),
            ("dashboard", reverse("dashboards:volunteer")),
            ("home page", "/"),
            ("leaderboards", reverse("achievements:leaderboards")),
        ]
    return pages


def signed_in(bench: Bench) -> None:
    """The pages a signed-in citizen reads most, each request with the session of one of 50 people (the
    burst's volunteers, who hold sign-ups): the listing's eight filter sets, a call's page, my shifts, the
    dashboard, the home page and the leaderboards. Only what is the same for every reader may come from
    kept answers; each person's own parts are theirs."""
    bench.sampler.phase = "signed in"
    dataset = bench.dataset
    cookies = signed_in_sessions(dataset.burst_user_ids[:50])
    pages = signed_in_pages(dataset)
    requests = []
    for round_number in range(bench.requests_per_case):
        for index, (case, path) in enumerate(pages):
            cookie = cookies[(round_number * len(pages) + index) % len(cookies)]
            requests.append({"path": path, "cookie": cookie, "case": case})
    section = "7 signed-in pages"
    bench.log(f"{section}: {len(requests)} requests, {len(pages)} pages, {bench.latency_concurrency} at once")
    with profiled(bench, "signed-in"):
        result = bench.loadgen(
            {
                "requests": requests,
                "concurrency": bench.latency_concurrency,
                # Every worker routes each page and composes its statements before the timed requests
                # (a worker lives for a thousand requests in production; here each serves a dozen).
                "warmup": [
                    {"path": path, "cookie": cookies[round_number % len(cookies)]}
                    for round_number in range(2 * bench.workers)
                    for _, path in pages
                ],
                "warmup_concurrency": bench.workers,
            }
        )
    summary = _summary(result)
    per_case = _latencies_per_case(requests, result, [case for case, _path in pages])
    bench.results["signed_in"] = {"summary": summary, "per_case": per_case}
    listing_latencies = [
        r["latency_ms"]
        for q, r in zip(requests, result["results"], strict=True)
        if q["case"].startswith("listing")
    ]
    listing_p95 = percentile(listing_latencies, 0.95)
    bench.rows.append(
        Row(
            section,
            "listing, eight filter sets: p50 / p95",
            f"{fmt_ms(percentile(listing_latencies, 0.5))} / {fmt_ms(listing_p95)}",
            "p95 ≤ 50 ms",
            listing_p95 <= 50,
        )
    )
    for case in ("a call's page", "my shifts", "dashboard", "home page", "leaderboards"):
        figures = per_case[case]
        bench.rows.append(
            Row(
                section,
                f"{case}: p50 / p95",
                f"{fmt_ms(figures['p50_ms'])} / {fmt_ms(figures['p95_ms'])}",
                "p95 ≤ 50 ms",
                figures["p95_ms"] <= 50,
            )
        )
    if summary["ok"] != summary["requests"]:
        bench.rows.append(Row(section, "non-200 answers", json.dumps(summary["statuses"]), "none", False))


def _latencies_per_case(requests: list[dict], result: dict, cases: list[str]) -> dict[str, dict]:
    """p50 and p95 of each case's requests (each request names its "case")."""
    per_case = {}
    for case in cases:
        latencies = [
            r["latency_ms"] for q, r in zip(requests, result["results"], strict=True) if q["case"] == case
        ]
        per_case[case] = {"p50_ms": percentile(latencies, 0.5), "p95_ms": percentile(latencies, 0.95)}
    return per_case


def _queries_for(client, path: str, **extra) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, secure=True, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def listing_queries(bench: Bench) -> None:
    """Queries per request, counted in-process (Django's test client on the benchmark's database)."""
    from django.test import Client

    from campaigns import selectors

    client = Client()
    _queries_for(client, "/api/v1/calls")  # caches (site root, content types) fill on the first request
    _queries_for(client, "/calls/")
    api = {size: _queries_for(client, f"/api/v1/calls?page_size={size}") for size in (10, 20, 50, 100)}
    # Computed (an address of its own, as the second pass): the kept page costs only Wagtail's routing.
    html = {
        name: _queries_for(client, "/calls/?" + urlencode({**params, "_": "queries"}))
        for name, params in listing_cases(bench.dataset, html=True)
        if name in ("no filters", "department", "page 5")
    }
    html_kept = _queries_for(client, "/calls/")
    constant = len(set(api.values())) == 1
    bench.results["listing"]["queries"] = {
        "api_by_page_size": api,
        "html_12_per_page": html,
        "html_kept_page": html_kept,
    }
    section = "2 listing queries"
    bench.rows.append(
        Row(
            section,
            "API queries at page size 10/20/50/100",
            " / ".join(str(api[s]) for s in (10, 20, 50, 100)),
            "constant",
            constant,
        )
    )
    bench.rows.append(
        Row(
            section,
            "HTML queries (12 a page), computed: " + ", ".join(html),
            " / ".join(map(str, html.values())),
        )
    )
    bench.rows.append(
        Row(section, "HTML queries, the page kept for readers without a session", str(html_kept))
    )
    plan = selectors.call_list()[:20].explain(analyze=True, buffers=True)
    (bench.workdir / "explain-listing.txt").write_text(plan)
    bench.results["listing"]["explain_first_page"] = plan


# --- 3. Leaderboards ----------------------------------------------------------------------------------------


def leaderboards(bench: Bench) -> None:
    dataset = bench.dataset
    status, _body = bench.get("/api/v1/leaderboards/individuals?period=all&limit=50")
    section = (
        f"3 leaderboards ({dataset.volumes.people:,} people, {dataset.volumes.ledger_entries:,} entries)"
    )
    if status != 200:
        bench.skip(section, f"GET /api/v1/leaderboards/individuals answered {status}")
        return
    bench.sampler.phase = "leaderboards"
    rng = random.Random(11)
    tokens = dataset.burst_tokens
    cases = {
        "API top-50, all time": [{"path": "/api/v1/leaderboards/individuals?period=all&limit=50"}],
        "API top-50, this month": [{"path": "/api/v1/leaderboards/individuals?period=month&limit=50"}],
        "API top-50 + my rank": [
            {"path": "/api/v1/leaderboards/individuals?period=all&limit=50", "token": rng.choice(tokens)}
            for _ in range(bench.requests_per_case * 8)
        ],
        "HTML page": [{"path": "/leaderboards/?board=individuals&period=all"}],
    }
    bench.results["leaderboards"] = {"http": {}}
    for name, templates in cases.items():
        requests = [templates[i % len(templates)] for i in range(bench.requests_per_case * 8)]
        result = bench.loadgen(
            {"requests": requests, "concurrency": bench.latency_concurrency, "warmup": templates[:3]}
        )
        summary = _summary(result)
        bench.results["leaderboards"]["http"][name] = summary
        target = ("≤ 20 ms", summary["p95_ms"] <= 20) if name == "API top-50, all time" else ("", None)
        bench.rows.append(
            Row(
                section,
                f"{name} p50 / p95",
                f"{fmt_ms(summary['p50_ms'])} / {fmt_ms(summary['p95_ms'])}",
                *target,
            )
        )
    leaderboard_selectors(bench, section)


def leaderboard_selectors(bench: Bench, section: str) -> None:
    """The database work alone, timed in-process: the top 50, and ranks of people anywhere on the board."""
    from django.db import connection

    from achievements import selectors
    from achievements.models import LeaderboardScore

    board, period = LeaderboardScore.Board.INDIVIDUAL, "all"
    rng = random.Random(13)
    top_times, rank_times = [], []
    for _ in range(200):
        start = time.perf_counter()
        selectors.leaderboard_top(board=board, period_key=period, limit=50)
        top_times.append((time.perf_counter() - start) * 1000)
    last = (
        LeaderboardScore.objects.filter(board=board, period=period, listed=True, points__gt=0)
        .order_by("points", "-subject_id")
        .values_list("subject_id", flat=True)
        .first()
    )
    subjects = rng.sample(
        bench.dataset.leaderboard_user_ids, k=min(500, len(bench.dataset.leaderboard_user_ids))
    )
    for subject_id in [last, *subjects]:
        start = time.perf_counter()
        selectors.leaderboard_rank(board=board, period_key=period, subject_id=subject_id)
        rank_times.append((time.perf_counter() - start) * 1000)
    worst = rank_times[0]
    top, rank = latency_summary(top_times), latency_summary(rank_times)
    bench.results["leaderboards"]["selectors"] = {
        "top50": top,
        "my_rank": rank,
        "my_rank_last_place_ms": worst,
    }
    bench.rows.append(
        Row(section, "top-50 selector p50 / p95", f"{fmt_ms(top['p50_ms'])} / {fmt_ms(top['p95_ms'])}")
    )
    bench.rows.append(Row(section, "my rank selector p50", fmt_ms(rank["p50_ms"])))
    bench.rows.append(
        Row(section, "my rank selector p95", fmt_ms(rank["p95_ms"]), "≤ 10 ms", rank["p95_ms"] <= 10)
    )
    bench.rows.append(Row(section, "my rank, last place", fmt_ms(worst)))
    points = LeaderboardScore.objects.filter(board=board, period=period, subject_id=last).values_list(
        "points", flat=True
    )[0]
    ranked = LeaderboardScore.objects.filter(board=board, period=period, listed=True, points__gt=0)
    table = LeaderboardScore._meta.db_table
    ranked = f"FROM {table} WHERE board = %s AND period = %s AND listed AND points > 0"  # noqa: S608 - no input
    statements = {
        # leaderboard_rank(): 1 + how many listed people have more points, for the last on the board.
        "rank_of_last_place": (f"SELECT COUNT(*) {ranked} AND points > %s", [board, period, points]),
        "top50": (
            f"SELECT subject_id, points {ranked} ORDER BY points DESC, subject_id LIMIT 50",
            [board, period],
        ),
        # leaderboard_size(), which every board page runs too.
        "board_size": (f"SELECT COUNT(*) {ranked}", [board, period]),
    }
    try:
        from achievements.models import LeaderboardBucket
    except ImportError:
        LeaderboardBucket = None
    if LeaderboardBucket is not None:
        # Where ranks are summed from buckets of equal points, the COUNTs above are what that avoids.
        buckets = f"FROM {LeaderboardBucket._meta.db_table} WHERE board = %s AND period = %s AND points > 0"  # noqa: S608
        statements["rank_of_last_place_from_buckets"] = (
            f"SELECT SUM(subjects) {buckets} AND points > %s",
            [board, period, points],
        )
        statements["board_size_from_buckets"] = (f"SELECT SUM(subjects) {buckets}", [board, period])
    plans = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in statements.items():
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plans[name] = "\n".join(row[0] for row in cursor.fetchall())
    bench.results["leaderboards"]["explain"] = plans
    (bench.workdir / "explain-leaderboards.txt").write_text(
        "\n\n".join(f"-- {k}\n{v}" for k, v in plans.items())
    )


# --- 4. Verification → points -------------------------------------------------------------------------------


def verification_to_points(bench: Bench) -> None:
    dataset = bench.dataset
    section = f"4 verification → points ({len(dataset.probe_completions)} approvals)"
    if not bench.api_has("/api/v1/completions/{completion_id}/verify"):
        bench.skip(section, "POST /api/v1/completions/{id}/verify is not in the API yet")
        return
    if not bench.api_has("/api/v1/me/points"):
        bench.skip(section, "GET /api/v1/me/points is not in the API yet")
        return
    bench.sampler.phase = "verification"
    items = [
        {
            "approve": {
                "method": "POST",
                "path": f"/api/v1/completions/{probe['completion_id']}/verify",
                "token": dataset.staff_token,
                "json": {"decision": "approve"},
            },
            "poll": {"path": "/api/v1/me/points", "token": probe["token"]},
            "field": "lifetime",
            "at_least": probe["expected_lifetime"],
        }
        for probe in dataset.probe_completions
    ]
    result = bench.loadgen({"mode": "verification", "items": items, "poll_interval_ms": 10})
    records = result["results"]
    visible = [r["visible_ms"] for r in records if "visible_ms" in r]
    failed = [r for r in records if "visible_ms" not in r]
    summary = latency_summary(visible)
    summary["approve_p50_ms"] = percentile([r["approve_ms"] for r in records], 0.5)
    summary["failed"] = len(failed)
    summary["sample_failures"] = failed[:3]
    bench.results["verification"] = summary
    bench.rows.append(Row(section, "approval request p50", fmt_ms(summary["approve_p50_ms"])))
    bench.rows.append(Row(section, "approval → points visible p50", fmt_ms(summary["p50_ms"])))
    bench.rows.append(
        Row(
            section,
            "approval → points visible p95",
            fmt_ms(summary["p95_ms"]),
            "≤ 1 s",
            bool(visible) and not failed and summary["p95_ms"] <= 1000,
        )
    )
    if failed:
        bench.rows.append(Row(section, "points never seen (15 s)", str(len(failed)), "0", False))


# --- 6. Open city ---------------------------------------------------------------------------------------


def open_city(bench: Bench) -> None:
    """The public page and its data as the public reads them (from the figures the beat task keeps), after
    one refresh of every dataset timed in-process: what the beat task costs every five minutes."""
    from opencity import services

    dataset = bench.dataset
    section = f"6 open city ({dataset.volumes.people:,} people, {dataset.volumes.ledger_entries:,} entries)"
    status, _body = bench.get("/open-city/")  # with no figures yet, this asks the worker for them
    if status != 200:
        bench.skip(section, f"GET /open-city/ answered {status}")
        return
    bench.sampler.phase = "opencity"
    took = services.figures_refresh()  # the beat's work, in-process: the site reads what it wrote
    bench.results["opencity"] = {"refresh_seconds": took, "http": {}}
    slowest = max(took, key=took.get)
    bench.rows.append(
        Row(
            section,
            f"refresh of all {len(took)} datasets (slowest: {slowest} {took[slowest]:.1f} s)",
            f"{sum(took.values()):.1f} s",
        )
    )
    cases = {
        "HTML page (fa)": {"path": "/open-city/"},
        "HTML page (en)": {"path": "/en/open-city/"},
        "API work per service": {"path": "/api/v1/open-city/work"},
        "CSV of the work per service": {"path": "/open-city/data/work.csv"},
    }
    for name, template in cases.items():
        requests = [template] * (bench.requests_per_case * 8)
        result = bench.loadgen(
            {"requests": requests, "concurrency": bench.latency_concurrency, "warmup": [template] * 3}
        )
        summary = _summary(result)
        bench.results["opencity"]["http"][name] = summary
        target = ("≤ 50 ms", summary["p95_ms"] <= 50) if name.startswith("HTML") else ("", None)
        latency = f"{fmt_ms(summary['p50_ms'])} / {fmt_ms(summary['p95_ms'])}"
        bench.rows.append(Row(section, f"{name} p50 / p95", latency, *target))


# --- 5. Memory ----------------------------------------------------------------------------------------------


def memory(bench: Bench) -> None:
    peaks = bench.sampler.peaks
    overall = peaks.get("all", {})
    bench.results["memory"] = {"peaks": peaks, "samples": bench.sampler.samples}
    section = "5 memory (peak RSS)"
    web = overall.get("web_worker_max", 0)
    bench.rows.append(
        Row(section, "one gunicorn worker", fmt_mb(web), "≤ 200 MB", bool(web) and web <= 200 * 1024 * 1024)
    )
    bench.rows.append(Row(section, "all gunicorn workers", fmt_mb(overall.get("web_workers_total"))))
    bench.rows.append(Row(section, "one Celery process", fmt_mb(overall.get("celery_process_max"))))
    bench.rows.append(Row(section, "Celery worker, all processes", fmt_mb(overall.get("celery_total"))))
    for phase, values in sorted(peaks.items()):
        if phase != "all":
            bench.rows.append(
                Row(section, f"one gunicorn worker during {phase}", fmt_mb(values.get("web_worker_max")))
            )


# --- 8. Two web nodes (--nodes 2) ---------------------------------------------------------------------------


def across_nodes(bench: Bench, changes: int = 20) -> None:
    """What web nodes that share nothing local must keep (the sign-up burst, run through nginx before this,
    is the first: 0 oversold across nodes). A place taken through node A shows in the listing read from
    node B by someone else right after, `changes` times (the listing answers from kept answers in the
    shared cache and from the replica); and a photo reported through node A is served by node B from the
    object storage, with nothing written to either node's own disk."""
    import requests
    from django.utils import timezone

    from campaigns.models import OpenCallPage, Shift, SignUp

    section = "8 two nodes"
    dataset = bench.dataset
    node_a, node_b = bench.node_urls
    headers = dict(bench.headers)
    call = OpenCallPage.objects.get(pk=dataset.burst_call_id)
    starts = timezone.now() + datetime.timedelta(days=20)
    shift = Shift.objects.create(
        call=call, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), capacity=changes + 5
    )
    day = timezone.localtime(starts).date().isoformat()
    # Narrow enough that the call is on the first page at full volumes (some 500 calls per service).
    listing_path = f"/api/v1/calls?service={call.service.slug}&date_from={day}&date_to={day}&page_size=100"

    def free_places_seen_on_b() -> int | None:
        answer = requests.get(node_b + listing_path, headers=headers, timeout=30)
        listed = [item for item in answer.json()["items"] if item["id"] == call.pk]
        return listed[0]["free_places"] if listed else None

    seen_at_once = 0
    lags_ms = []
    before = free_places_seen_on_b()
    for index in range(changes):
        token = dataset.burst_tokens[-(index + 1)]
        taken = requests.post(
            f"{node_a}/api/v1/shifts/{shift.pk}/signups",
            headers={**headers, "Authorization": f"Bearer {token}"},
            timeout=30,
        )
        started = time.perf_counter()
        after = free_places_seen_on_b()
        lags_ms.append((time.perf_counter() - started) * 1000)
        if taken.status_code == 201 and before is not None and after == before - 1:
            seen_at_once += 1
        before = after
    bench.rows.append(
        Row(
            section,
            "a place taken through node A, in node B's listing on the next read",
            f"{seen_at_once} of {changes} (that read: p50 {fmt_ms(percentile(lags_ms, 0.5))})",
            f"{changes} of {changes}",
            seen_at_once == changes,
        )
    )

    # A photo reported through node A, served by node B.
    ended = timezone.now() - datetime.timedelta(hours=1)
    past_shift = Shift.objects.create(
        call=call, starts_at=ended - datetime.timedelta(hours=2), ends_at=ended, capacity=5, confirmed_count=1
    )
    reporter = dataset.burst_user_ids[0]
    signup = SignUp.objects.create(shift=past_shift, volunteer_id=reporter, status=SignUp.Status.CONFIRMED)
    token_headers = {**headers, "Authorization": f"Bearer {dataset.burst_tokens[0]}"}
    report = requests.post(
        f"{node_a}/api/v1/signups/{signup.pk}/completion",
        headers=token_headers,
        data={"hours": "1.5"},
        files={"photos": ("after.jpg", _small_jpeg(), "image/jpeg")},
        timeout=60,
    )
    photo_ok = False
    detail = f"report answered {report.status_code}"
    if report.status_code == 201:
        photo_url = report.json()["photos"][0]["url"]
        path = "/" + photo_url.split("://", 1)[1].split("/", 1)[1]
        served = requests.get(node_b + path, headers=token_headers, timeout=30)
        local_files = [
            str(found)
            for node in ("node-a-media", "node-b-media")
            for found in (bench.workdir / node).rglob("*")
            if found.is_file()
        ]
        photo_ok = served.status_code == 200 and served.content[:2] == b"\xff\xd8" and not local_files
        detail = (
            f"node B answered {served.status_code}, {len(served.content):,} bytes of JPEG; "
            f"files on the nodes' own disks: {len(local_files)}"
        )
    bench.rows.append(
        Row(
            section,
            "a photo reported through node A, served by node B",
            detail,
            "200, none on disk",
            photo_ok,
        )
    )
    replica_transactions = _replica_transactions(bench)
    bench.rows.append(
        Row(
            section,
            "transactions the replica answered (whole run, from its statistics)",
            f"{replica_transactions:,}",
        )
    )
    bench.results["across_nodes"] = {
        "seen_at_once": seen_at_once,
        "changes": changes,
        "photo_ok": photo_ok,
        "replica_transactions": replica_transactions,
    }


def _replica_transactions(bench: Bench) -> int:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=bench.replica_port, user="postgres", dbname="hamyar") as db:
        row = db.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'hamyar'"
        ).fetchone()
    return int(row[0]) if row else 0


def _small_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()
