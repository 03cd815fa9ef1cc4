"""``python -m bench [--size N] [--db sqlite|postgres|both] [--only NAME …]``: run every benchmark, print the table.

Exits with status 1 when a target is missed. PostgreSQL is skipped (with a message) when the server
is unreachable; its URL is ``$ABONENT_BENCH_POSTGRES_URL`` or ``--postgres-url``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import datetime

from bench.database import POSTGRES_SERVER
from bench.report import table
from bench.runner import run_isolated

FULL_SIZE = 100_000


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{datetime.now():%Y-%m-%d %H:%M}; {os.cpu_count()} CPUs ({_cpu_model()}); "
        f"Python {platform.python_version()}; load average {load}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=FULL_SIZE, help="accounts / registry lines (default 100000)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("ABONENT_BENCH_POSTGRES_URL", POSTGRES_SERVER), metavar="URL"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="run only these benchmarks: charges, reads, registry, isp_charges, housing_accruals",
    )
    parser.add_argument("--markdown", action="store_true", help="print the final table as Markdown")
    args = parser.parse_args(argv)
    if args.size < 100:
        parser.error("--size must be at least 100")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(machine(), flush=True)
    results = []
    for kind in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        results += run_isolated(kind, args)
    print()
    print(table(results, markdown=args.markdown))
    failed = [r for r in results if not r.passed]
    if failed:
        print(f"\n{len(failed)} target(s) missed: " + "; ".join(f"{r.name} on {r.database}" for r in failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
