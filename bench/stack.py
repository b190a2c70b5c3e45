"""The stack under test, started from installed binaries and always stopped: PostgreSQL, Redis, gunicorn
and a Celery worker, each in a process group of its own, plus a sampler of their memory.

PostgreSQL comes from the same helpers as the test suite (tests/servers.py: initdb and pg_ctl run as the
`postgres` OS user when we are root), but it is configured like a small production server, not like the
tests' throw-away cluster: durable commits unless --no-fsync, and buffers sized for the data set.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import (
    NGINX_CONFIG,
    PostgresCluster,
    as_postgres_user,
    nginx_temp_paths,
    production_gunicorn_command,
    render_nginx_admission,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent


class StackError(RuntimeError):
    pass


@dataclass
class BenchPostgres(PostgresCluster):
    """A PostgreSQL cluster in a temporary directory on 127.0.0.1, tuned like a small production VM."""

    durable: bool = True
    max_connections: int = 200

    def start(self) -> None:
        import pwd
        import tempfile

        self.directory = Path(tempfile.mkdtemp(prefix="hamyar-bench-pg-"))
        if os.geteuid() == 0:
            postgres_user = pwd.getpwnam("postgres")
            os.chown(self.directory, postgres_user.pw_uid, postgres_user.pw_gid)
        self._run(
            self.bin_dir / "initdb",
            "--pgdata",
            str(self.data_dir),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )
        durability = "" if self.durable else "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.directory}'\n"
                f"max_connections = {self.max_connections}\n"
                "shared_buffers = 512MB\n"
                "effective_cache_size = 2GB\n"
                "work_mem = 16MB\n"
                "maintenance_work_mem = 256MB\n"
                "max_wal_size = 4GB\n"
                "random_page_cost = 1.1\n"
                f"{durability}"
            )
        self._run(
            self.bin_dir / "pg_ctl",
            "start",
            "--pgdata",
            str(self.data_dir),
            "--log",
            str(self.log_file),
            "--wait",
            "--timeout=60",
        )
        self._run(
            self.bin_dir / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "hamyar"
        )

    def version(self) -> str:
        out = subprocess.run(
            as_postgres_user([str(self.bin_dir / "postgres"), "--version"]),
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
        )
        return out.stdout.strip()


@dataclass
class ManagedProcess:
    """A child process in a session (process group) of its own, so that stopping it stops its children
    (gunicorn's workers, Celery's pool) too, and Ctrl-C in the terminal reaches only the orchestrator."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_file: Path
    cwd: Path = PROJECT_DIR
    stop_signal: int = signal.SIGTERM
    process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_file, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is None:
            return
        try:
            pgid = os.getpgid(self.process.pid)
        except ProcessLookupError:
            pgid = None
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if pgid is not None:
            # Anything left of the group (a worker that outlived its master) goes too.
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


def redis_process(*, port: int, directory: Path) -> ManagedProcess:
    binary = shutil.which("redis-server")
    if binary is None:
        raise StackError("redis-server is not installed; install it with `apt-get install redis-server`")
    return ManagedProcess(
        name="redis",
        command=[
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
            "--protected-mode",
            "yes",
        ],
        env=dict(os.environ),
        log_file=directory / "redis.log",
    )


def wait_for_port(port: int, *, timeout: float = 30.0, process: ManagedProcess | None = None) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and not process.running():
            raise StackError(f"{process.name} exited at start:\n{process.log_tail()}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise StackError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def wait_for_http(url: str, *, headers: dict[str, str], timeout: float, process: ManagedProcess) -> None:
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if not process.running():
            raise StackError(f"{process.name} exited at start:\n{process.log_tail()}")
        try:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback http
            with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError) as error:
            last_error = str(error)
        time.sleep(0.2)
    raise StackError(f"{url} did not answer 200 within {timeout} s ({last_error}):\n{process.log_tail()}")


def gunicorn_process(
    *, port: int, workers: int, threads: int, env: dict[str, str], log_dir: Path
) -> ManagedProcess:
    return ManagedProcess(
        name="gunicorn",
        command=production_gunicorn_command(port=port, workers=workers, threads=threads),
        env=env,
        log_file=log_dir / "gunicorn.log",
    )


