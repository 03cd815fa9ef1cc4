"""Locust journeys on the demo's УралСеть site (``/t/uralnet``).

* ``Subscriber``: log in → dashboard → history → pay in the sandbox → write to support.
* ``Operator``: the support queue → open a ticket → reply.
* ``Dashboard``: a logged-in subscriber reloading the dashboard.
* ``Bare``: the baseline app's one route (run alone, against the bare app).

Which classes run is chosen on the command line (``locust … Subscriber Operator``).
"""

from __future__ import annotations

import itertools
import re

from locust import HttpUser, constant, task

SITE = "/t/uralnet"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CATEGORY = re.compile(r'<option value="([a-z_]+)"')
TICKET = re.compile(r'/admin/support/(\d+)"')
SUBSCRIBERS = itertools.cycle([("200101", "demo-isp-ok-1"), ("100200", "demo-abonent-1")])


def token(page: str) -> str:
    match = CSRF.search(page)
    return match.group(1) if match else ""


class Journey(HttpUser):
    abstract = True
    wait_time = constant(0)  # closed loop: each user sends its next request when the last one is answered

    def log_in(self, login: str, password: str) -> None:
        page = self.client.get(f"{SITE}/login", name="login form").text
        self.client.post(
            f"{SITE}/login", {"login": login, "password": password, "csrf_token": token(page)}, name="log in"
        )


class Subscriber(Journey):
    def on_start(self) -> None:
        self.log_in(*next(SUBSCRIBERS))

    @task(5)
    def dashboard(self) -> None:
        self.client.get(f"{SITE}/", name="dashboard")

    @task(2)
    def history(self) -> None:
        self.client.get(f"{SITE}/money/history", name="history")

    @task(1)
    def pay_in_the_sandbox(self) -> None:
        form = self.client.get(f"{SITE}/money/pay", name="pay form").text
        sandbox = self.client.post(
            f"{SITE}/money/pay", {"amount": "100", "csrf_token": token(form)}, name="pay: start", allow_redirects=True
        )
        if "/payments/sandbox/" in sandbox.url:
            self.client.post(sandbox.url, {"csrf_token": token(sandbox.text)}, name="pay: card form")

    @task(1)
    def write_to_support(self) -> None:
        form = self.client.get(f"{SITE}/support/new", name="support form").text
        category = CATEGORY.search(form)
        self.client.post(
            f"{SITE}/support/new",
            {
                "category": category.group(1) if category else "",
                "subject": "Нет интернета",
                "body": "С утра не работает, перезагрузка не помогла.",
                "csrf_token": token(form),
            },
            name="support: send",
        )


class Operator(Journey):
    def on_start(self) -> None:
        self.log_in("operator", "demo-operator-1")

    @task
    def answer_from_the_queue(self) -> None:
        queue = self.client.get("/t/uralnet/admin/support/", name="queue").text
        found = TICKET.search(queue)
        if found is None:
            return
        ticket = self.client.get(f"{SITE}/admin/support/{found.group(1)}", name="ticket").text
        self.client.post(
            f"{SITE}/admin/support/{found.group(1)}/reply",
            {
                "kind": "reply",
                "body": "Проверяем линию, ответим в течение часа.",
                "status": "",
                "csrf_token": token(ticket),
            },
            name="reply",
        )


class Dashboard(Journey):
    """A logged-in subscriber reloading the dashboard (the page the throughput target is about)."""

    def on_start(self) -> None:
        self.log_in("200101", "demo-isp-ok-1")

    @task
    def dashboard(self) -> None:
        self.client.get(f"{SITE}/", name="dashboard")


class Bare(HttpUser):
    wait_time = constant(0)

    @task
    def ok(self) -> None:
        self.client.get("/", name="bare route")
