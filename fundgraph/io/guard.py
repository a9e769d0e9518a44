"""The read-only guard for ad-hoc Cypher, shared by ``fundgraph cypher`` and the HTTP endpoint.

Layers: the statement is planned with EXPLAIN in a READ transaction and refused unless the planner calls it read-only;
the plan is walked for LOAD CSV and for procedures outside an allow-list; then it runs in a READ transaction with a
time limit and a row cap (:func:`fundgraph.io.store.read`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import neo4j
from neo4j import Driver
from neo4j.exceptions import ClientError

from fundgraph.errors import QueryRefused
from fundgraph.io.store import (
    DEFAULT_ROW_CAP,
    DEFAULT_TIMEOUT_S,
    QueryResult,
    check_parameters,
    database_name,
    read,
)

ALLOWED_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.index.fulltext.queryNodes",
        "db.index.fulltext.queryRelationships",
    }
)
# Cypher commands rather than queries: administration, schema, database and transaction management.
COMMAND_WORDS = frozenset(
    {
        "SHOW",
        "TERMINATE",
        "USE",
        "GRANT",
        "DENY",
        "REVOKE",
        "ALTER",
        "START",
        "STOP",
        "DROP",
        "RENAME",
        "ENABLE",
        "DRYRUN",
    }
)
_LEADING_COMMENTS = re.compile(r"^(\s|//[^\n]*\n|/\*.*?\*/)*", re.S)
_PROCEDURE_NAME = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*\(")


def check_read_only(
    driver: Driver, query: str, parameters: dict[str, Any] | None = None, database: str | None = None
) -> None:
    """Raise QueryRefused unless the statement is a plain read that touches nothing outside the graph."""
    check_parameters(parameters or {})
    text = _LEADING_COMMENTS.sub("", query).strip()
    if not text:
        raise QueryRefused("the statement is empty")
    first_word = re.split(r"[\s(/]", text, maxsplit=1)[0].upper()
    if first_word in {"PROFILE", "EXPLAIN"}:
        raise QueryRefused(f"{first_word} is not allowed here; send the statement alone")
    if first_word in COMMAND_WORDS:
        raise QueryRefused(f"{first_word} commands are not allowed: ad-hoc Cypher is for reading the graph")
    try:
        with driver.session(database=database or database_name(), default_access_mode=neo4j.READ_ACCESS) as session:
            summary = session.run(f"EXPLAIN {query}", parameters or {}).consume()
    except ClientError as exc:
        raise QueryRefused(f"refused by Neo4j: {exc.message or exc}") from exc
    if summary.query_type != "r":
        kind = {"w": "a write", "rw": "a write", "s": "a schema change"}.get(summary.query_type or "", "not a read")
        raise QueryRefused(f"only read-only Cypher is allowed; this statement is {kind}")
    for operator, details in _operators(summary.plan or {}):
        if operator.startswith(("Show", "Terminate")):
            # SHOW TRANSACTIONS leaks other sessions' queries; TERMINATE kills them. Neo4j calls both reads.
            raise QueryRefused(f"administration commands ({operator.split('@')[0]}) are not allowed here")
        if "LoadCSV" in operator:
            raise QueryRefused("LOAD CSV is not allowed: ad-hoc queries may not read files or URLs")
        if operator.startswith("ProcedureCall"):
            match = _PROCEDURE_NAME.match(details)
            name = match.group(1) if match else details
            if name not in ALLOWED_PROCEDURES:
                raise QueryRefused(f"procedure {name} is not allowed; allowed: {', '.join(sorted(ALLOWED_PROCEDURES))}")


def _operators(plan: dict[str, Any]) -> Iterator[tuple[str, str]]:
    yield str(plan.get("operatorType", "")), str(plan.get("args", {}).get("Details", ""))
    for child in plan.get("children", []):
        yield from _operators(child)


def run_guarded(
    driver: Driver,
    query: str,
    parameters: dict[str, Any] | None = None,
    *,
    database: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    row_cap: int = DEFAULT_ROW_CAP,
    graph_values: bool = False,
) -> QueryResult:
    check_read_only(driver, query, parameters, database)
    return read(
        driver,
        query,
        parameters,
        database=database,
        timeout=timeout,
        row_cap=row_cap,
        retry=False,
        graph_values=graph_values,
    )
