"""pytest plugin: run the whole test session on a throw-away PostgreSQL cluster when PostgreSQL is installed.

It is registered with `-p tests.pytest_servers` in pyproject's addopts, not as a conftest, because
pytest-django reads the Django settings (and so DATABASE_URL) in its own `pytest_load_initial_conftests`,
before any conftest is imported. This plugin's hook runs first (tryfirst), starts the cluster and sets
DATABASE_URL; the settings then point at it and pytest-django creates and migrates `test_hamyar` there.

Without PostgreSQL binaries the session runs on the SQLite default and the tests that need PostgreSQL
skip (or fail, with CI=true). HAMYAR_TEST_POSTGRES=off starts no cluster and leaves DATABASE_URL as it
is, as if PostgreSQL were not installed: handy for a quick SQLite run and to check the skip path.
"""

import atexit
import os

import pytest

from tests.servers import INSTALL_POSTGRES, PostgresCluster, postgres_bin_dir

postgres_cluster_key = pytest.StashKey[PostgresCluster | None]()
# Why there is no cluster; None when there is one. Read by the tests that need PostgreSQL.
postgres_missing_reason_key = pytest.StashKey[str | None]()


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    early_config.stash[postgres_cluster_key] = None
    early_config.stash[postgres_missing_reason_key] = None
    if early_config.known_args_namespace.help or early_config.known_args_namespace.version:
        return
    if os.environ.get("HAMYAR_TEST_POSTGRES", "").lower() == "off":
        early_config.stash[postgres_missing_reason_key] = (
            f"{INSTALL_POSTGRES} (HAMYAR_TEST_POSTGRES=off pretends it is missing)"
        )
        return
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        early_config.stash[postgres_missing_reason_key] = INSTALL_POSTGRES
        return

    cluster = PostgresCluster(bin_dir=bin_dir)
    # pytest_unconfigure stops it after a normal end, a failure or Ctrl-C; atexit covers an error
    # raised while pytest is still configuring, when pytest_unconfigure never runs.
    atexit.register(cluster.stop)
    cluster.start()
    early_config.stash[postgres_cluster_key] = cluster
    os.environ["DATABASE_URL"] = cluster.database_url()


def pytest_report_header(config: pytest.Config) -> str:
    cluster = config.stash.get(postgres_cluster_key, None)
    if cluster is not None:
        return f"postgresql: throw-away cluster from {cluster.bin_dir} on 127.0.0.1:{cluster.port}"
    reason = config.stash.get(postgres_missing_reason_key, None)
    return f"postgresql: none ({reason}); the database comes from DATABASE_URL or the SQLite default"


def pytest_unconfigure(config: pytest.Config) -> None:
    cluster = config.stash.get(postgres_cluster_key, None)
    if cluster is not None:
        cluster.stop()


def require_postgresql(request, needs: str) -> None:
    """For a test that needs PostgreSQL (its row locks, its unique index waits): skips it on a developer's
    machine without PostgreSQL, fails it on CI. `needs` says what for, e.g. "Parallel answers need row
    locks."."""
    from django.db import connection

    from tests.servers import skip_or_fail

    if connection.vendor != "postgresql":
        reason = request.config.stash.get(postgres_missing_reason_key, None)
        skip_or_fail(f"{needs} {reason or 'DATABASE_URL is not PostgreSQL'}")
