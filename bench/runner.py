"""Run every benchmark on one database kind (in its own process, so peak-RSS figures start clean)."""

from __future__ import annotations

import argparse
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from bench.charges import bench_charges
from bench.database import Unavailable, bench_database
from bench.housing_accruals import bench_housing_accruals
from bench.isp_charges import bench_isp_charges
from bench.reads import bench_reads
from bench.registration import bench_registration
from bench.registry import bench_registry
from bench.report import Result, table
from bench.seed import create_accounts

# the registry import runs for the subscribers of the isp contracts the isp charge benchmark made
BENCHMARKS = (
    bench_charges,
    bench_reads,
    bench_isp_charges,
    bench_registry,
    bench_registration,
    bench_housing_accruals,
)


def chosen(only: list[str] | None):
    """The benchmarks named by ``--only`` (``housing_accruals`` for ``bench_housing_accruals``), or all."""
    return [b for b in BENCHMARKS if not only or b.__name__.removeprefix("bench_") in only]


def run(kind: str, args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    started = time.perf_counter()
    try:
        with bench_database(kind, args.postgres_url) as db:
            print(f"{kind}: {db.version()}; creating {args.size:,} personal accounts", flush=True)
            create_accounts(db, args.size)
            for benchmark in chosen(getattr(args, "only", None)):
                found = benchmark(db, args.size)
                if found:
                    print(table(found).split("\n", 1)[1], flush=True)
                results += found
    except Unavailable as error:
        print(f"{kind}: SKIPPED — {error}", flush=True)
    else:
        print(f"{kind}: done in {time.perf_counter() - started:.0f} s", flush=True)
    return results


def run_isolated(kind: str, args: argparse.Namespace) -> list[Result]:
    """:func:`run` in a fresh interpreter: memory freed by another database's run cannot hide growth."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(run, kind, args).result()
