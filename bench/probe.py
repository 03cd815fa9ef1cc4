"""A concurrent reader/writer probe: a subscriber using the same site while a benchmark writes to its database.

The probe runs in its own process (its own interpreter, its own connections, like a web worker next to the
job worker): it logs in (a write: the session row, the login time) every :data:`LOGIN_EVERY` requests and
otherwise opens the dashboard, one request after another, until told to stop. It reports the latencies
and the errors (an answer of 500 or more, or an exception — e.g. "database is locked").
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from dataclasses import dataclass

LOGIN_EVERY = 10


@dataclass(frozen=True)
class ProbeReport:
    """What the probe saw: request latencies (seconds), logins among them, and errors with a sample reason."""

    latencies: list[float]
    logins: int
    errors: int
    first_error: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _run(url: str, instance: str, slug: str, login: str, password: str, ready, measure, stop, out) -> None:
    from core.app import create_app
    from core.testing.web import FormClient

    # The probe stands for many subscribers logging in from their own addresses; from one address its logins
    # (hundreds a minute) would meet the per-address budget for anonymous form posts and be refused with 429.
    config = {"DATABASE_URL": url, "INSTANCE_DIR": instance, "SECRET_KEY": "bench-" + "x" * 40}
    app = create_app(config | {"ANONYMOUS_POST_LIMIT": "100000 per minute"})
    app.test_client_class = FormClient
    latencies: list[float] = []
    logins = errors = 0
    first_error = ""
    client = app.test_client()
    done = 0
    ready.set()
    while not stop.is_set():
        start = time.perf_counter()
        try:
            if done % LOGIN_EVERY == 0:
                client = app.test_client()
                answer = client.submit(f"/t/{slug}/login", {"login": login, "password": password})
                logins += 1
                ok = answer.status_code == 302
            else:
                answer = client.get(f"/t/{slug}/")
                ok = answer.status_code == 200
            if not ok:
                first_error = first_error or f"{answer.status_code} on {answer.request.path}"
        except Exception:  # "database is locked" and the like: the user would see an error page
            ok = False
            first_error = first_error or traceback.format_exc(limit=1).strip().splitlines()[-1]
        done += 1
        if not measure.is_set():  # warming up: templates compiled, connections opened
            logins, errors, first_error = 0, 0, ""
            continue
        errors += not ok
        latencies.append(time.perf_counter() - start)
    out.put(ProbeReport(latencies, logins, errors, first_error))


class Probe:
    """``with Probe(url, instance, slug, login, password) as probe: …`` then ``probe.report``."""

    def __init__(self, url: str, instance: str, slug: str, login: str, password: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._ready, self._measure, self._stop = context.Event(), context.Event(), context.Event()
        self._out = context.Queue()
        events = (self._ready, self._measure, self._stop, self._out)
        self._process = context.Process(target=_run, args=(url, instance, slug, login, password, *events), daemon=True)
        self.report: ProbeReport | None = None

    def __enter__(self) -> Probe:
        self._process.start()
        if not self._ready.wait(120):
            raise RuntimeError("the probe did not start")
        time.sleep(2.0)  # let it warm up (first requests compile templates)
        self._measure.set()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self.report = self._out.get(timeout=120)
        self._process.join(30)
