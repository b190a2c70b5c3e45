"""Percentiles and the printed table."""

from __future__ import annotations

import math
from dataclasses import dataclass


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def latency_summary(latencies_ms: list[float]) -> dict:
    return {
        "count": len(latencies_ms),
        "p50_ms": percentile(latencies_ms, 0.50),
        "p95_ms": percentile(latencies_ms, 0.95),
        "p99_ms": percentile(latencies_ms, 0.99),
        "max_ms": max(latencies_ms) if latencies_ms else None,
    }


@dataclass
class Row:
    """One line of the report: a figure, the target it is held to (if any) and whether it was met."""

    section: str
    figure: str
    value: str
    target: str = ""
    met: bool | None = None  # None: no target, or the scenario was skipped

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "NO", None: ""}[self.met]


def fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f} ms"


def fmt_mb(value: int | None) -> str:
    return "–" if not value else f"{value / 1024 / 1024:,.0f} MB"


def table(rows: list[Row]) -> str:
    headers = ("scenario", "figure", "value", "target", "met?")
    cells = [(row.section, row.figure, row.value, row.target, row.verdict) for row in rows]
    widths = [max(len(str(cell[i])) for cell in [headers, *cells]) for i in range(len(headers))]
    line = "  ".join("-" * width for width in widths)
    out = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells]
    return "\n".join(out)


def markdown_table(rows: list[Row]) -> str:
    out = ["| scenario | figure | value | target | met? |", "| --- | --- | --- | --- | --- |"]
    out += [f"| {r.section} | {r.figure} | {r.value} | {r.target} | {r.verdict} |" for r in rows]
    return "\n".join(out)
