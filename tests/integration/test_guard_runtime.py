"""The guard at run time: what the server loads, what one answer and one request may weigh, and other sessions'
transactions left alone by everything an auditor's key can send (docs/security.md)."""

from __future__ import annotations

from typing import Any

import neo4j
import pytest
import yaml
from fastapi.testclient import TestClient

from fundgraph.api import create_app
from fundgraph.api.auth import ApiKey
from fundgraph.config import Settings
from fundgraph.cypher_policy import load_policy
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.guard import check_read_only
from fundgraph.graph.store import write_plan
from fundgraph.loaders import parse_path
from fundgraph.queries import catalogue
from tests.conftest import ROOT, SEED_TXT

AUDITOR = ApiKey("alice", "auditor", "alice-secret-key-0001")
HEADERS = {"Authorization": f"Bearer {AUDITOR.key}"}
HOSTILE = yaml.safe_load((ROOT / "tests/fixtures/hostile_cypher.yaml").read_text(encoding="utf-8"))
FUNCTION_FORMS = [s for s in HOSTILE["refused"] if s.startswith(("RETURN", "WITH", "MATCH (n) WHERE apoc"))]


@pytest.fixture(scope="module")
def api(neo4j_server: Any, session_driver: Any) -> Any:
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))
    settings = Settings(
        NEO4J_URI=neo4j_server.uri,
        NEO4J_PASSWORD=neo4j_server.password(),
        FUNDGRAPH_NEO4J_HOME=neo4j_server.home,
        FUNDGRAPH_MAX_REQUEST_BYTES=1_048_576,
    )
    with TestClient(create_app([AUDITOR], settings, cypher_timeout=5.0, cypher_row_cap=1000)) as client:
        yield client


def test_the_server_loads_only_the_allowed_plugin_functions(session_driver: Any) -> None:
    policy = load_policy()
    records = session_driver.execute_query(
        "SHOW FUNCTIONS YIELD name, isBuiltIn WHERE NOT isBuiltIn RETURN collect(name) AS names"
    ).records
    loaded = records[0]["names"]
    assert "apoc.coll.sum" in loaded and "apoc.text.join" in loaded  # the console's helpers are there
    assert [name for name in loaded if not policy.function_allowed(name)] == []
    assert not [name for name in loaded if name.startswith(("apoc.cypher.", "apoc.util.", "apoc.periodic."))]
    procedures = session_driver.execute_query("SHOW PROCEDURES YIELD name RETURN collect(name) AS names").records
    assert not [n for n in procedures[0]["names"] if n.startswith(("apoc.cypher", "apoc.load", "apoc.export"))]


@pytest.mark.parametrize("statement", FUNCTION_FORMS)
def test_function_forms_are_refused_and_other_sessions_survive(
    api: TestClient, neo4j_server: Any, statement: str
) -> None:
    """Another session holds a transaction open while the hostile statement is sent: it can still read and commit,
    and nothing of the hostile statement's ran."""
    auth = ("neo4j", neo4j_server.password())
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=auth) as other, other.session() as session:
        tx = session.begin_transaction(metadata={"app": "another-auditor"})
        assert tx.run("MATCH (p:Project) RETURN count(p) AS n").single()["n"] == 11
        response = api.post("/api/v1/cypher", json={"query": statement}, headers=HEADERS)
        assert response.status_code == 400, (statement, response.text)
        assert response.json()["error"]["code"] == "query_refused", response.text
        assert "/neo4j" not in response.text and "server.directories" not in response.text
        assert tx.run("RETURN 1 AS one").single()["one"] == 1
        tx.commit()


