"""Runs the benchmark suite on a production-like stack it starts and always stops.

    .venv/bin/python -m bench.run            # the issue's volumes (10,000 calls, 1,000,000 ledger entries…)
    .venv/bin/python -m bench.run --quick    # small volumes: a smoke run in a minute or two

It starts a throw-away PostgreSQL and Redis on loopback ports, migrates with the production settings,
generates the data (seeded), starts gunicorn (gunicorn.conf.py) and a Celery worker as production does,
runs each scenario with a load generator in a separate process, prints a table and writes
results/latest.json and results/latest.md under bench/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.servers import Standby, free_tcp_port

from .stack import (
    PROJECT_DIR,
    BenchPostgres,
    RssSampler,
    StackError,
    celery_process,
    gunicorn_process,
    moto_process,
    nginx_process,
    redis_process,
    wait_for_http,
    wait_for_port,
)
from .stats import markdown_table, table

SCENARIOS = ("signup", "listing", "signedin", "leaderboards", "verification", "opencity")
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def log(message: str) -> None:
    # UTC throughout: Django sets the process's TZ to the city's once it is set up.
    print(f"[{datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small volumes, for a smoke run")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="run only this scenario (repeatable); memory is always reported",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers (default: gunicorn.conf.py's, from the CPUs)",
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (default 1)")
    parser.add_argument(
        "--celery-concurrency", type=int, default=2, help="as docker/entrypoint.sh (default 2)"
    )
    parser.add_argument(
        "--signup-concurrency",
        default="50,all",
        help="comma-separated requests in flight for the sign-up burst; 'all' sends every "
        "volunteer's at once (default 50,all; at most 4 levels)",
    )
    parser.add_argument(
        "--latency-concurrency",
        type=int,
        default=4,
        help="requests in flight for the latency scenarios (default 4)",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help="requests per filter set / board case (default 60, quick 10)",
    )
    parser.add_argument(
        "--no-fsync",
        action="store_true",
        help="run PostgreSQL without fsync (not production-like; for slow disks)",
    )
    parser.add_argument(
        "--ledger-entries",
        type=int,
        default=None,
        help="ledger entries to generate (only the leaderboards and verification read them; fewer make the "
        "data for --scenario signup/listing in a third of the time)",
    )
    parser.add_argument(
        "--nodes",
        type=int,
        choices=(1, 2),
        default=1,
        help="2: two gunicorn nodes behind nginx, sharing nothing local, with a PostgreSQL streaming "
        "replica and an S3-compatible server; adds the cross-node checks (scenario 'nodes')",
    )
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="put nginx in front of the one gunicorn node too, as production's compose does (--nodes 2 "
        "always has it)",
    )
    parser.add_argument(
        "--signups-in-flight",
        type=int,
        default=None,
        help="with --nginx or --nodes 2: production's admission of sign-ups (docker/nginx/admission-*): at "
        "most this many with gunicorn at once, the others answered 429 at once, which the load generator "
        "sends again after Retry-After (default: no admission)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="record gunicorn's workers with py-spy during each sign-up burst into this directory "
        "(collapsed stacks, and a summary of where the time goes)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, plans)")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR, help="where latest.json/latest.md go")
    args = parser.parse_args(argv)
    if args.signups_in_flight is not None and not (args.nginx or args.nodes == 2):
        parser.error("--signups-in-flight needs nginx in front: --nginx or --nodes 2")
    if args.signups_in_flight is not None and args.signups_in_flight < 1:
        parser.error("--signups-in-flight must be 1 or more")
    return args


def machine_info() -> dict:
    import celery
    import django
    import gunicorn
    import wagtail

    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    redis_version = subprocess.run(
        [shutil.which("redis-server") or "redis-server", "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu_model": cpu_model,
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "gunicorn": gunicorn.__version__,
        "celery": celery.__version__,
        "redis": redis_version,
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "kernel": platform.release(),
    }


def stack_environment(*, database_url: str, redis_url: str, workdir: Path) -> dict[str, str]:
    """The environment production reads (README's settings table), pointed at the benchmark's servers."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CELERY_", "DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        PYTHONUNBUFFERED="1",
    )
    return environment


