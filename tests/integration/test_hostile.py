"""A corpus of hostile Cypher against the HTTP endpoint and `fundgraph cypher`: every statement is refused or cut off,
and the graph, the file system and the server are unharmed."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fundgraph.api import create_app
from fundgraph.api.auth import ApiKey
from fundgraph.cli import app as cli_app
from fundgraph.config import Settings
from fundgraph.errors import QueryRefused
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import write_plan
from fundgraph.loaders import parse_path
from tests.conftest import ROOT, SEED_TXT

CORPUS = yaml.safe_load((ROOT / "tests/fixtures/hostile_cypher.yaml").read_text(encoding="utf-8"))
AUDITOR = ApiKey("alice", "auditor", "alice-secret-key-0001")
HEADERS = {"Authorization": f"Bearer {AUDITOR.key}"}
FILES = [Path("/tmp/fundgraph-hostile.csv"), Path("/tmp/fundgraph-hostile.json"), Path("/tmp/fundgraph-hostile.cypher")]


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS["refused"]) + len(CORPUS["cut_off"]) >= 50


@pytest.fixture(scope="module")
def api(neo4j_server: Any, session_driver: Any) -> Any:
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))
    settings = Settings(
        NEO4J_URI=neo4j_server.uri, NEO4J_PASSWORD=neo4j_server.password(), FUNDGRAPH_NEO4J_HOME=neo4j_server.home
    )
    with TestClient(create_app([AUDITOR], settings, cypher_timeout=2.0, cypher_row_cap=100)) as client:
        yield client


def _fingerprint(driver: Any) -> tuple[Any, ...]:
    record = driver.execute_query(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() "
        "RETURN count(DISTINCT n) AS nodes, count(r) AS rels, sum(DISTINCT n.amount_fen) AS fen, "
        "collect(DISTINCT labels(n)[0]) AS labels"
    ).records[0]
    indexes = driver.execute_query("SHOW INDEXES YIELD name RETURN collect(name) AS names").records[0]["names"]
    users = driver.execute_query("SHOW USERS YIELD user RETURN collect(user) AS users", database_="system").records
    return record["nodes"], record["rels"], record["fen"], sorted(record["labels"]), sorted(indexes), users[0]["users"]


def _unharmed(api: TestClient, session_driver: Any, before: tuple[Any, ...], neo4j_server: Any) -> None:
    assert _fingerprint(session_driver) == before
    assert not any(f.exists() for f in FILES)
    assert neo4j_server.pid() is not None and api.get("/ready").status_code == 200


@pytest.mark.parametrize("statement", CORPUS["refused"])
def test_refused_over_http(api: TestClient, session_driver: Any, neo4j_server: Any, statement: str) -> None:
    before = _fingerprint(session_driver)
    response = api.post("/api/v1/cypher", json={"query": statement}, headers=HEADERS)
    assert 400 <= response.status_code < 500 and response.json()["error"]["message"], (statement, response.text)
    assert response.json()["error"]["code"] in {"query_refused", "cypher_error", "bad_parameter"}
    _unharmed(api, session_driver, before, neo4j_server)


@pytest.mark.parametrize("statement", CORPUS["cut_off"])
def test_cut_off_over_http(api: TestClient, session_driver: Any, neo4j_server: Any, statement: str) -> None:
    before = _fingerprint(session_driver)
    response = api.post("/api/v1/cypher", json={"query": statement}, headers=HEADERS)
    if response.status_code == 200:
        assert response.json()["truncated"] and len(response.json()["rows"]) == 100, statement
    else:
        assert (response.status_code, response.json()["error"]["code"]) in {
            (408, "timeout"),
            (400, "too_much_memory"),
            (400, "answer_too_large"),
        }
    _unharmed(api, session_driver, before, neo4j_server)


@pytest.mark.parametrize("statement", CORPUS["refused"][::3] + CORPUS["cut_off"][:2])
def test_the_cli_refuses_the_same(
    cli_env: dict[str, str],
    api: TestClient,
    session_driver: Any,
    neo4j_server: Any,
    monkeypatch: pytest.MonkeyPatch,
    statement: str,
) -> None:
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)
    from fundgraph.config import get_settings

    get_settings.cache_clear()
    before = _fingerprint(session_driver)
    result = CliRunner().invoke(cli_app, ["cypher", statement or " ", "--timeout", "2", "--limit", "100", "--json"])
    if statement in CORPUS["refused"]:
        # The guard's own refusal, not any failure: a crash would also exit non-zero.
        assert isinstance(result.exception, QueryRefused), (type(result.exception), result.output)
    else:
        assert result.exception is not None or "only the first 100 rows" in result.output  # cut off or capped
    _unharmed(api, session_driver, before, neo4j_server)
    get_settings.cache_clear()


# Places where a Cypher string is built at run time, reviewed: each interpolates only schema identifiers (checked
# against a plain-identifier pattern when the schema loads) or the user's own statement for EXPLAIN.
REVIEWED_DYNAMIC_CYPHER = {
    ("fundgraph/graph/nxsink.py", "from_neo4j"),  # label and type exclusions from the schema's derived ones
    ("fundgraph/graph/store.py", "_merge_nodes_cypher"),
    ("fundgraph/graph/store.py", "_merge_edges_cypher"),
    ("fundgraph/graph/store.py", "apply_schema"),
    ("fundgraph/graph/store.py", "_write_plan_tx"),
    ("fundgraph/graph/guard.py", "check_read_only"),
    ("fundgraph/graph/schema.py", "ddl"),
    # A named query from the package's catalogue wrapped in CALL () { } to page it; its columns come from EXPLAIN of
    # that same query and are quoted. User values still travel only as parameters.
    ("fundgraph/queries/__init__.py", "run_page"),
    # The tallies' statements, built from the module's own kinds (labels checked against the schema by a unit test):
    # plan ids, keys and signs travel as parameters.
    ("fundgraph/graph/tallies.py", "_add_rows_statement"),
    ("fundgraph/graph/tallies.py", "_apply_statement"),
    ("fundgraph/graph/tallies.py", "_contribution"),
    ("fundgraph/graph/tallies.py", "_count"),
    ("fundgraph/graph/tallies.py", "_drop_empty_statement"),
    ("fundgraph/graph/tallies.py", "_merge"),
    ("fundgraph/graph/tallies.py", "_refill_statement"),
    ("fundgraph/graph/tallies.py", "drift"),
    ("fundgraph/graph/tallies.py", "rebuild"),
}
RUNNERS = {"run", "execute_query", "read", "run_guarded", "check_read_only"}


def test_no_user_input_is_concatenated_into_cypher() -> None:
    """Every Cypher text the package runs is a literal, a catalogue file, or built in a reviewed place from schema
    identifiers; values always travel as $parameters."""
    dynamic: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "fundgraph").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for node in ast.walk(function):
                if isinstance(node, ast.JoinedStr) and _looks_like_cypher(node):
                    dynamic.add((str(path.relative_to(ROOT)), function.name))
                if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and _looks_like_cypher(node):
                    dynamic.add((str(path.relative_to(ROOT)), function.name))
                if isinstance(node, ast.Call) and _name(node.func) == "format" and _looks_like_cypher(node):
                    dynamic.add((str(path.relative_to(ROOT)), function.name))
    assert dynamic <= REVIEWED_DYNAMIC_CYPHER, f"unreviewed dynamic Cypher: {sorted(dynamic - REVIEWED_DYNAMIC_CYPHER)}"
    assert dynamic == REVIEWED_DYNAMIC_CYPHER, "a reviewed place no longer builds Cypher: update the list"


def _name(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _looks_like_cypher(node: ast.AST) -> bool:
    text = " ".join(c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str))
    return any(
        word in text
        for word in ("MATCH ", "MERGE ", "CREATE ", "UNWIND ", "RETURN ", "DELETE ", "EXPLAIN", "DROP ", "CALL ")
    )


def test_queries_travel_as_parameters_in_the_catalogue() -> None:
    from fundgraph.queries import catalogue

    for query in catalogue().values():
        for param in query.params:
            assert f"${param.name}" in query.cypher
        assert "{{" not in query.cypher and "%s" not in query.cypher