def celery_process(*, concurrency: int, env: dict[str, str], log_dir: Path, node_name: str) -> ManagedProcess:
    return ManagedProcess(
        name="celery",
        # As docker/entrypoint.sh starts it: the prefork pool with a fixed concurrency, below the web
        # server's CPU priority, so that answers come first on a shared machine.
        command=[
            "nice",
            "-n",
            "10",
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            str(concurrency),
            f"--hostname={node_name}",
        ],
        env=env,
        log_file=log_dir / "celery.log",
    )


# --- Memory ------------------------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    """Direct children of a process, from /proc (every thread's children file)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    found.extend(int(child) for child in children.read().split())
            except OSError:
                continue
    except OSError:
        pass
    return found


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (VmRSS), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@dataclass
class RssSampler:
    """Samples the RSS of gunicorn's workers and the Celery worker's processes every `interval` seconds
    and keeps the peaks, overall and per phase (the scenario running at the time)."""

    gunicorn_master: int
    celery_main: int
    interval: float = 0.1
    phase: str = "idle"
    peaks: dict[str, dict[str, int]] = field(default_factory=dict)
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _record(self, key: str, value: int) -> None:
        for bucket in ("all", self.phase):
            peaks = self.peaks.setdefault(bucket, {})
            peaks[key] = max(peaks.get(key, 0), value)

    def sample(self) -> None:
        workers = [rss_bytes(pid) for pid in children_of(self.gunicorn_master)]
        if workers:
            self._record("web_worker_max", max(workers))
            self._record("web_workers_total", sum(workers))
        self._record("web_master", rss_bytes(self.gunicorn_master))
        celery = [self.celery_main, *children_of(self.celery_main)]
        celery_rss = [rss_bytes(pid) for pid in celery]
        self._record("celery_process_max", max(celery_rss))
        self._record("celery_total", sum(celery_rss))
        self.samples += 1

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def nginx_process(
    *, port: int, upstreams: list[int], directory: Path, signups_in_flight: int | None = None
) -> ManagedProcess:
    """nginx on 127.0.0.1:`port` sharing requests between the gunicorn nodes round-robin, as production's
    nginx passes them on (docs/scaling.md): the client's address appended to X-Forwarded-For, the scheme
    the client used (the load generator says https, as TLS would end here) passed through. With
    `signups_in_flight`, production's admission of sign-ups (docker/nginx/admission-*) with that bound."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise StackError("nginx is not installed; install it with `apt-get install nginx-light`")
    directory.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{upstream};" for upstream in upstreams)
    admission = {"zone": "", "location": "", "answers": ""}
    if signups_in_flight is not None:
        rendered = render_nginx_admission(NGINX_CONFIG, directory / "admission", str(signups_in_flight))
        if rendered.returncode != 0:
            raise StackError(rendered.stderr)
        admission = {
            "zone": f"include {NGINX_CONFIG}/admission-zone.conf;",
            "location": f"include {directory}/admission/location.conf;",
            "answers": f"include {NGINX_CONFIG}/admission-answers.conf;",
        }
    (directory / "nginx.conf").write_text(
        f"""worker_processes 1;
worker_rlimit_nofile 16384;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
daemon off;
events {{ worker_connections 8192; }}
http {{
    access_log off;
{nginx_temp_paths(directory / "temp")}
    client_max_body_size 20m;
    client_body_buffer_size 1m;
    {admission["zone"]}
    upstream hamyar {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        {admission["answers"]}
        location / {{
            {admission["location"]}
            proxy_pass http://hamyar;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""
    )
    return ManagedProcess(
        name="nginx",
        command=[binary, "-c", str(directory / "nginx.conf"), "-p", str(directory)],
        env=dict(os.environ),
        log_file=directory / "nginx.log",
        stop_signal=signal.SIGQUIT,
    )


def moto_process(*, port: int, directory: Path) -> ManagedProcess:
    """moto's S3-compatible server (a test dependency) on 127.0.0.1:`port`: the object storage the web
    nodes share."""
    return ManagedProcess(
        name="s3",
        command=[sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=dict(os.environ),
        log_file=directory / "s3.log",
    )