def _made(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def two_node_environment(environment: dict[str, str], *, replica_port: int, s3_url: str) -> dict[str, str]:
    """Production's settings for web nodes that share nothing local: reads that may go to the replica,
    uploaded and private files in one bucket of the S3-compatible server (made here)."""
    import boto3

    bucket = "hamyar-bench"
    boto3.resource(
        "s3",
        endpoint_url=s3_url,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    primary = environment["DATABASE_URL"]
    host_and_port = primary.split("@", 1)[1].split("/", 1)[0]
    return {
        **environment,
        "DATABASE_REPLICA_URL": primary.replace(host_and_port, f"127.0.0.1:{replica_port}", 1),
        "OBJECT_STORAGE_BUCKET": bucket,
        "OBJECT_STORAGE_ENDPOINT_URL": s3_url,
        "OBJECT_STORAGE_ACCESS_KEY": "bench",
        "OBJECT_STORAGE_SECRET_KEY": "bench",
        "OBJECT_STORAGE_REGION": "us-east-1",
    }


def postmaster_pid(data_dir: Path) -> int | None:
    """The PostgreSQL server's main process, whose children are the connections' backends."""
    try:
        return int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def manage(environment: dict[str, str], *command: str, log_file: Path) -> None:
    with open(log_file, "ab") as output:
        finished = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if finished.returncode != 0:
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-30:])
        raise StackError(f"manage.py {' '.join(command)} failed:\n{tail}")


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    args = parse_args(argv)
    from .data import Volumes

    volumes = Volumes.quick() if args.quick else Volumes.full()
    if args.ledger_entries is not None:
        volumes = dataclasses.replace(volumes, ledger_entries=args.ledger_entries)
    requests_per_case = args.requests or (10 if args.quick else 60)
    levels = [level.strip() for level in args.signup_concurrency.split(",") if level.strip()]
    scenarios = args.scenario or list(SCENARIOS)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)

    from tests.servers import postgres_bin_dir

    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        print("PostgreSQL is not installed; install it with `apt-get install postgresql`", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="hamyar-bench-"))
    postgres = BenchPostgres(bin_dir=bin_dir, durable=not args.no_fsync)
    redis = gunicorn = celery = sampler = None
    second_gunicorn = nginx = s3 = standby = None
    info = machine_info()
    try:
        log(
            f"machine: {info['cpu_model']}, {info['cpus_usable']} CPUs, {info['memory_gb']} GB, "
            f"load {info['load_average_at_start'][0]:.1f}; work directory {workdir}"
        )
        postgres.start()
        info["postgresql"] = postgres.version()
        redis_port = free_tcp_port()
        redis = redis_process(port=redis_port, directory=workdir)
        redis.start()
        wait_for_port(redis_port, process=redis)
        log(
            f"PostgreSQL on 127.0.0.1:{postgres.port} ({'durable' if postgres.durable else 'fsync off'}), "
            f"Redis on 127.0.0.1:{redis_port}"
        )

        environment = stack_environment(
            database_url=postgres.database_url(),
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
            workdir=workdir,
        )
        os.environ.update(environment)
        started = time.perf_counter()
        manage(environment, "migrate", "--no-input", log_file=workdir / "manage.log")
        manage(environment, "collectstatic", "--no-input", "-v0", log_file=workdir / "manage.log")
        log(f"migrated and collected static files in {time.perf_counter() - started:.0f} s")

        import django

        django.setup()
        from django.db import connections

        from . import data

        started = time.perf_counter()
        log(f"generating data (seed {data.SEED}): {volumes}")
        dataset = data.generate(volumes, log=log)
        generation_s = time.perf_counter() - started
        log(f"data generated in {generation_s:.0f} s")
        connections.close_all()

        port = free_tcp_port()
        workers = args.workers or runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))["workers"]
        headers = {"X-Forwarded-Proto": "https"}  # as nginx sends it: TLS ends there
        if args.nodes == 2:
            # The other machines' parts: a streaming replica, object storage, a second node, nginx.
            standby = Standby(postgres.port)
            s3_port = free_tcp_port()
            s3 = moto_process(port=s3_port, directory=workdir)
            s3.start()
            wait_for_port(s3_port, process=s3)
            environment = two_node_environment(
                environment, replica_port=standby.port, s3_url=f"http://127.0.0.1:{s3_port}"
            )
            workers = max(2, (workers + 1) // 2)
            log(f"replica on 127.0.0.1:{standby.port}, S3-compatible storage on 127.0.0.1:{s3_port}")
        gunicorn = gunicorn_process(
            port=port,
            workers=workers,
            threads=args.threads,
            env={**environment, "MEDIA_ROOT": str(workdir / "node-a-media")},
            log_dir=workdir,
        )
        gunicorn.start()
        wait_for_http(f"http://127.0.0.1:{port}/bench/bare", headers=headers, timeout=60, process=gunicorn)
        node_urls = [f"http://127.0.0.1:{port}"]
        base_url = node_urls[0]
        if args.nodes == 2:
            second_port = free_tcp_port()
            second_gunicorn = gunicorn_process(
                port=second_port,
                workers=workers,
                threads=args.threads,
                env={**environment, "MEDIA_ROOT": str(workdir / "node-b-media")},
                log_dir=_made(workdir / "node-b"),
            )
            second_gunicorn.start()
            wait_for_http(
                f"http://127.0.0.1:{second_port}/bench/bare",
                headers=headers,
                timeout=60,
                process=second_gunicorn,
            )
            node_urls.append(f"http://127.0.0.1:{second_port}")
        if args.nodes == 2 or args.nginx:
            nginx_port = free_tcp_port()
            upstreams = [int(url.rsplit(":", 1)[1]) for url in node_urls]
            nginx = nginx_process(
                port=nginx_port,
                upstreams=upstreams,
                directory=workdir / "nginx",
                signups_in_flight=args.signups_in_flight,
            )
            nginx.start()
            wait_for_http(
                f"http://127.0.0.1:{nginx_port}/bench/bare", headers=headers, timeout=30, process=nginx
            )
            base_url = f"http://127.0.0.1:{nginx_port}"
            log(f"nginx on {base_url} before gunicorn nodes {', '.join(node_urls)} ({workers} workers each)")
        node_name = f"bench-{uuid.uuid4().hex[:8]}@localhost"
        celery_environment = {**environment, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
        celery = celery_process(
            concurrency=args.celery_concurrency, env=celery_environment, log_dir=workdir, node_name=node_name
        )
        celery.start()
        wait_for_celery(celery, node_name)
        info.update(
            gunicorn_workers=workers,
            gunicorn_threads=args.threads,
            celery_concurrency=args.celery_concurrency,
            postgres_durable=postgres.durable,
        )
        log(
            f"gunicorn on 127.0.0.1:{port} ({workers} workers × {args.threads} threads), Celery worker "
            f"{node_name} (prefork, {args.celery_concurrency})"
        )

        sampler = RssSampler(gunicorn_master=gunicorn.pid, celery_main=celery.pid)
        sampler.start()
        from .scenarios import (
            Bench,
            across_nodes,
            leaderboards,
            listing,
            memory,
            open_city,
            signed_in,
            signup_burst,
            verification_to_points,
        )

        bench = Bench(
            base_url=base_url,
            node_urls=node_urls,
            second_gunicorn_pid=second_gunicorn.pid if second_gunicorn else None,
            replica_port=standby.port if standby else None,
            headers=headers,
            workdir=workdir,
            dataset=dataset,
            sampler=sampler,
            latency_concurrency=args.latency_concurrency,
            requests_per_case=requests_per_case,
            log=log,
            gunicorn_pid=gunicorn.pid,
            postgres_pid=postmaster_pid(postgres.data_dir),
            celery_pid=celery.pid,
            profile_dir=args.profile,
            workers=workers * args.nodes,
        )
        if "signup" in scenarios:
            signup_burst(bench, levels)
        if "listing" in scenarios:
            listing(bench)
        if "signedin" in scenarios:
            signed_in(bench)
        if "leaderboards" in scenarios:
            leaderboards(bench)
        if "verification" in scenarios:
            verification_to_points(bench)
        if "opencity" in scenarios:
            open_city(bench)
        if args.nodes == 2:
            across_nodes(bench)
        sampler.stop()
        sampler.sample()
        memory(bench)
        for process in (p for p in (gunicorn, second_gunicorn, nginx, celery) if p is not None):
            if not process.running():
                bench.notes.append(f"{process.name} exited during the run:\n{process.log_tail()}")

        report(args=args, info=info, volumes=volumes, dataset=dataset, generation_s=generation_s, bench=bench)
        return 0
    finally:
        log("stopping the stack")
        if sampler is not None:
            sampler.stop()
        for process in (nginx, gunicorn, second_gunicorn, celery, redis, s3):
            if process is not None:
                process.stop()
        if standby is not None:
            standby.remove()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        postgres.stop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def wait_for_celery(process, node_name: str, timeout: float = 60.0) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running():
            raise StackError(f"the Celery worker exited at start:\n{process.log_tail()}")
        if app.control.ping(destination=[node_name], timeout=0.5):
            return
    raise StackError(f"the Celery worker did not answer within {timeout} s:\n{process.log_tail()}")


def report(*, args, info: dict, volumes, dataset, generation_s: float, bench) -> None:
    import dataclasses

    shared = info["load_average_at_start"][0] >= 0.5 * info["cpus_usable"]
    header = (
        f"Hamyar benchmark · {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · "
        f"{'quick' if args.quick else 'full'} volumes · commit {info['commit']}\n"
        f"{info['cpu_model']} · {info['cpus_usable']} usable CPUs of {info['cpus']} · "
        f"{info['memory_gb']} GB RAM · "
        f"load average at start {info['load_average_at_start'][0]:.2f}"
        f"{' (the machine was busy with other work)' if shared else ''}\n"
        f"Python {info['python']} · Django {info['django']} · Wagtail {info['wagtail']} · "
        f"gunicorn {info['gunicorn']} "
        f"({info['gunicorn_workers']} sync workers × {info['gunicorn_threads']} threads) · "
        f"Celery {info['celery']} "
        f"(prefork {info['celery_concurrency']}) · {info['postgresql']}"
        f"{'' if info['postgres_durable'] else ' (fsync off)'} · {info['redis']}\n"
        f"data: {volumes.calls:,} calls, {volumes.people:,} people, "
        f"{volumes.ledger_entries:,} ledger entries, "
        f"{volumes.burst_volunteers:,} volunteers for {volumes.burst_places} places; "
        f"generated in {generation_s:.0f} s"
    )
    print()
    print(header)
    print()
    print(table(bench.rows))
    for note in bench.notes:
        print(f"NOTE {note}")
    args.output.mkdir(parents=True, exist_ok=True)
    missed = [f"{row.section}: {row.figure}" for row in bench.rows if row.met is False]
    payload = {
        "machine": info,
        "quick": args.quick,
        "volumes": dataclasses.asdict(volumes),
        "data_generation_s": generation_s,
        "data_generation_steps_s": dataset.timings,
        "rows": [dataclasses.asdict(row) | {"verdict": row.verdict} for row in bench.rows],
        "missed": missed,
        "notes": bench.notes,
        "details": bench.results,
    }
    (args.output / "latest.json").write_text(json.dumps(payload, indent=2, default=str, ensure_ascii=False))
    markdown = "\n\n".join(
        [
            "# Hamyar benchmark",
            "```\n" + header + "\n```",
            markdown_table(bench.rows),
            *(f"> {note}" for note in bench.notes),
        ]
    )
    (args.output / "latest.md").write_text(markdown + "\n")
    print(f"\nwrote {args.output / 'latest.json'} and {args.output / 'latest.md'}")
    print("targets missed: " + ("; ".join(missed) if missed else "none"))


if __name__ == "__main__":
    sys.exit(main())
