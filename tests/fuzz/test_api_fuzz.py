"""Every API endpoint of the OpenAPI document, driven with generated and boundary input: never a 5xx.

Runs on SQLite and, with ``ABONENT_TEST_DATABASE_URL``, on PostgreSQL (where too large ids, NUL
characters and the like used to end in database errors). Bounded: a few hundred requests.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.testing.fixtures import tenant_path
from tests.fuzz.values import BOUNDARY_TEXT, RAW_BODIES, json_value, path_ids, query_text
from tests.tenancy.world import populate

FUZZ = settings(
    max_examples=350,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Operation:
    method: str
    path: str
    path_params: list[str]
    query: dict = field(default_factory=dict)  # name → schema
    body: dict | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(spec: dict) -> list[Operation]:
    found = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method == "parameters" or path.endswith("/auth/logout"):
                continue  # logging out would end the fuzzing session; tests/api covers it
            params = shared + op.get("parameters", [])
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
            found.append(
                Operation(
                    method,
                    path,
                    [p["name"] for p in params if p["in"] == "path"],
                    {p["name"]: p.get("schema", {}) for p in params if p["in"] == "query"},
                    body,
                )
            )
    return found


@dataclass
class Fuzzer:
    app: object
    site: object
    spec: dict
    ops: list
    token: str

    def send(self, op: Operation, ids: dict, query: dict, body: object = None, raw: str | None = None):
        path = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), op.path)
        headers = {"Authorization": f"Bearer {self.token}"}
        kwargs: dict = {"headers": headers, "query_string": {k: v for k, v in query.items() if v is not None}}
        if raw is not None:
            kwargs.update(data=raw.encode("utf-8", "surrogatepass"), content_type="application/json")
        elif op.body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        # Logins come from many addresses, so the throttle never locks out the fuzzing session.
        kwargs["environ_base"] = {"REMOTE_ADDR": f"10.9.{len(path) % 250}.{len(str(body)) % 250}"}
        response = self.app.test_client().open(tenant_path(self.site.tenant, path), method=op.method, **kwargs)
        described = f"{op} {path} query={query!r} body={(raw if raw is not None else body)!r:.300}"
        assert response.status_code < 500, f"{response.status_code} for {described}: {response.get_data(True)[:500]}"
        if response.status_code >= 400:
            error = response.get_json(silent=True)
            assert error and error.get("message"), f"no JSON message for {described}"
        return response


@pytest.fixture
def fuzzer(app, make_tenant, make_user, enable_plugin, api_token) -> Fuzzer:
    site = populate(app, make_tenant, make_user, enable_plugin, "fuzz")
    with app.app_context():
        spec = app.extensions["abonent.api"].spec.to_dict()
    token = api_token(site.tenant, site.users["subscriber"])
    return Fuzzer(app, site, spec, operations(spec), token)


def test_the_document_lists_the_api(fuzzer):
    paths = {op.path for op in fuzzer.ops}
    assert len(fuzzer.ops) >= 30 and "/api/v1/accounts/{account_id}/stats" in paths


def test_generated_input_never_gets_a_server_error(fuzzer):
    known_ids = sorted({v for v in fuzzer.site.ids.values() if isinstance(v, int)})

    def ids_for(name: str) -> st.SearchStrategy:
        own = st.just(fuzzer.site.ids[name]) if name in fuzzer.site.ids else st.sampled_from(known_ids)
        return st.one_of(own, own, path_ids(known_ids))  # mostly a real object, so the checks behind it run

    @FUZZ
    @given(data=st.data())
    def run(data):
        op = data.draw(st.sampled_from(fuzzer.ops), label="operation")
        ids = {name: data.draw(ids_for(name), label=name) for name in op.path_params}
        query = {
            name: query_text(data.draw(st.one_of(st.none(), json_value(fuzzer.spec, schema)), label=name))
            for name, schema in op.query.items()
        }
        body = data.draw(json_value(fuzzer.spec, op.body), label="body") if op.body is not None else None
        fuzzer.send(op, ids, query, body)

    run()


def test_every_query_parameter_takes_every_boundary_value(fuzzer):
    ids = {name: value for name, value in fuzzer.site.ids.items() if isinstance(value, int)}
    for op in fuzzer.ops:
        for name in op.query:
            for value in BOUNDARY_TEXT:
                fuzzer.send(op, ids, {name: value}, {} if op.body is not None else None)


def test_hostile_json_bodies_are_refused_with_a_message(fuzzer):
    ids = {name: value for name, value in fuzzer.site.ids.items() if isinstance(value, int)}
    for op in fuzzer.ops:
        if op.body is None:
            continue
        for raw in RAW_BODIES:
            response = fuzzer.send(op, ids, {}, raw=raw)
            assert 400 <= response.status_code < 500 or raw == "null", f"{op} accepted {raw[:40]!r}"


def test_ids_beyond_the_database_integer_are_unknown(fuzzer):
    for op in fuzzer.ops:
        if not op.path_params or op.body is not None:
            continue
        for huge in (2**31, 2**63, 2**64):
            ids = dict.fromkeys(op.path_params, huge)
            assert fuzzer.send(op, ids, {}).status_code == 404, op
