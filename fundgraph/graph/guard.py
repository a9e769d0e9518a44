"""The read-only guard for ad-hoc Cypher, shared by ``fundgraph cypher`` and the HTTP endpoint.

Layers: the statement is planned with EXPLAIN in a READ transaction and refused unless the planner calls it read-only;
the plan is walked for LOAD CSV, administration commands, procedures outside an allow-list and namespaced functions
outside another (fundgraph/cypher_policy.yaml): a function that runs a string as Cypher would hide that statement from
the plan, so none is allowed, and the local server does not load them either. Then it runs in a READ transaction with
a time limit, a row cap and a byte cap (:func:`fundgraph.graph.store.read`), under the server's per-transaction memory
limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import neo4j
from neo4j import Driver
from neo4j.exceptions import ClientError

from fundgraph.config import LIMITS
from fundgraph.cypher_policy import load_policy
from fundgraph.errors import QueryRefused
from fundgraph.graph.store import QueryResult, check_parameters, database_name, read

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
# String literals and comments, skipped when looking for calls in a statement's text; a quoted name is kept, unquoted
# (its quotes may hold a ' that would otherwise open a string).
_NOT_CODE = re.compile(r"`(?:[^`]|``)*`|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.S)
# A call: a (dotted) name and an opening bracket, not part of a longer name, a parameter or a property access.
_CALL = re.compile(r"(?<![\w.$])([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\(")
_CALL_KEYWORD = re.compile(r"\bCALL\s+$", re.I)


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
    # The statement's text as well as its plan: a function the planner folds away or renders otherwise is refused too.
    check_functions(_NOT_CODE.sub(_code_only, query), skip_procedures=True)
    try:
        with driver.session(database=database or database_name(), default_access_mode=neo4j.READ_ACCESS) as session:
            summary = session.run(f"EXPLAIN {query}", parameters or {}).consume()
    except ClientError as exc:
        raise QueryRefused(f"refused by Neo4j: {exc.message or exc}") from exc
    if summary.query_type != "r":
        kind = {"w": "a write", "rw": "a write", "s": "a schema change"}.get(summary.query_type or "", "not a read")
        raise QueryRefused(f"only read-only Cypher is allowed; this statement is {kind}")
    check_plan(summary.plan or {})


def _code_only(match: re.Match[str]) -> str:
    text = match.group(0)
    return text[1:-1].replace("``", "") if text.startswith("`") else " "


def check_functions(expression: str, *, skip_procedures: bool = False) -> None:
    """Refuse a call of a namespaced function outside the policy's allow-list.

    >>> check_functions("apoc.coll.sum($autolist_3) AS a, toLower(cache[n.a]) STARTS WITH $autostring_1")
    >>> check_functions("apoc.cypher.runFirstColumnMany($autostring_0, {}) AS x")
    Traceback (most recent call last):
    ...
    fundgraph.errors.QueryRefused: function apoc.cypher.runFirstColumnMany is not allowed here: ad-hoc Cypher may \
call Cypher's own functions and the listed APOC ones (fundgraph/cypher_policy.yaml)
    >>> check_functions("RETURN `apoc`.`cypher`.runFirstColumnSingle('SHOW USERS', {})")
    Traceback (most recent call last):
    ...
    fundgraph.errors.QueryRefused: function apoc.cypher.runFirstColumnSingle is not allowed here: ad-hoc Cypher may \
call Cypher's own functions and the listed APOC ones (fundgraph/cypher_policy.yaml)
    """
    policy = load_policy()
    text = expression.replace("`", "")
    for match in _CALL.finditer(text):
        if skip_procedures and _CALL_KEYWORD.search(text, 0, match.start()):
            continue
        name = re.sub(r"\s+", "", match.group(1))
        if not policy.function_allowed(name):
            raise QueryRefused(
                f"function {name} is not allowed here: ad-hoc Cypher may call Cypher's own functions and the listed "
                "APOC ones (fundgraph/cypher_policy.yaml)"
            )


def check_plan(plan: dict[str, Any]) -> None:
    """Refuse a plan with administration commands, LOAD CSV, a procedure or a namespaced function not allowed.

    >>> check_plan({"operatorType": "ProcedureCall@neo4j", "args": {"Details": "db.labels() :: (label :: STRING)"}})
    >>> check_plan({"operatorType": "Projection@neo4j", "args": {"Details": "apoc.text.join($a, $b) AS s"},
    ...             "children": [{"operatorType": "Projection@neo4j",
    ...                           "args": {"Details": "apoc.cypher.runFirstColumnSingle($autostring_0, {}) AS x"}}]})
    Traceback (most recent call last):
    ...
    fundgraph.errors.QueryRefused: function apoc.cypher.runFirstColumnSingle is not allowed here: ad-hoc Cypher may \
call Cypher's own functions and the listed APOC ones (fundgraph/cypher_policy.yaml)
    """
    policy = load_policy()
    for operator, details in _operators(plan):
        if operator.startswith(("Show", "Terminate")):
            # SHOW TRANSACTIONS leaks other sessions' queries; TERMINATE kills them. Neo4j calls both reads.
            raise QueryRefused(f"administration commands ({operator.split('@')[0]}) are not allowed here")
        if "LoadCSV" in operator:
            raise QueryRefused("LOAD CSV is not allowed: ad-hoc queries may not read files or URLs")
        if operator.startswith("ProcedureCall"):
            match = _PROCEDURE_NAME.match(details)
            name = match.group(1) if match else details
            if not policy.procedure_allowed(name):
                allowed = ", ".join(sorted(policy.procedures))
                raise QueryRefused(f"procedure {name} is not allowed; allowed: {allowed}")
            details = details[match.end() - 1 :] if match else ""
        check_functions(details)


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
    timeout: float = LIMITS.timeout_s,
    row_cap: int = LIMITS.row_cap,
    byte_cap: int = LIMITS.byte_cap,
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
        byte_cap=byte_cap,
        retry=False,
        graph_values=graph_values,
    )
