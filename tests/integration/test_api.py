"""The HTTP API against the real Neo4j: every documented path, keys and roles, the Cypher guard, faults.

The whole API runs twice: through a bolt:// URI and through a neo4j:// (routing) URI to the same server, the way a
cluster or Aura is reached.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from fundgraph.api import create_app
from fundgraph.api.auth import MAX_FAILURES, ApiKey
from fundgraph.config import Settings
from fundgraph.graph.archive import keep
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import write_plan
from fundgraph.loaders import parse_path
from fundgraph.localserver import LocalServer, free_port, wait_for_url
from fundgraph.vocabularies import render
from tests.conftest import ROOT, SEED_TXT

AUDITOR = ApiKey("alice", "auditor", "alice-secret-key-0001")
READER = ApiKey("bob", "reader", "bob-secret-key-000002")
AS_AUDITOR = {"Authorization": f"Bearer {AUDITOR.key}"}
AS_READER = {"Authorization": f"Bearer {READER.key}"}
# The seed read as a person would name its table: the project name, the amount and the two organisations.
SEED_RECIPE = {"table": 1, "columns": {"name": 2, "amount": 7, "applicant": 3, "implementer": 4}, "unit": "万元"}


@pytest.fixture(scope="module", params=["bolt", "neo4j"])
def client(request: pytest.FixtureRequest, neo4j_server: Any, session_driver: Any) -> Iterator[TestClient]:
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))
    uri = neo4j_server.uri.replace("bolt://", f"{request.param}://")
    settings = Settings(NEO4J_URI=uri, NEO4J_PASSWORD=neo4j_server.password(), FUNDGRAPH_NEO4J_HOME=neo4j_server.home)
    keep(settings.archive_folder, SEED_TXT.read_bytes())  # as a load keeps it
    app = create_app([AUDITOR, READER], settings, cypher_timeout=3.0, cypher_row_cap=100)
    with TestClient(app) as test_client:
        yield test_client


def _fill(path: str, operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A concrete request for a documented path, from the examples the OpenAPI document gives."""
    query: dict[str, Any] = {}
    for parameter in operation.get("parameters", []):
        example = (
            parameter.get("schema", {}).get("examples", [None])[0]
            or next(iter(parameter.get("examples", {}).values()), {}).get("value")
            if parameter.get("examples")
            else (parameter.get("schema", {}).get("examples", [None])[0])
        )
        if parameter["in"] == "path":
            value = {
                "name": "中小融",
                "kind": "services",
                "plan_id": "plan-2024-e18bcb81f6d6",
                "project_id": "plan-2024-e18bcb81f6d6/6",
            }.get(parameter["name"], example)
            if path.startswith("/api/v1/organizations"):
                value = "广东股交"
            if path.startswith("/api/v1/queries/"):
                value = "concentration"
            path = path.replace("{" + parameter["name"] + "}", str(value)).replace(
                "{" + parameter["name"] + ":path}", str(value)
            )
        elif parameter.get("required"):
            query[parameter["name"]] = example
    if path == "/api/v1/graph":
        query["name"] = "中小融"  # one of `name` or `id` is needed; neither is required alone
    return path, query


