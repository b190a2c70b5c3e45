"""Gunicorn settings for production (`gunicorn --config gunicorn.conf.py`).

Every number can be changed from the environment; the defaults suit a small VM behind nginx, which buffers
slow clients, so plain synchronous workers are enough.
"""

import math
import os

MAX_DEFAULT_WORKERS = 8  # each worker holds a full copy of Django and Wagtail (roughly 100-150 MB)


def available_cpus() -> int:
    """CPUs this container may really use: its CPU set, capped by a cgroup v2 quota (`cpus:` in compose).

    os.cpu_count() reports the host's CPUs, which would start far too many workers in a limited container.
    """
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max") as cpu_max:
            quota, period = cpu_max.read().split()
        if quota != "max":
            count = min(count, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return count


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "config.wsgi:application"
bind = "0.0.0.0:8000"  # inside the container; only nginx on the compose network reaches it

workers = env_int("GUNICORN_WORKERS", min(2 * available_cpus() + 1, MAX_DEFAULT_WORKERS))
# More than one thread switches gunicorn to its threaded worker class.
threads = env_int("GUNICORN_THREADS", 1)

timeout = env_int("GUNICORN_TIMEOUT", 30)  # a request running longer is killed and logged
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # on SIGTERM, time to finish requests
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow forever. The jitter keeps them from restarting at
# once: workers started together share the requests evenly, and with a jitter of a tenth all five were
# replaced within two seconds in the benchmark, each answering its first requests cold (slower) meanwhile.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2)
# Django and Wagtail are imported once, in the master: a recycled worker is forked ready in milliseconds
# instead of importing them again for a second or two while requests queue for it. Nothing opens a
# connection at import time, so no socket is shared across the fork. New code needs a restart, not a HUP.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"


def when_ready(server) -> None:
    """In the master, after the app is loaded and before any worker is forked: what every worker would
    otherwise do on its first requests (the URLconf, the templates), done once (config/warm.py)."""
    if not preload_app:
        return
    from config.warm import freeze_before_fork, warm_before_fork

    warmed = warm_before_fork()
    server.log.info("Ready before forking workers: %s, %s objects frozen", warmed, freeze_before_fork())


def worker_exit(server, worker) -> None:
    """A worker that has served leaves without the interpreter's teardown: a second of CPU saved each time
    `max_requests` recycles one (config/warm.py). One that failed to boot exits as gunicorn has it exit."""
    if not worker.booted:
        return
    from config.warm import exit_without_teardown

    exit_without_teardown()


# The worker heartbeat file lives in memory: on an overlay file system its writes can stall a worker.
# Gunicorn creates it there with mkstemp, so a shared directory is safe.
MEMORY_DIR = "/dev/shm"  # noqa: S108
worker_tmp_dir = MEMORY_DIR if os.path.isdir(MEMORY_DIR) else None

# Trust X-Forwarded-Proto from whoever connects: in compose that can only be nginx, which overwrites it.
# Only that one header counts, so a client cannot make a request fail with a contradicting X-Forwarded-Ssl.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

accesslog = "-"  # standard output, collected by Docker
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The client address as nginx saw it, then the usual combined format and the time taken in seconds.
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s'

proc_name = "hamyar"
# Nothing here uses gunicorn's runtime control socket, and its default place is not writable in the image.
control_socket_disable = True
