"""The CLI refuses what it can't do before touching anything (no server needed)."""

from __future__ import annotations

import os

from tests.conftest import SEED_TXT, run_cli


def test_bulk_refuses_a_remote_server_and_replace_without_bulk() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "FUNDGRAPH_"))}
    remote = run_cli("load", "--bulk", str(SEED_TXT), env={**env, "NEO4J_URI": "bolt://db.example.org:7687"})
    assert remote.returncode != 0 and "not on this machine" in remote.stderr and "Traceback" not in remote.stderr
    alone = run_cli("load", "--replace", str(SEED_TXT), env={**env, "NEO4J_URI": "bolt://127.0.0.1:1"})
    assert alone.returncode == 2 and "--bulk" in alone.stderr


def test_a_timeout_of_zero_or_less_is_refused_before_connecting() -> None:
    # The driver would read 0 as "no limit"; the CLI must refuse it rather than run unbounded (or fall back silently).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "FUNDGRAPH_"))}
    env["NEO4J_URI"] = "bolt://127.0.0.1:1"
    for args in (
        ("findings", "--timeout", "0"),
        ("query", "search", "--timeout", "-1"),
        ("cypher", "RETURN 1", "--timeout", "0"),
    ):
        done = run_cli(*args, env=env)
        assert done.returncode == 2 and "above 0" in done.stderr, (args, done.stderr)
