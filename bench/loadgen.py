"""The load generator: a process of its own (asyncio + aiohttp), so that it never shares an interpreter (or
its GIL) with the stack it measures.

    python -m bench.loadgen SPEC.json RESULT.json

SPEC: {"base_url", "headers", "concurrency", "requests": [{"method", "path", "token"?, "cookie"?, "json"?,
"retry_busy"?}],
"warmup": [...], "warmup_concurrency"?, "mode": "requests" | "verification", "items": [...] (verification
only), "cpu_of": {name: pid}?}. With `cpu_of`, the result's "cpu_s" holds the CPU seconds each of those
servers and this process used over the timed requests (after the warm-up, sent `warmup_concurrency` at a
time).
Every request of `requests` is sent once; `concurrency` of them are in flight at any moment (all of them at
once when it equals their number). The result holds one record per request: HTTP status, latency in
milliseconds, start and end relative to the moment the first request left. A request with "retry_busy" is
sent again after each 429 answer with Retry-After, once that many seconds and up to one more at random
have passed, as an honest client does: its record is the last answer's, with start the first attempt's,
and "answers_ms" every attempt's latency.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import sys
import time

import aiohttp

from bench import cpu

BODY_KEPT = 300  # characters of an unexpected answer kept for the report
RETRY_JITTER_S = 1.0
MAX_ATTEMPTS = 100  # a request marked "retry_busy" is sent again after each 429 with Retry-After, this often


def _raise_open_files_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _headers(common: dict, request: dict) -> dict:
    headers = dict(common)
    if request.get("token"):
        headers["Authorization"] = f"Bearer {request['token']}"
    if request.get("cookie"):
        headers["Cookie"] = request["cookie"]
    return headers


async def _send(
    session: aiohttp.ClientSession, base_url: str, common: dict, request: dict
) -> tuple[int, str, float | None]:
    """The answer's status, its body when it is not a success, and its Retry-After in seconds."""
    async with session.request(
        request.get("method", "GET"),
        base_url + request["path"],
        headers=_headers(common, request),
        json=request.get("json"),
        allow_redirects=False,
    ) as answer:
        body = await answer.read()
        ok = 200 <= answer.status < 300 or answer.status == request.get("expect_status")
        try:
            retry_after = float(answer.headers["Retry-After"])
        except (KeyError, ValueError):
            retry_after = None
        return answer.status, "" if ok else body[:BODY_KEPT].decode(errors="replace"), retry_after


async def _warm_up(session, base_url: str, common: dict, requests: list, concurrency: int) -> None:
    """The warm-up requests, `concurrency` at a time: with as many in flight as gunicorn has workers,
    each worker gets some, and none meets the timed requests with its per-process copies still empty."""
    waiting = list(requests)

    async def sender() -> None:
        while waiting:
            await _send(session, base_url, common, waiting.pop(0))

    await asyncio.gather(*(sender() for _ in range(max(1, concurrency))))


async def run_requests(spec: dict) -> dict:
    base_url, common = spec["base_url"], spec.get("headers", {})
    requests = spec["requests"]
    concurrency = max(1, min(spec.get("concurrency", 1), len(requests)))
    connector = aiohttp.TCPConnector(
        limit=0, force_close=True
    )  # gunicorn's sync workers close each connection
    timeout = aiohttp.ClientTimeout(total=spec.get("timeout", 120))
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await _warm_up(session, base_url, common, spec.get("warmup", []), spec.get("warmup_concurrency", 1))
        queue: asyncio.Queue = asyncio.Queue()
        for index, request in enumerate(requests):
            queue.put_nowait((index, request))
        results: list[dict | None] = [None] * len(requests)
        go = asyncio.Event()
        t0 = 0.0

        async def client() -> None:
            await go.wait()
            while True:
                try:
                    index, request = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                answers = []
                first_start = time.perf_counter()
                while True:
                    start = time.perf_counter()
                    try:
                        status, body, retry_after = await _send(session, base_url, common, request)
                    except (TimeoutError, aiohttp.ClientError) as error:
                        status, body, retry_after = 0, f"{type(error).__name__}: {error}"[:BODY_KEPT], None
                    end = time.perf_counter()
                    answers.append((end - start) * 1000)
                    busy = status == 429 and retry_after is not None
                    if not (busy and request.get("retry_busy") and len(answers) < MAX_ATTEMPTS):
                        break
                    # As a client told "try again in N s" does: N s, and up to a second more at random, so
                    # that not all who were told at once come back at once.
                    await asyncio.sleep(retry_after + random.uniform(0, RETRY_JITTER_S))
                record = {
                    "status": status,
                    "latency_ms": answers[-1],
                    "start": first_start - t0,
                    "end": end - t0,
                }
                if len(answers) > 1:  # answered 429 before: every answer's latency, the last one's too
                    record["answers_ms"] = answers
                if body:
                    record["body"] = body
                results[index] = record

        clients = [asyncio.create_task(client()) for _ in range(concurrency)]
        await asyncio.sleep(0)
        cpu_before = cpu.snapshot(spec.get("cpu_of", {}))
        t0 = time.perf_counter()
        go.set()
        await asyncio.gather(*clients)
        wall = time.perf_counter() - t0
        cpu_after = cpu.snapshot(spec.get("cpu_of", {}))
    cpu_s = {name: cpu_after[name] - cpu_before[name] for name in cpu_after}
    return {"wall_s": wall, "concurrency": concurrency, "results": results, "cpu_s": cpu_s}


async def run_verification(spec: dict) -> dict:
    """For each item in turn: send the approval, then poll the volunteer's points until they show the credit.

    The time to visibility runs from the moment the approval request leaves to the first answer that shows
    the points; polls go every `poll_interval_ms`.
    """
    base_url, common = spec["base_url"], spec.get("headers", {})
    interval = spec.get("poll_interval_ms", 10) / 1000
    deadline_s = spec.get("item_timeout_s", 15)
    records = []
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        for item in spec["items"]:
            start = time.perf_counter()
            status, body, _retry_after = await _send(session, base_url, common, item["approve"])
            approved = time.perf_counter()
            record = {"approve_status": status, "approve_ms": (approved - start) * 1000, "polls": 0}
            if body:
                record["body"] = body
            if not 200 <= status < 300:
                records.append(record)
                continue
            while time.perf_counter() - start < deadline_s:
                poll = item["poll"]
                async with session.get(base_url + poll["path"], headers=_headers(common, poll)) as answer:
                    data = await answer.json(content_type=None)
                record["polls"] += 1
                if answer.status == 200 and data.get(item["field"], 0) >= item["at_least"]:
                    record["visible_ms"] = (time.perf_counter() - start) * 1000
                    record["after_approval_ms"] = (time.perf_counter() - approved) * 1000
                    break
                await asyncio.sleep(interval)
            records.append(record)
            if len(records) >= 3 and not any("visible_ms" in r for r in records[-3:]):
                break  # three approvals in a row whose points never showed: the worker is failing, stop here
    return {"results": records}


def main() -> None:
    spec_path, result_path = sys.argv[1], sys.argv[2]
    _raise_open_files_limit()
    with open(spec_path) as spec_file:
        spec = json.load(spec_file)
    runner = run_verification if spec.get("mode") == "verification" else run_requests
    result = asyncio.run(runner(spec))
    with open(result_path, "w") as result_file:
        json.dump(result, result_file)


if __name__ == "__main__":
    main()
