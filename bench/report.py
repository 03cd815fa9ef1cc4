"""Result lines, the printed table, and small measuring helpers (statement counter, peak RSS)."""

from __future__ import annotations

import os
import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Result:
    """One line of the table: ``ours`` and ``baseline`` as measured (with units), their ratio and target."""

    name: str
    database: str
    ours: str
    baseline: str
    ratio: float
    target: float
    passed: bool
    notes: str = ""


COLUMNS = ("benchmark", "db", "ours", "baseline", "ratio", "target", "result", "notes")


def row(result: Result) -> tuple[str, ...]:
    return (
        result.name,
        result.database,
        result.ours,
        result.baseline,
        f"{result.ratio:.2f}",
        f"≤ {result.target:g}",
        "PASS" if result.passed else "FAIL",
        result.notes,
    )


def table(results: list[Result], markdown: bool = False) -> str:
    """The results as an aligned text table (or a Markdown table for the README)."""
    rows = [COLUMNS, *map(row, results)]
    if markdown:
        lines = ["| " + " | ".join(r) + " |" for r in rows]
        lines.insert(1, "|" + "---|" * len(COLUMNS))
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.2f} ms"


def megabytes(kilobytes: int) -> str:
    return f"{kilobytes / 1024:.1f} MB"


def progress(message: str) -> None:
    print(f"  … {message}", flush=True)


def median_time(call: Callable[[], object], repetitions: int, warmup: int) -> float:
    """The median wall time of ``call`` over ``repetitions`` runs, after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class StatementCounter:
    """Counts statements sent to the database (``before_cursor_execute``; an executemany counts once)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0

    def _seen(self, *_args) -> None:
        self.count += 1

    @contextmanager
    def installed(self) -> Iterator[StatementCounter]:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._seen)


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(re.search(rf"^{field}:\s+(\d+)", status.read(), re.M).group(1))


class PeakRSS:
    """Peak resident memory growth since :meth:`start`, read at any moment (kilobytes).

    Uses the kernel's high-water mark (``VmHWM``, reset through ``/proc/self/clear_refs``), so it
    costs nothing while the benchmark runs; where that is not allowed, a thread samples ``VmRSS``.
    """

    def __init__(self) -> None:
        self.base = 0
        self._sampled = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> PeakRSS:
        self.base = _status_kb("VmRSS")
        try:
            with open("/proc/self/clear_refs", "w") as clear:
                clear.write("5")
        except OSError:
            self._sampled = self.base
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self._sampled = max(self._sampled, _status_kb("VmRSS"))

    def growth(self) -> int:
        peak = self._sampled if self._thread else _status_kb("VmHWM")
        return max(0, peak - self.base)

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()


class CpuClock:
    """CPU seconds used by this process plus, on PostgreSQL, by the server process of one connection.

    Unlike wall time it hardly moves when other programs load the machine (a FAIL that shows in
    both is real). The server's share is read from ``/proc/<backend pid>/stat`` (same host only).
    """

    def __init__(self, backend_pid: int | None = None, *, postgres: bool = False) -> None:
        self.backend_pid = backend_pid
        self.complete = not postgres or backend_pid is not None  # False: the server's share is unknown
        self._start = self.read()

    def _backend(self) -> float:
        if self.backend_pid is None:
            return 0.0
        try:
            with open(f"/proc/{self.backend_pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            self.backend_pid = None
            self.complete = False
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def read(self) -> float:
        return time.process_time() + self._backend()

    def elapsed(self) -> float:
        return self.read() - self._start


def cpu_clock(connection) -> CpuClock:
    """A :class:`CpuClock` for this process and the server process of a SQLAlchemy connection."""
    if connection.dialect.name != "postgresql":
        return CpuClock()
    return CpuClock(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar(), postgres=True)


def cpu_note(ours: float | None, baseline: float | None) -> str:
    return f"cpu ratio {ours / baseline:.2f}" if ours and baseline else "cpu ratio n/a"