def test_every_documented_path_answers_on_the_seed(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    answered = 0
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method == "put":
                continue  # the review desk's save writes: tests/integration/test_review.py
            url, params = _fill(path, operation)
            body = (
                {"query": "MATCH (p:Project) RETURN count(p) AS n"}
                if url.endswith("/cypher")
                else SEED_RECIPE
                if url.endswith("/recipe/preview")
                else {"parameters": {"by": "implementer", "year": 2024}}
            )
            response = client.request(
                method.upper(), url, params=params, headers=AS_AUDITOR, json=body if method == "post" else None
            )
            # The seed is a text: it has no page to draw.
            expected = 404 if url.endswith(".png") else 200
            assert response.status_code == expected, (method, url, params, response.text)
            answered += 1
    assert answered >= 17


def test_answers_on_the_seed(client: TestClient) -> None:
    top = client.get("/api/v1/concentration", params={"by": "implementer", "year": 2024}, headers=AS_READER).json()
    assert top["total"] == 6 and top["items"][0]["amount"] == "1545.5986" and top["items"][0]["hhi"] == 2519.4
    platform = client.get("/api/v1/platforms/中小融", headers=AS_READER).json()
    assert platform["name"] == "广东省中小企业融资平台"
    assert sorted(p["seq"] for p in platform["projects"]) == ["1", "10", "11", "6", "7"]
    found = client.get("/api/v1/findings", params={"year": 2024, "severity": "high"}, headers=AS_READER).json()
    assert {f["rule"] for f in found["items"]} == {"duplicate_service", "amount_in_text_mismatch"}
    page = client.get("/api/v1/search", params={"q": "中小企业融资平台", "limit": 2}, headers=AS_READER).json()
    assert len(page["items"]) == 2 and page["items"][0]["name"] == "广东省中小企业融资平台"
    run = client.post("/api/v1/queries/pass_through", json={"parameters": {"year": 2024}}, headers=AS_READER).json()
    assert run["items"][0]["implementer"] == "粤财普惠金融（潮州）融资担保股份有限公司"
    bad = client.post("/api/v1/queries/pass_through", json={"parameters": {"year": "last"}}, headers=AS_READER)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_parameter"
    unknown = client.post("/api/v1/queries/drop_everything", json={}, headers=AS_READER)
    assert unknown.status_code == 404 and set(unknown.json()) == {"error"}
    assert client.get("/api/v1/organizations/无此单位", headers=AS_READER).status_code == 404


def test_what_the_explorer_asks_for(client: TestClient) -> None:
    assert client.get("/api/v1/session", headers=AS_READER).json() == {"name": "bob", "role": "reader", "cypher": False}
    assert client.get("/api/v1/session", headers=AS_AUDITOR).json()["cypher"] is True
    schema = client.get("/api/v1/schema", headers=AS_READER).json()
    assert {"Organization", "Platform", "Project"} <= set(schema["labels"])
    assert "CONCERNS" in schema["relationship_types"] and "amount_fen" in schema["property_keys"]
    assert schema["vocabularies"]["roles"]["maintains"] == {"zh": "运维", "en": "maintains"}
    assert list(schema["vocabularies"]["severities"]) == ["high", "medium", "low"]

    graph = client.get("/api/v1/graph", params={"name": "中小融"}, headers=AS_READER).json()
    start = next(n for n in graph["nodes"] if n["id"] == graph["start"])
    assert start["label"] == "Platform" and start["name"] == "广东省中小企业融资平台"
    projects = {n["seq"]: n["amount"] for n in graph["nodes"] if n["label"] == "Project"}
    assert projects == {"1": "330", "6": "612", "7": "49.282", "10": "136.3166", "11": "86"}
    by_seq = {n["id"]: n["seq"] for n in graph["nodes"]}
    roles = {by_seq[e["source"]]: sorted(e["roles"]) for e in graph["edges"]}
    assert roles["6"] == ["maintains", "operates", "upgrades"] and roles["10"] == ["secures"]
    six = next(e for e in graph["edges"] if by_seq[e["source"]] == "6")
    assert six["amount"] == "612" and six["cells"][0]["row"] == 7 and six["cells"][0]["col"] == 2

    # Expanding a node by its element id, as a click in the explorer does.
    around_six = client.get("/api/v1/graph", params={"id": six["source"]}, headers=AS_READER).json()
    kinds = {n["label"] for n in around_six["nodes"]}
    assert {"Plan", "Organization", "Platform", "Project"} <= kinds
    allocates = next(e for e in around_six["edges"] if e["type"] == "ALLOCATES")
    assert allocates["amount"] == "612" and allocates["cells"][0]["text"] == "612"

    assert client.get("/api/v1/graph", params={"name": "无此平台"}, headers=AS_READER).status_code == 404
    assert client.get("/api/v1/graph", headers=AS_READER).status_code == 422
    docs = client.get("/api/v1/documents", headers=AS_READER).json()["items"]
    assert docs[0]["path"].endswith("000_bc106945e02cee55.txt") and docs[0]["plans"] == ["plan-2024-e18bcb81f6d6"]


def test_keys_and_roles(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    # Wrong keys come from an address of their own: after MAX_FAILURES of them it is refused, the others are not.
    guesser = TestClient(client.app, client=("192.0.2.1", 50000))
    guesses = 0
    for path in spec["paths"]:
        if not path.startswith("/api/v1/") or "{" in path:
            continue
        method = "post" if "post" in spec["paths"][path] else "get"
        for headers in ({}, {"Authorization": "Basic abc"}):
            response = client.request(method.upper(), path, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert response.json()["error"]["code"] == "unauthorized"
        guessed = guesser.request(method.upper(), path, headers={"Authorization": "Bearer not-a-key-at-all"})
        expected = (401, "unauthorized") if guesses < MAX_FAILURES else (429, "too_many_attempts")
        assert (guessed.status_code, guessed.json()["error"]["code"]) == expected, (path, guesses)
        guesses += 1
    assert guesses > MAX_FAILURES
    assert guesser.get("/api/v1/session", headers=AS_READER).status_code == 429
    assert int(guesser.get("/api/v1/session").headers["Retry-After"]) > 0
    assert client.get("/api/v1/session", headers=AS_READER).status_code == 200
    forbidden = client.post("/api/v1/cypher", json={"query": "RETURN 1"}, headers=AS_READER)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    for open_path in ("/health", "/ready", "/docs", "/openapi.json"):
        assert client.get(open_path).status_code == 200


ATTEMPTS = [
    "CREATE (n:Organization {org_id: 'x'})",
    "MERGE (o:Organization {org_id: 'evil'}) RETURN o",
    "MATCH (p:Project) SET p.amount_fen = 0",
    "MATCH (p:Project) DETACH DELETE p",
    "MATCH (p:Project) REMOVE p.amount",
    "MATCH (p:Project) FOREACH (x IN [1] | SET p.hacked = true)",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "UNWIND range(1, 3) AS i CALL (i) { CREATE (:X {i: i}) } IN TRANSACTIONS RETURN 1",
    "CREATE INDEX evil FOR (n:Project) ON (n.name)",
    "DROP CONSTRAINT project_key",
    "CREATE USER mallory SET PASSWORD 'secret-secret'",
    "SHOW USERS",
    "CALL apoc.create.node(['X'], {}) YIELD node RETURN node",
    "CALL apoc.load.json('file:///etc/hostname') YIELD value RETURN value",
    "CALL apoc.export.csv.all('/tmp/fundgraph-export.csv', {})",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})",
    "CALL apoc.cypher.runWrite('CREATE (:X)', {})",
    "PROFILE MATCH (n) RETURN n",
    "EXPLAIN MATCH (n) RETURN n",
]


@pytest.mark.parametrize("statement", ATTEMPTS)
def test_the_cypher_endpoint_refuses_changes(client: TestClient, session_driver: Any, statement: str) -> None:
    before = session_driver.execute_query("MATCH (n) RETURN count(n) AS n, sum(n.amount_fen) AS fen").records[0]
    response = client.post("/api/v1/cypher", json={"query": statement}, headers=AS_AUDITOR)
    assert 400 <= response.status_code < 500, (statement, response.text)
    assert response.json()["error"]["message"]
    after = session_driver.execute_query("MATCH (n) RETURN count(n) AS n, sum(n.amount_fen) AS fen").records[0]
    assert (after["n"], after["fen"]) == (before["n"], before["fen"])


def test_runaway_reads_are_cut_off_and_the_server_carries_on(client: TestClient) -> None:
    huge = client.post("/api/v1/cypher", json={"query": "UNWIND range(1, 100000000) AS i RETURN i"}, headers=AS_AUDITOR)
    assert huge.status_code == 200 and huge.json()["truncated"] and len(huge.json()["rows"]) == 100
    cartesian = client.post(
        "/api/v1/cypher",
        json={
            "query": "MATCH (a), (b), (c), (d) WITH a, b, c, d ORDER BY a.name, b.name, c.name, d.name "
            "RETURN count(*) AS n"
        },
        headers=AS_AUDITOR,
    )
    # Cut off by the time limit or by Neo4j's memory guard, whichever comes first; either way a 4xx, not retried.
    assert (cartesian.status_code, cartesian.json()["error"]["code"]) in {(408, "timeout"), (400, "too_much_memory")}
    assert client.get("/ready").status_code == 200
    ok = client.post("/api/v1/cypher", json={"query": "MATCH (p:Project) RETURN count(p) AS n"}, headers=AS_AUDITOR)
    assert ok.json()["rows"] == [{"n": 11}]


def test_neo4j_down_gives_503_and_the_api_recovers(tmp_path: Any, neo4j_server: Any) -> None:
    server = LocalServer(home=tmp_path, port=free_port(), jars=ROOT / ".neo4j", heap="512m", pagecache="64m")
    server.start(timeout=240)
    settings = Settings(NEO4J_URI=server.uri, NEO4J_PASSWORD=server.password(), FUNDGRAPH_NEO4J_HOME=tmp_path)
    try:
        with TestClient(create_app([READER], settings)) as local:
            assert local.get("/api/v1/plans", headers=AS_READER).status_code == 200
            server.stop()
            down = local.get("/api/v1/plans", headers=AS_READER)
            assert down.status_code == 503 and down.json()["error"]["code"] == "neo4j_unavailable"
            assert "Traceback" not in down.text
            assert local.get("/ready").status_code == 503 and local.get("/health").status_code == 200
            server.start(timeout=240)
            assert local.get("/api/v1/plans", headers=AS_READER).status_code == 200
            assert local.get("/ready").status_code == 200
    finally:
        server.stop()


def test_serve_prints_a_one_time_key_when_none_is_configured_and_logs_no_query_string(
    cli_env: dict[str, str],
) -> None:
    port = free_port()
    env = {k: v for k, v in cli_env.items() if not k.startswith("FUNDGRAPH_API_KEYS")}
    process = subprocess.Popen(
        [sys.executable, "-m", "fundgraph", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        key = None
        deadline = time.monotonic() + 60
        while key is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            assert "?key=" not in line
            match = re.search(r"/#key=([\w-]+)", line)
            key = match.group(1) if match else None
        assert key is not None
        base = f"http://127.0.0.1:{port}"
        assert wait_for_url(f"{base}/health")
        assert httpx.get(f"{base}/api/v1/plans", timeout=60).status_code == 401
        assert (
            httpx.get(f"{base}/api/v1/plans", headers={"Authorization": f"Bearer {key}"}, timeout=60).status_code == 200
        )
        cypher = httpx.post(
            f"{base}/api/v1/cypher",
            json={"query": "RETURN 1 AS one"},
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        )
        assert cypher.json()["rows"] == [{"one": 1}]
        # An old link's ?key= reaches the server; the log keeps its path only.
        assert httpx.get(f"{base}/?key={key}", headers={"X-Request-ID": "legacy-link"}, timeout=60).status_code == 200
    finally:
        process.terminate()
        logged, _ = process.communicate(timeout=30)
    # The key is printed once, in the banner's `Authorization: Bearer` line; never in a log line.
    assert [line for line in logged.splitlines() if key in line and "Authorization: Bearer" not in line] == []
    requests = [json.loads(line[line.index("{") :]) for line in logged.splitlines() if "fundgraph.api" in line]
    assert {"request_id": "legacy-link", "method": "GET", "path": "/", "status": 200} in [
        {k: r[k] for k in ("request_id", "method", "path", "status")} for r in requests
    ]
    assert any(r["path"] == "/api/v1/cypher" and r["key"] == "one-time" for r in requests)
    assert ' - "GET ' not in logged, "uvicorn's access log (which shows query strings) is off"


def test_pages_go_past_the_row_cap_with_a_true_total(neo4j_server: Any, session_driver: Any) -> None:
    """Paging is in Cypher: with a row cap of 5 and more plans, every page is there and `total` is their count, not
    5; so for the search and a neighbourhood, which bound their own rows."""
    from fundgraph.loaders import parse_bytes
    from fundgraph.queries import run_query
    from fundgraph.synth import generate, render_word_text

    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    for i, synth in enumerate(generate(400, seed=21)):
        write_plan(session_driver, plan_elements(parse_bytes(render_word_text(synth).encode(), f"s{i}.txt")))
    [count] = session_driver.execute_query("MATCH (p:Plan) RETURN count(p) AS n").records
    settings = Settings(
        NEO4J_URI=neo4j_server.uri, NEO4J_PASSWORD=neo4j_server.password(), FUNDGRAPH_NEO4J_HOME=neo4j_server.home
    )
    app = create_app([READER], settings, row_cap=5)
    with TestClient(app) as client:
        pages = []
        for offset in range(0, count["n"], 4):
            body = client.get(f"/api/v1/plans?offset={offset}&limit=4", headers=AS_READER).json()
            assert body["total"] == count["n"] > 5 and not body["truncated"]
            pages += [item["plan_id"] for item in body["items"]]
        whole = client.get(f"/api/v1/plans?limit={count['n']}", headers=AS_READER).json()
        # The search and a neighbourhood bound their own rows: their totals are the true counts past the row cap too.
        for path, params, row in [
            ("/api/v1/search", {"q": "四川省"}, lambda r: (r["kind"], r["key"], r["match"])),
            (
                "/api/v1/neighbourhood",
                {"name": "四川省财政厅", "depth": 1},
                lambda r: (r["from_id"], r["type"], r["role"], r["to_id"]),
            ),
        ]:
            name = path.rsplit("/", 1)[1]
            every = run_query(session_driver, name, {**params, "limit": 10_000}).rows
            assert 5 < len(every) < 10_000, (name, len(every))
            seen = []
            for offset in range(0, len(every) + 7, 7):
                body = client.get(path, params={**params, "offset": offset, "limit": 7}, headers=AS_READER).json()
                assert body["total"] == len(every) and not body["truncated"], (name, body["total"])
                seen += [row(r) for r in body["items"]]
            assert sorted(seen) == sorted(row(r) for r in every), name
    assert pages == [item["plan_id"] for item in whole["items"]]
    assert len(set(pages)) == count["n"]
    # Leave the store as the module's other tests expect it: the seed alone.
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))


def test_findings_are_paged_from_one_run_until_asked_again(neo4j_server: Any, session_driver: Any) -> None:
    """The first page runs the rules and names its snapshot; pages that pass it are cut from that run, even after a
    load; asking without it runs them again. A snapshot not kept, or filters not its own, are refused."""
    from fundgraph.loaders import parse_bytes
    from fundgraph.synth import generate, render_word_text

    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))
    settings = Settings(
        NEO4J_URI=neo4j_server.uri, NEO4J_PASSWORD=neo4j_server.password(), FUNDGRAPH_NEO4J_HOME=neo4j_server.home
    )
    with TestClient(create_app([READER], settings)) as client:

        def get(**params: Any) -> dict[str, Any]:
            response = client.get("/api/v1/findings", params=params, headers=AS_READER)
            assert response.status_code == 200, response.text
            return dict(response.json())

        first = get(limit=3)
        snapshot, total = first["snapshot"], first["total"]
        assert total > 6 and len(first["items"]) == 3 and first["taken_at"]
        pages = first["items"] + get(snapshot=snapshot, offset=3, limit=3)["items"]
        # A load between pages: the snapshot's pages stay those of its run, a new question sees the new plan.
        plan = next(iter(generate(30, seed=5)))
        more = plan_elements(parse_bytes(render_word_text(plan).encode(), "more.txt"))
        write_plan(session_driver, more)
        whole = get(snapshot=snapshot, limit=1000)
        assert whole["total"] == total and whole["snapshot"] == snapshot and whole["items"][:6] == pages
        fresh = get(limit=1000)
        assert fresh["snapshot"] != snapshot and fresh["total"] > total
        assert any(p["plan_id"] == more.plan_id for item in fresh["items"] for p in item["projects"])
        narrower = get(severity="high", limit=1)
        assert get(snapshot=narrower["snapshot"], severity="high", offset=1)["total"] == narrower["total"]
        refused = client.get(
            "/api/v1/findings", params={"snapshot": narrower["snapshot"], "severity": "low"}, headers=AS_READER
        )
        assert refused.status_code == 422 and "severity=high" in refused.json()["error"]["message"]
        gone = client.get("/api/v1/findings", params={"snapshot": "no-such-snapshot"}, headers=AS_READER)
        assert gone.status_code == 410 and gone.json()["error"]["code"] == "snapshot_expired"
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))


