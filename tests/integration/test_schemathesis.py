"""schemathesis against the OpenAPI document, through a live server on loopback: no request, however odd, gets a
server error (5xx), and every error has the one body shape."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from fundgraph.api import create_app
from fundgraph.api.auth import ApiKey
from fundgraph.config import Settings
from fundgraph.graph.archive import keep
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import write_plan
from fundgraph.loaders import parse_path
from fundgraph.localserver import free_port, wait_for_url
from tests.conftest import SEED_TXT

AUDITOR = ApiKey("alice", "auditor", "alice-secret-key-0001")
AUTH = {"Authorization": f"Bearer {AUDITOR.key}"}


@pytest.fixture(scope="module")
def live_api(neo4j_server: Any, session_driver: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))
    # The review desk's writes land in a throwaway recipes folder, reading the seed's bytes from a throwaway archive
    # (the seed's doc_id is the documents' routes' example): the fuzzer saves and loads for real.
    settings_ = Settings(
        NEO4J_URI=neo4j_server.uri,
        NEO4J_PASSWORD=neo4j_server.password(),
        FUNDGRAPH_NEO4J_HOME=neo4j_server.home,
        FUNDGRAPH_RECIPES=tmp_path_factory.mktemp("fuzzed-recipes"),
        FUNDGRAPH_ARCHIVE=tmp_path_factory.mktemp("fuzzed-archive"),
    )
    keep(settings_.archive_folder, SEED_TXT.read_bytes())
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app([AUDITOR], settings_, cypher_timeout=2.0, cypher_row_cap=50),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    assert wait_for_url(f"{base}/health")
    yield base
    server.should_exit = True
    thread.join(timeout=30)


def test_no_server_errors(live_api: str) -> None:
    """Every operation in the document, 30 generated requests each (schemathesis strategies driven by hypothesis)."""
    from hypothesis import given

    schema = schemathesis.openapi.from_url(f"{live_api}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 17
    checked = 0
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            response = case.call(headers=AUTH)
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"error"} and {"status", "code", "message"} <= set(body["error"]), body

        run()
        checked += 1
    assert checked == len(operations)
