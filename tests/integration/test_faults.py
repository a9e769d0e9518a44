"""Loads under faults: a killed loader, a killed Neo4j, concurrent loaders. Afterwards every document is wholly
present or absent, no key is duplicated, and running the load again completes it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from fundgraph.graph.schema import load_schema
from fundgraph.localserver import LocalServer, free_port
from fundgraph.synth import generate, render_word_text
from tests.conftest import ROOT

DOCUMENTS = 12


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for number, plan in enumerate(generate(DOCUMENTS * 60, seed=5, per_plan=(50, 70)), start=1):
        (folder / f"plan-{number:03d}.txt").write_text(render_word_text(plan), encoding="utf-8")
    return folder


def _count(corpus: Path) -> int:
    return len(list(corpus.glob("*.txt")))


def _load(corpus: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fundgraph", "load", str(corpus)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _rows(driver: Any, query: str) -> list[dict[str, Any]]:
    return [r.data() for r in driver.execute_query(query).records]


def assert_whole_or_absent(driver: Any) -> int:
    """Every plan present is whole: its projects, their amounts and its totals agree. Returns the plans present."""
    plans = _rows(
        driver,
        "MATCH (pl:Plan) OPTIONAL MATCH (pl)-[a:ALLOCATES]->(p:Project) "
        "RETURN pl.plan_id AS id, pl.project_count AS expected, count(p) AS found, "
        "pl.computed_total_fen AS total, sum(a.amount_fen) AS allocated",
    )
    for plan in plans:
        assert plan["found"] == plan["expected"] and plan["allocated"] == plan["total"], plan
    assert _rows(driver, "MATCH (p:Project) WHERE NOT ()-[:ALLOCATES]->(p) RETURN count(p) AS n") == [{"n": 0}]
    assert _rows(driver, "MATCH (p:Project) WHERE count{()-[:ALLOCATES]->(p)} > 1 RETURN count(p) AS n") == [{"n": 0}]
    duplicated = (
        "MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, r.role AS role, count(*) AS n WHERE n > 1 RETURN count(*) AS n"
    )
    assert _rows(driver, duplicated) == [{"n": 0}], "a relationship was written twice"
    for label, node in load_schema().nodes.items():
        [row] = _rows(driver, f"MATCH (n:{label}) RETURN count(n) AS n, count(DISTINCT n.{node.key}) AS keys")
        assert row["n"] == row["keys"], label
    return len(plans)


def test_killing_the_loader_leaves_each_document_whole_or_absent(
    driver: Any, cli_env: dict[str, str], corpus: Path
) -> None:
    rng = random.Random(20261127)
    for _ in range(3):
        # An empty store each time, so the loader has every document to write (a reload of unchanged documents
        # ends in moments, and a kill after it would test nothing).
        driver.execute_query("MATCH (n) DETACH DELETE n")
        loader = _load(corpus, cli_env)
        time.sleep(rng.uniform(0.5, 3.0))
        # Killed while it still runs: a loader that had already finished (or died) tests nothing.
        assert loader.poll() is None, "the loader ended before it was killed"
        loader.send_signal(signal.SIGKILL)
        assert loader.wait(timeout=30) == -signal.SIGKILL
        assert_whole_or_absent(driver)
    finished = _load(corpus, cli_env)
    _, err = finished.communicate(timeout=600)
    assert finished.returncode == 0, err
    assert assert_whole_or_absent(driver) == _count(corpus)


def test_killing_neo4j_mid_load_then_restarting_it(tmp_path: Path, corpus: Path, neo4j_server: Any) -> None:
    server = LocalServer(home=tmp_path / "neo4j", port=free_port(), jars=ROOT / ".neo4j", heap="768m", pagecache="128m")
    server.start(timeout=240)
    env = {
        **os.environ,
        "NEO4J_URI": server.uri,
        "NEO4J_PASSWORD": server.password() or "",
        "FUNDGRAPH_NEO4J_HOME": str(server.home),
    }
    try:
        loader = _load(corpus, env)
        time.sleep(5.0)
        pid = server.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        _, err = loader.communicate(timeout=300)
        assert loader.returncode != 0 and "Traceback" not in err, err
        server.start(timeout=240)
        from fundgraph.config import Settings
        from fundgraph.graph.store import connect

        with connect(
            Settings(NEO4J_URI=server.uri, NEO4J_PASSWORD=server.password(), FUNDGRAPH_NEO4J_HOME=server.home)
        ) as local:
            before = assert_whole_or_absent(local)
            finished = _load(corpus, env)
            _, err = finished.communicate(timeout=600)
            assert finished.returncode == 0, err
            assert assert_whole_or_absent(local) == _count(corpus) >= before
    finally:
        server.stop()


def test_concurrent_loads_never_duplicate_a_node(driver: Any, cli_env: dict[str, str], corpus: Path) -> None:
    loaders = [_load(corpus, cli_env) for _ in range(3)]
    for loader in loaders:
        _, err = loader.communicate(timeout=900)
        assert loader.returncode == 0, err
    assert assert_whole_or_absent(driver) == _count(corpus)
    statuses = _load(corpus, cli_env).communicate(timeout=600)[0]
    assert statuses.count("unchanged") == _count(corpus)
