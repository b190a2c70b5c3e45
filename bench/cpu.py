"""CPU time of the stack's servers, read from /proc: what each request costs gunicorn's workers and
PostgreSQL's backends, next to what it costs the load generator that sends it (all on the same CPUs)."""

from __future__ import annotations

import os
import resource

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _children_of(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def _cpu_fields(pid: int) -> tuple[float, float]:
    """(own, reaped children's) user + system CPU seconds of a process, from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The command name, in parentheses, may hold spaces: the fields are counted after it.
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return (utime + stime) / CLOCK_TICKS, (cutime + cstime) / CLOCK_TICKS


def server_cpu_seconds(parent: int) -> float:
    """CPU seconds used by a server's children (gunicorn's workers, PostgreSQL's backends), those that
    have exited since (a recycled worker, a closed connection) counted through the parent's reaped total."""
    _own, reaped = _cpu_fields(parent)
    return reaped + sum(_cpu_fields(child)[0] for child in _children_of(parent))


def snapshot(servers: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each server (name → parent pid) and of this process ("loadgen")."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        **{name: server_cpu_seconds(pid) for name, pid in servers.items()},
        "loadgen": own.ru_utime + own.ru_stime,
    }
