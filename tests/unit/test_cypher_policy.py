"""The ad-hoc Cypher policy (fundgraph/cypher_policy.yaml): nothing allowed or loaded reaches what is never allowed."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from fundgraph.cypher_policy import load_policy
from fundgraph.localserver import LocalServer

NEVER_EXAMPLES = [
    "apoc.cypher.runFirstColumnMany",
    "apoc.cypher.runFirstColumnSingle",
    "apoc.cypher.runFirstColumn",
    "apoc.periodic.iterate",
    "apoc.load.json",
    "apoc.export.csv.all",
    "apoc.import.csv",
    "apoc.trigger.add",
    "apoc.util.sleep",
    "apoc.custom.declareFunction",
]


@pytest.mark.parametrize("name", NEVER_EXAMPLES)
def test_what_runs_strings_or_files_is_neither_allowed_nor_loaded(name: str) -> None:
    policy = load_policy()
    assert not policy.function_allowed(name)
    assert not policy.function_allowed(name.upper())  # Neo4j resolves names case-insensitively
    assert not any(fnmatchcase(name.lower(), p.lower()) for p in policy.server_plugins)


def test_every_pattern_is_clear_of_the_never_list() -> None:
    policy = load_policy()
    for pattern in (*policy.functions, *policy.server_plugins):
        example = pattern.replace("*", "x")
        assert not any(fnmatchcase(example, never) for never in policy.never), pattern
        # A pattern wider than a never-entry would reach into it: apoc.* over apoc.cypher.*.
        assert not any(fnmatchcase(never.replace("*", "x"), pattern) for never in policy.never), pattern
    assert set(policy.server_plugins) <= set(policy.functions)


def test_plain_names_are_cyphers_own_and_procedures_are_listed() -> None:
    policy = load_policy()
    assert policy.function_allowed("toLower") and policy.function_allowed("duration.between")
    assert policy.procedure_allowed("db.labels") and not policy.procedure_allowed("dbms.listConfig")
    assert not policy.procedure_allowed("db.clearQueryCaches")


def test_the_local_server_is_configured_from_the_policy(tmp_path: object) -> None:
    from pathlib import Path

    home = Path(str(tmp_path))
    LocalServer(home=home, heap="1g", transaction_memory="4g").write_conf()
    conf = dict(line.split("=", 1) for line in (home / "conf/neo4j.conf").read_text().splitlines() if "=" in line)
    assert conf["dbms.security.procedures.allowlist"] == load_policy().server_allowlist
    assert "dbms.security.procedures.unrestricted" not in conf
    assert conf["db.memory.transaction.max"] == "512m"  # never more than half the heap
