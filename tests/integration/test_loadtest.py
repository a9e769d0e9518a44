"""A short run of the load test (`make loadtest` runs 50 clients for 60 s): no error, memory level."""

from __future__ import annotations

from typing import Any

from bench.loadtest import memory_is_stable, run
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import write_plan
from fundgraph.loaders import parse_path
from fundgraph.localserver import free_port
from tests.conftest import SEED_TXT


def test_a_short_load_has_no_errors(driver: Any, cli_env: dict[str, str]) -> None:
    write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    result = run(cli_env, clients=10, seconds=6, port=free_port())
    assert result["errors"] == 0, result["error_kinds"]
    assert result["requests"] > 30 and memory_is_stable(result), result
