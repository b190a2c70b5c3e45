"""Throw-away servers for the integration tests: a PostgreSQL cluster and a Celery worker process.

The PostgreSQL helper is hand-written rather than taken from pytest-postgresql because initdb and pg_ctl
refuse to run as root (pytest-postgresql issue #455), and CI machines and containers often run as root.
Here, when the current user is root, the PostgreSQL programs run as the `postgres` OS user that the Debian
package creates, and the cluster's temporary directory belongs to that user.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
POSTGRES_OS_USER = "postgres"
# The database named in DATABASE_URL; pytest-django creates and migrates "test_hamyar" next to it.
POSTGRES_DATABASE = "hamyar"
INSTALL_POSTGRES = "PostgreSQL is not installed; install it with `apt-get install postgresql`"
INSTALL_REDIS = "Redis is not installed; install it with `apt-get install redis-server`"


def running_on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def skip_or_fail(reason: str) -> NoReturn:
    """Skips the test on a developer's machine; fails it on CI, where every server must be there."""
    if running_on_ci():
        pytest.fail(f"{reason}. CI=true, so integration tests fail instead of skipping.", pytrace=False)
    pytest.skip(reason)


def production_gunicorn_command(*, port: int, workers: int, threads: int = 1) -> list[str]:
    """gunicorn as production starts it (the project's gunicorn.conf.py), on 127.0.0.1:`port`: only the
    address and the number of workers and threads are the caller's. Run it from the project's directory."""
    return [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads)]


def free_tcp_port() -> int:
    """A port nothing listens on at this moment, chosen by the kernel."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl: pg_config's answer, Debian's versioned folders, or PATH."""
    candidates: list[Path] = []
    if pg_config := shutil.which("pg_config"):
        # On Debian pg_config may come from libpq-dev and name a server version that is not installed.
        answer = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if answer.returncode == 0:
            candidates.append(Path(answer.stdout.strip()))
    debian_dirs = Path("/usr/lib/postgresql").glob("*/bin")
    candidates.extend(sorted(debian_dirs, key=lambda path: int(re.sub(r"\D", "", path.parent.name) or 0),
                             reverse=True))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).parent)
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    return None


def as_postgres_user(command: list[str]) -> list[str]:
    """The command unchanged for an ordinary user; run as `postgres` when we are root."""
    if os.geteuid() != 0:
        return command
    if runuser := shutil.which("runuser"):
        return [runuser, "-u", POSTGRES_OS_USER, "--", *command]
    return ["setpriv", f"--reuid={POSTGRES_OS_USER}", f"--regid={POSTGRES_OS_USER}", "--init-groups",
            *command]


class PostgresStartError(RuntimeError):
    pass


@dataclass
class PostgresCluster:
    """One PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only, tuned for speed."""

    bin_dir: Path
    port: int = field(default_factory=free_tcp_port)
    directory: Path | None = None

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def log_file(self) -> Path:
        return self.directory / "server.log"

    def database_url(self, database: str = POSTGRES_DATABASE) -> str:
        return f"postgres://{POSTGRES_OS_USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="hamyar-test-pg-"))
        if os.geteuid() == 0:
            try:
                postgres_user = pwd.getpwnam(POSTGRES_OS_USER)
            except KeyError:
                raise PostgresStartError(
                    f"As root, PostgreSQL must run as the `{POSTGRES_OS_USER}` OS user, which is missing; "
                    "`apt-get install postgresql` creates it."
                ) from None
            os.chown(self.directory, postgres_user.pw_uid, postgres_user.pw_gid)
        self._run(
            self.bin_dir / "initdb", "--pgdata", str(self.data_dir), "--auth=trust",
            f"--username={POSTGRES_OS_USER}", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            "--no-instructions",
        )
        # Durability is worthless for a cluster that lives for one test run; dropping it makes tests fast.
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.directory}'\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
                "max_connections = 100\n"
            )
        self._run(
            self.bin_dir / "pg_ctl", "start", "--pgdata", str(self.data_dir), "--log", str(self.log_file),
            "--wait", "--timeout=30",
        )

    def stop(self) -> None:
        """Stops the server and deletes its files; safe to call twice and after a failed start."""
        if self.directory is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run(
                as_postgres_user([str(self.bin_dir / "pg_ctl"), "stop", "--pgdata", str(self.data_dir),
                                  "--mode=immediate", "--wait", "--timeout=30"]),
                cwd=self.directory, capture_output=True, check=False, timeout=60,
            )
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def _run(self, *command) -> None:
        # A session of its own keeps the server out of the terminal's process group, so Ctrl-C reaches
        # pytest, which then stops the server in order, instead of hitting the server directly.
        finished = subprocess.run(
            as_postgres_user([str(part) for part in command]), cwd=self.directory, capture_output=True,
            text=True, check=False, timeout=120, start_new_session=True,
        )
        if finished.returncode != 0:
            server_log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
            raise PostgresStartError(
                f"{Path(command[0]).name} failed with exit code {finished.returncode}:\n"
                f"{finished.stdout}{finished.stderr}{server_log}\n"
                "Set HAMYAR_TEST_POSTGRES=off to run the tests on SQLite instead."
            )


