"""The local server lifecycle on its own port and home: start, status, stop, restart keeping data."""

from __future__ import annotations

from pathlib import Path

from fundgraph.localserver import LocalServer, free_port
from tests.conftest import ROOT, run_cli


def test_start_status_stop_and_restart_keep_data(neo4j_server: object, tmp_path: Path) -> None:
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "NEO4J_URI": f"bolt://127.0.0.1:{port}",
        "FUNDGRAPH_NEO4J_HOME": str(tmp_path),
        "FUNDGRAPH_NEO4J_HEAP": "512m",
        "FUNDGRAPH_NEO4J_PAGECACHE": "64m",
    }
    server = LocalServer(home=tmp_path, port=port, jars=ROOT / ".neo4j")
    # The CLI's server uses FUNDGRAPH_NEO4J_HOME for both jars and data: share the fetched jars by linking them.
    (tmp_path / "lib").symlink_to(ROOT / ".neo4j" / "lib")
    (tmp_path / "plugins").symlink_to(ROOT / ".neo4j" / "plugins")
    assert run_cli("neo4j", "status", env=env).returncode == 1
    started = run_cli("neo4j", "start", env=env)
    assert started.returncode == 0, started.stderr + started.stdout
    assert (tmp_path / "password").stat().st_mode & 0o077 == 0
    assert run_cli("neo4j", "status", env=env).returncode == 0
    assert run_cli("neo4j", "start", env=env).stdout.startswith("Neo4j already running")
    created = run_cli("cypher", "RETURN 1 AS one", "--json", env=env)
    assert created.returncode == 0, created.stderr
    assert run_cli("neo4j", "stop", env=env).returncode == 0
    assert server.pid() is None
    assert run_cli("neo4j", "status", env=env).returncode == 1
    assert run_cli("neo4j", "start", env=env).returncode == 0
    assert run_cli("neo4j", "status", env=env).returncode == 0
    assert run_cli("neo4j", "stop", env=env).returncode == 0