def test_every_request_is_logged_with_its_id_and_duration(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    import json as _json
    import logging

    with caplog.at_level(logging.INFO, logger="fundgraph.api"):
        response = client.get("/api/v1/plans", headers={**AS_READER, "X-Request-ID": "audit-42"})
        anonymous = client.get("/api/v1/plans")
    assert response.headers["X-Request-ID"] == "audit-42"
    assert len(anonymous.headers["X-Request-ID"]) == 32
    lines = [_json.loads(r.getMessage()) for r in caplog.records if r.name == "fundgraph.api"]
    mine = next(line for line in lines if line["request_id"] == "audit-42")
    assert (mine["method"], mine["path"], mine["status"], mine["key"]) == ("GET", "/api/v1/plans", 200, "bob")
    assert mine["ms"] >= 0
    assert any(line["status"] == 401 and line["key"] is None for line in lines)
    assert all(READER.key not in _json.dumps(line) for line in lines)


def test_documents_are_named_by_base_name_in_every_answer(client: TestClient) -> None:
    """The seed was loaded from its absolute path; no answer says where the loading machine keeps its files."""
    full = str(SEED_TXT)
    base = SEED_TXT.name
    document = client.post(
        "/api/v1/cypher", json={"query": "MATCH (d:Document) RETURN elementId(d) AS id"}, headers=AS_AUDITOR
    ).json()["rows"][0]["id"]
    answers = {
        "documents": client.get("/api/v1/documents", headers=AS_READER),
        "findings": client.get("/api/v1/findings", params={"limit": 1000}, headers=AS_READER),
        "neighbourhood": client.get(
            "/api/v1/neighbourhood", params={"name": "plan-2024-e18bcb81f6d6", "depth": 1}, headers=AS_READER
        ),
        "path": client.get(
            "/api/v1/path", params={"from": "广东股权交易中心股份有限公司", "to": document}, headers=AS_READER
        ),
        "catalogue": client.post("/api/v1/queries/documents", json={"parameters": {}}, headers=AS_READER),
        "notice": client.get(f"/api/v1/notices/{_sha256(SEED_TXT)}/chain", headers=AS_READER),
        "cypher": client.post(
            "/api/v1/cypher",
            json={"query": "MATCH (d:Document) RETURN d, d.path AS path, [d.path] AS paths"},
            headers=AS_AUDITOR,
        ),
    }
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
        assert full not in answer.text and str(SEED_TXT.parent) not in answer.text, name
        # A neighbourhood and a path name a Document by its title where it has one (the seed's has), else by its
        # path (the base name too: fundgraph/api/paths.py's doctest); the rest name it by its path.
        assert base in answer.text or name in {"neighbourhood", "path"}, name
    assert any(r["to_label"] == "Document" for r in answers["neighbourhood"].json()["items"])
    assert answers["path"].json()["nodes"][-1].startswith("Document: ")
    assert [d["path"] for d in answers["documents"].json()["items"]] == [base]
    cited = {e["path"] for f in answers["findings"].json()["items"] for e in f["evidence"] if e.get("path")}
    assert cited == {base}
    [row] = answers["cypher"].json()["rows"]
    assert (row["d"]["properties"]["path"], row["path"], row["paths"]) == (base, base, [base])


def test_each_overlap_kind_agrees_with_the_python_reading_of_the_seed(client: TestClient) -> None:
    """Every /overlaps kind and the catalogue's lookups say, on the seed, what extraction in Python says."""
    from fundgraph.loaders.entities import extract_entities

    plan = parse_path(SEED_TXT)
    found = extract_entities(plan).projects

    def overlap(kind: str) -> list[dict[str, Any]]:
        body = client.get(f"/api/v1/overlaps/{kind}", params={"limit": 1000}, headers=AS_READER).json()
        assert body["total"] == len(body["items"])
        return list(body["items"])

    passing = {
        p.seq
        for p, e in zip(plan.projects, found, strict=True)
        if e.applicant and e.implementer and e.applicant.canonical != e.implementer.canonical
    }
    assert {row["seq"] for row in overlap("pass-through")} == passing and passing

    shared: dict[str, set[str]] = {}
    for project, entities in zip(plan.projects, found, strict=True):
        for name, roles in entities.platform_roles().items():
            if roles - {"hosted_on"}:
                shared.setdefault(name, set()).add(project.seq)
    want = {name: seqs for name, seqs in shared.items() if len(seqs) >= 2}
    SME = "广东省中小企业融资平台"
    got = {row["platform"]: {p["seq"] for p in row["projects"]} for row in overlap("platforms")}
    assert got == want and want
    assert all(row["project_count"] == len(want[row["platform"]]) for row in overlap("platforms"))

    services = overlap("services")
    assert services and all(row["platform"] in want and row["project_count"] >= 2 for row in services)

    written: dict[str, set[str]] = {}
    for entities in found:
        for ref in (entities.applicant, entities.implementer, *entities.org_mentions):
            if ref is not None:
                written.setdefault(ref.canonical, set()).add("".join(ref.as_written.split()))
    aliases = {row["organization"]: set(row["names"]) for row in overlap("aliases")}
    everything_written = set().union(*written.values())
    # Renamed bodies count under their latest name (省地方金融监管局 under 广东省地方金融管理局), so names are checked
    # against everything written, and the bodies against those written in more than one way.
    assert aliases and all(len(names) > 1 and names <= everything_written for names in aliases.values())
    several = {org for org, names in written.items() if len(names) > 1}
    assert {"广东股权交易中心股份有限公司", "广东省融资再担保有限责任公司"} <= set(aliases) & several

    money = overlap("money-in-text")
    assert money and all(row["seq"] in {p.seq for p in plan.projects} for row in money)
    assert isinstance(overlap("cross-year"), list)

    run = client.post(
        "/api/v1/queries/path", json={"parameters": {"from": "汕尾市金融局", "to": "中小融"}}, headers=AS_READER
    ).json()
    assert run["total"] >= 1
    projects = client.post("/api/v1/queries/projects", json={"parameters": {"year": 2024}}, headers=AS_READER).json()
    assert projects["total"] == 11 and {p["seq"] for p in projects["items"]} == {p.seq for p in plan.projects}
    around = client.get("/api/v1/neighbourhood", params={"name": "中小融"}, headers=AS_READER).json()
    concerns = [row for row in around["items"] if row["type"] == "CONCERNS"]
    assert {row["to_name"] for row in concerns} == {"广东省中小企业融资平台"}
    assert {row["from_name"] for row in concerns} == {p.name for p in plan.projects if p.seq in want[SME]}


def test_documents_list_their_status_and_the_refused_with_their_error(
    client: TestClient, session_driver: Any, tmp_path: Path
) -> None:
    from fundgraph.loading import load_paths

    bad = tmp_path / "refused-notice.txt"
    bad.write_text("关于下达资金的通知\n各有关单位：\n请按要求执行。\n", encoding="utf-8")
    report = load_paths(session_driver, [SEED_TXT, bad])
    assert [Path(r.path).name for r in report.refused] == ["refused-notice.txt"]
    try:
        refused = client.get("/api/v1/documents", params={"status": "refused"}, headers=AS_READER).json()
        [row] = refused["items"]
        assert row["status"] == "refused" and row["plans"] == [] and "refused-notice.txt" in row["error"]
        # The error as a message too, which the explorer says in zh or en: in English, the error itself.
        said = json.loads(row["refusal"])
        assert render(said["code"], said["args"], "en") == row["error"]
        assert render(said["code"], said["args"], "zh") == "refused-notice.txt：" + render(
            "refusal_no_table", said["args"]["reason"]["args"], "zh"
        )
        assert str(tmp_path) not in json.dumps(refused, ensure_ascii=False)
        verified = client.get("/api/v1/documents", params={"status": "verified"}, headers=AS_READER).json()
        assert [r["plans"] != [] for r in verified["items"]] == [True]
        assert client.get("/api/v1/documents", params={"status": "odd"}, headers=AS_READER).status_code == 422
    finally:
        session_driver.execute_query("MATCH (d:Document {status: 'refused'}) DETACH DELETE d")


def test_a_documents_bytes_come_from_the_archive_to_auditors_only(client: TestClient, neo4j_server: Any) -> None:
    import hashlib

    from fundgraph.graph.archive import location

    data = SEED_TXT.read_bytes()
    doc_id = hashlib.sha256(data).hexdigest()
    folder = Settings().archive_folder  # the suite's own (tests/conftest.py), as the client's settings read it
    kept = location(folder, doc_id)
    assert kept is not None
    kept.unlink(missing_ok=True)  # the client fixture runs twice (bolt://, neo4j://) on one server
    url = f"/api/v1/documents/{doc_id}/content"
    missing = client.get(url, headers=AS_AUDITOR)
    assert missing.status_code == 404 and "not in the archive" in missing.json()["error"]["message"]
    assert keep(folder, data) == doc_id
    served = client.get(url, headers=AS_AUDITOR)
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-type"].startswith("text/plain")
    assert "sandbox" in served.headers["content-security-policy"]
    assert served.headers["x-content-type-options"] == "nosniff"
    assert client.get(url, headers=AS_READER).status_code == 403
    unknown = client.get(f"/api/v1/documents/{'0' * 64}/content", headers=AS_AUDITOR)
    assert unknown.status_code == 404 and "no document" in unknown.json()["error"]["message"]
    for bad in ("..%2F..%2Fetc%2Fpasswd", "ABC", doc_id[:-1] + "g"):
        assert client.get(f"/api/v1/documents/{bad}/content", headers=AS_AUDITOR).status_code in {404, 422}


def test_a_notices_chain_with_the_money_down_each_link(neo4j_server: Any, session_driver: Any, tmp_path: Path) -> None:
    """The generated chain (fundgraph.synth): 湖南's notice, found by its 文号 however bracketed, gives its levels up
    and down, the Ministry's row it received against what it allocates (the planted 10 万元 short, both cells), the
    days each link took, and the level findings that cite it."""
    from fundgraph.audit.findings import run_findings
    from fundgraph.synth import CHAIN_LIMIT_DAYS, generate_chain, render_chain

    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    chain = generate_chain(seed=3)
    for name, data in render_chain(chain.notices, "txt").items():
        (tmp_path / name).write_bytes(data)
        write_plan(session_driver, plan_elements(parse_path(tmp_path / name)))
    # 湖南省's shortfall (the chain plants others: a city short on the sum of two notices, a department).
    found = run_findings(session_driver, rules=["not_passed_down_in_full"])
    short = next(f for f in found if f.severity == "high" and f.projects[0].name == "湖南省")
    received, allocated = short.details["received_fen"], short.details["allocated_fen"]
    upper_doc, lower_doc = short.evidence[0].doc_id, short.evidence[-1].doc_id
    records, _, _ = session_driver.execute_query(
        "MATCH (d:Document) RETURN d.doc_id AS id, d.wenhao AS wenhao, d.date AS date"
    )
    wenhao = {r["id"]: r["wenhao"] for r in records}
    settings = Settings(
        NEO4J_URI=neo4j_server.uri, NEO4J_PASSWORD=neo4j_server.password(), FUNDGRAPH_NEO4J_HOME=neo4j_server.home
    )
    with TestClient(create_app([READER], settings)) as client:
        # By its 文号 written with other brackets, as a reader would type it.
        typed = wenhao[lower_doc].replace("〔", "[").replace("〕", "]")
        found = client.get("/api/v1/notices", params={"wenhao": typed}, headers=AS_READER)
        assert found.status_code == 200, found.text
        assert [(n["doc_id"], n["not_loaded"]) for n in found.json()["items"]] == [(lower_doc, False)]
        cited_only = client.get("/api/v1/notices", params={"wenhao": "财农〔2023〕7号"}, headers=AS_READER).json()
        assert [(n["doc_id"], n["not_loaded"], n["cited_by"]) for n in cited_only["items"]] == [(None, True, 1)]

        response = client.get(f"/api/v1/notices/{lower_doc}/chain", headers=AS_READER)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["notice"]["doc_id"] == lower_doc and page["notice"]["wenhao"] == wenhao[lower_doc]
        levels = {(r["level"], r["wenhao"], r["not_loaded"]) for r in page["levels"]}
        assert (-1, wenhao[upper_doc], False) in levels and (-2, "财农〔2023〕7号", True) in levels
        down = [r for r in page["levels"] if r["level"] == 1]
        assert len(down) == 2 and all(r["doc_id"] and r["date"] and r["total"] for r in down)

        [up_link] = [k for k in page["links"] if k["upper"]["doc_id"] == upper_doc]
        assert (up_link["upper_level"], up_link["lower_level"]) == (-1, 0)
        assert up_link["days"] == 45 and up_link["late"] and up_link["limit_days"] == CHAIN_LIMIT_DAYS
        [row] = up_link["rows"]
        assert (row["name"], row["received"], row["allocated"]) == ("湖南省", _wan(received), _wan(allocated))
        assert row["difference"] == "-10" == "-" + short.details["difference"]
        assert row["cell"]["doc_id"] == upper_doc and row["cell"]["row"] and row["cell"]["col"]
        [plan] = row["lower_plans"]
        assert plan["doc_id"] == lower_doc and plan["total_cell"]["doc_id"] == lower_doc
        assert plan["total_cell"]["line"] and plan["cited_cell"]["line"]
        # Down to its cities: 长沙市 passes its share on in full; 株洲市, 40 days after, allocates 120 万元 more while
        # citing a notice not loaded (planted: not reconcilable, never 'local money added').
        below = [k for k in page["links"] if k["upper"]["doc_id"] == lower_doc]
        assert sorted(k["days"] for k in below) == [20, 40] and [k["late"] for k in below if k["days"] == 40] == [True]
        assert {r["name"]: r["difference"] for k in below for r in k["rows"]} == {"长沙市": "0", "株洲市": "120"}

        rules = sorted((f["rule"], f["projects"][0]["name"]) for f in page["findings"])
        assert ("not_passed_down_in_full", "湖南省") in rules and ("passed_down_late", "湖南省") in rules
        assert all(any(e["doc_id"] == lower_doc for e in f["evidence"]) for f in page["findings"])

        missing = client.get(f"/api/v1/notices/{'0' * 64}/chain", headers=AS_READER)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        assert client.get("/api/v1/notices", params={"wenhao": "没有文号"}, headers=AS_READER).status_code == 422
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wan(fen: int) -> str:
    from decimal import Decimal

    from fundgraph.money import format_wan

    return format_wan(Decimal(fen) / 1_000_000)