class Standby:
    """A streaming replica (`pg_basebackup -R`) of the PostgreSQL server on 127.0.0.1:`primary_port`, in a
    temporary directory, on a port of its own; for the replica test and the benchmark's two-node stack."""

    def __init__(self, primary_port: int):
        self.bin_dir = postgres_bin_dir()
        self.port = free_tcp_port()
        self.directory = Path(tempfile.mkdtemp(prefix="hamyar-test-replica-"))
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.data_dir = self.directory / "data"
        self._run("pg_basebackup", "--pgdata", self.data_dir, "--host", "127.0.0.1", "--port", primary_port,
                  "--username", "postgres", "--write-recovery-conf", "--wal-method=stream",
                  "--checkpoint=fast", "--no-sync")
        with open(self.data_dir / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {self.port}\nunix_socket_directories = '{self.directory}'\n")
        self.start()

    def _run(self, program: str, *arguments) -> None:
        command = as_postgres_user([str(self.bin_dir / program), *map(str, arguments)])
        finished = subprocess.run(command, cwd=self.directory, capture_output=True, text=True, timeout=120)
        if finished.returncode != 0:
            raise PostgresStartError(finished.stdout + finished.stderr)

    def start(self) -> None:
        self._run("pg_ctl", "start", "--pgdata", self.data_dir, "--log", self.directory / "server.log",
                  "--wait", "--timeout=30")

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "--pgdata", self.data_dir, "--mode=immediate", "--wait")

    def remove(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class CeleryWorker:
    """A real `celery worker` process of this project, consuming from the given Redis."""

    redis_url: str
    database_url: str
    log_file: Path
    node_name: str = field(default_factory=lambda: f"hamyar-test-{uuid.uuid4().hex[:8]}@localhost")
    process: subprocess.Popen | None = None
    extra_environment: dict[str, str] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        environment = {
            name: value for name, value in os.environ.items()
            if not name.startswith(("CELERY_", "DJANGO_", "DATABASE_", "REDIS_"))
        }
        # The worker runs as in production, its settings read from the environment: the test settings
        # pin Celery to eager mode for the unit tests.
        environment.update(
            DJANGO_SETTINGS_MODULE="config.settings.base",
            DJANGO_SECRET_KEY="insecure-key-for-the-test-worker",
            DJANGO_DEBUG="false",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            **self.extra_environment,
        )
        return environment

    def start(self, celery_app, *, timeout_seconds: float = 30.0) -> None:
        """Starts the worker and returns once it answers a ping through Redis."""
        environment = self.environment()
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--pool=solo",
                 "--concurrency=1", f"--hostname={self.node_name}", "--without-mingle", "--without-gossip",
                 "--without-heartbeat"],
                cwd=PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited at start:\n{self.log()}")
            if celery_app.control.ping(destination=[self.node_name], timeout=0.5):
                return
        self.stop()
        raise RuntimeError(f"The Celery worker did not answer within {timeout_seconds} s:\n{self.log()}")

    def kill(self) -> None:
        """`kill -9` of the worker and everything it started, as the out-of-memory killer would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if the worker hangs."""
        _stop_gently(self.process)

    def log(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""


def _stop_gently(process: subprocess.Popen | None) -> None:
    """SIGTERM, then SIGKILL if the process has not ended within 15 s."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class CeleryBeat:
    """A real `celery beat` process of this project, sending the periodic tasks to the given Redis."""

    worker: CeleryWorker  # beat runs with the worker's environment
    schedule_file: Path
    log_file: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
                 f"--schedule={self.schedule_file}"],
                cwd=PROJECT_DIR, env=self.worker.environment(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def stop(self) -> None:
        _stop_gently(self.process)


@dataclass
class RedisServer:
    """A redis-server of its own on a fixed port, which a test may stop and start again (an outage)."""

    directory: Path
    port: int = field(default_factory=free_tcp_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, *, timeout_seconds: float = 10.0) -> None:
        import redis

        executable = shutil.which("redis-server")
        if executable is None:
            skip_or_fail(INSTALL_REDIS)
        # Nothing persisted: a restart comes back empty, as a Redis that lost its data does.
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


INSTALL_NGINX = "nginx is not installed; install it with `apt-get install nginx-light`"
NGINX_CONFIG = PROJECT_DIR / "docker" / "nginx"


def render_nginx_admission(source: Path, target: Path, signups_in_flight: str) -> subprocess.CompletedProcess:
    """docker/nginx/render-admission.sh, as the proxy container's start.sh runs it."""
    return subprocess.run(
        ["/bin/sh", str(source / "render-admission.sh"), str(source), str(target)],
        env={**os.environ, "HAMYAR_SIGNUPS_IN_FLIGHT": signups_in_flight},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def nginx_temp_paths(temp: Path) -> str:
    """The lines of an nginx.conf's http block that keep nginx's temporary files in `temp`, made here and
    writable for nginx's workers."""
    temp.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(temp, "nobody")  # nginx's workers run as nobody when it is started as root
    kinds = {"client_body": "body", "proxy": "proxy", "fastcgi": "fastcgi", "uwsgi": "uwsgi", "scgi": "scgi"}
    return "\n".join(f"    {kind}_temp_path {temp}/{name};" for kind, name in kinds.items())


@dataclass
class ProductionNginx:
    """Production's proxy configuration (docker/nginx: site-http.conf and everything it includes) run by
    this machine's nginx on loopback in front of 127.0.0.1:`upstream_port`: the container's paths, ports
    and the web container's name turned into this machine's, nothing else changed."""

    directory: Path
    upstream_port: int
    signups_in_flight: int = 100
    port: int = field(default_factory=free_tcp_port)
    health_port: int = field(default_factory=free_tcp_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout_seconds: float = 10.0) -> None:
        import urllib.request

        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            skip_or_fail(INSTALL_NGINX)
        config, admission = self.directory / "hamyar", self.directory / "admission"
        config.mkdir(parents=True, exist_ok=True)
        replacements = {
            "/etc/nginx/hamyar-admission/": f"{admission}/",
            "/etc/nginx/hamyar/": f"{config}/",
            "http://web:8000": f"http://127.0.0.1:{self.upstream_port}",
            "listen 80 default_server;": f"listen 127.0.0.1:{self.port} default_server;",
            "listen 127.0.0.1:8081;": f"listen 127.0.0.1:{self.health_port};",
        }
        for source in NGINX_CONFIG.iterdir():
            text = source.read_text()
            for before, after in replacements.items():
                text = text.replace(before, after)
            (config / source.name).write_text(text)
        rendered = render_nginx_admission(config, admission, str(self.signups_in_flight))
        if rendered.returncode != 0:
            raise RuntimeError(rendered.stderr)
        (self.directory / "nginx.conf").write_text(
            f"""worker_processes 1;
pid {self.directory}/nginx.pid;
error_log {self.directory}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{nginx_temp_paths(self.directory / "temp")}
    include {config}/site-http.conf;
}}
"""
        )
        self.process = subprocess.Popen(
            [binary, "-c", str(self.directory / "nginx.conf"), "-p", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_seconds
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}/nginx-health", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    failure = self.process.stderr.read().decode()
                    raise RuntimeError(f"nginx did not start: {failure}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not answer within {timeout_seconds} s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
