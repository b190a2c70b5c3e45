"""Production's gunicorn configuration with its real master and workers: a worker recycled by `max_requests`
or stopped leaves without the interpreter's teardown (config/warm.py `exit_without_teardown`), and the
site keeps answering across the recycling."""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_tcp_port, production_gunicorn_command

pytestmark = pytest.mark.integration

PROJECT_DIR = Path(__file__).resolve().parents[2]

# Loaded by the master at start (PYTHONPATH), so every forked worker inherits the handler: a file named by
# the process's pid appears when its interpreter is torn down.
TEARDOWN_MARKER = """
import atexit, os
def _torn_down(directory=os.environ["TEARDOWN_MARKERS"]):
    open(os.path.join(directory, str(os.getpid())), "w").close()
atexit.register(_torn_down)
"""


def _get(url: str) -> int:
    for _attempt in range(100):
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback)
                return answer.status
        except OSError:  # between a worker leaving and the next one forked
            time.sleep(0.05)
    raise AssertionError(f"{url} never answered")


def test_recycled_and_stopped_workers_leave_without_the_interpreters_teardown(tmp_path):
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(TEARDOWN_MARKER)
    markers = tmp_path / "markers"
    markers.mkdir()
    port = free_tcp_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / "hook"),
        "TEARDOWN_MARKERS": str(markers),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "GUNICORN_MAX_REQUESTS": "2",
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        master = subprocess.Popen(
            production_gunicorn_command(port=port, workers=1),
            cwd=PROJECT_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        # A static file: answered by the whole middleware stack with no database.
        statuses = [_get(f"http://127.0.0.1:{port}/static/favicon.svg") for _ in range(7)]
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait(timeout=30)
    output = log.read_text()

    assert statuses == [200] * 7
    assert master.returncode == 0
    assert "objects frozen" in output  # the master froze its heap before forking
    workers = {line.rsplit(" ", 1)[1] for line in output.splitlines() if "Booting worker with pid" in line}
    assert len(workers) >= 4  # three recycled after two requests each, and the one stopped
    assert output.count("Autorestarting worker") >= 3
    assert "exited with code" not in output and "Traceback" not in output
    torn_down = {marker.name for marker in markers.iterdir()}
    assert torn_down == {str(master.pid)}  # the master tore its interpreter down; no worker did