def test_the_guard_refuses_a_function_the_server_would_run(
    session_driver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: the guard's own list refuses a namespaced function even where the server has it loaded
    (a remote server configured otherwise); apoc.coll.* stands in, switched off in a copy of the policy."""
    from fundgraph.cypher_policy import CypherPolicy
    from fundgraph.errors import QueryRefused
    from fundgraph.graph import guard

    policy = load_policy()
    strict = CypherPolicy(policy.procedures, tuple(p for p in policy.functions if p != "apoc.coll.*"), (), ())
    monkeypatch.setattr(guard, "load_policy", lambda: strict)
    with pytest.raises(QueryRefused, match=r"function apoc\.coll\.sum is not allowed"):
        check_read_only(session_driver, "RETURN apoc.coll.sum([1, 2]) AS s")
    # The plan alone, as the server renders it, is enough to find it.
    with pytest.raises(QueryRefused, match=r"function apoc\.coll\.sum"):
        guard.check_plan(
            session_driver.execute_query("EXPLAIN WITH [1] AS l RETURN apoc.coll.sum(l) AS s").summary.plan
        )


def test_every_catalogue_query_passes_the_guard(session_driver: Any) -> None:
    """The guard's function check refuses nothing a real, complex read needs: every named query's plan passes."""
    for query in catalogue().values():
        stand_in = {"list": ["x"]}  # a value of the declared type where the default is null
        params = {p.name: p.default if p.default is not None else stand_in.get(p.type, "x") for p in query.params}
        check_read_only(session_driver, query.cypher, params)


def test_an_answer_over_the_byte_cap_is_refused(api: TestClient) -> None:
    big = api.post("/api/v1/cypher", json={"query": "RETURN range(1, 5000000) AS r"}, headers=HEADERS)
    assert big.status_code == 400 and big.json()["error"]["code"] == "answer_too_large", big.text[:300]
    small = api.post("/api/v1/cypher", json={"query": "RETURN range(1, 1000) AS r"}, headers=HEADERS)
    assert small.status_code == 200 and len(small.json()["rows"][0]["r"]) == 1000


def test_a_runaway_list_meets_the_transaction_memory_limit(api: TestClient) -> None:
    statement = "UNWIND range(1, 100000000) AS i WITH collect(i) AS l RETURN size(l) AS n"
    response = api.post("/api/v1/cypher", json={"query": statement}, headers=HEADERS)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "too_much_memory"), response.text
    assert api.get("/ready").status_code == 200


def test_a_large_body_is_refused_before_the_key_is_read(api: TestClient) -> None:
    huge = b'{"query": "' + b"x" * (30 * 2**20) + b'"}'
    response = api.post("/api/v1/cypher", content=huge, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    # Without a Content-Length (chunked), cut off as the bytes pass the limit.
    chunks = (b"x" * 65536 for _ in range(40))
    streamed = api.post("/api/v1/cypher", content=chunks, headers={**HEADERS, "Content-Type": "application/json"})
    assert streamed.status_code == 413
    ok = api.post("/api/v1/cypher", json={"query": "RETURN 1 AS one"}, headers=HEADERS)
    assert ok.status_code == 200 and ok.json()["rows"] == [{"one": 1}]


def test_a_long_statement_is_refused(api: TestClient) -> None:
    statement = "RETURN 1 AS one " + "/* padding */" * 8000
    response = api.post("/api/v1/cypher", json={"query": statement}, headers=HEADERS)
    assert response.status_code == 422 and "at most 100,000" in response.json()["error"]["message"]


def test_named_query_parameters_are_held_to_their_bounds(api: TestClient) -> None:
    response = api.post(
        "/api/v1/queries/graph", json={"parameters": {"name": "x", "limit": 1_000_000_000}}, headers=HEADERS
    )
    assert response.status_code == 422 and "from 1 to 2000" in response.json()["error"]["message"]
    depth = api.post("/api/v1/queries/neighbourhood", json={"parameters": {"name": "x", "depth": 9}}, headers=HEADERS)
    assert depth.status_code == 422
    assert api.get("/api/v1/graph", params={"name": "x", "depth": 3}, headers=HEADERS).status_code == 422
    described = api.get("/api/v1/queries/graph", headers=HEADERS).json()
    limit = next(p for p in described["parameters"] if p["name"] == "limit")
    assert (limit["minimum"], limit["maximum"]) == (1, 2000)


def test_a_search_in_bad_lucene_syntax_is_a_plain_400(api: TestClient) -> None:
    response = api.get("/api/v1/search", params={"q": "融资 AND (平台"}, headers=HEADERS)
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_search", response.text
    assert "org.apache" not in response.text and "Exception" not in response.text
