"""One router per resource; handlers call the same store functions as the CLI and hold no Cypher."""

from __future__ import annotations

from typing import Any

from fundgraph.api.deps import Store
from fundgraph.api.models import Page
from fundgraph.graph.store import QueryResult
from fundgraph.jsonable import to_jsonable
from fundgraph.queries import run_page, run_query


def named(store: Store, name: str, params: dict[str, Any]) -> QueryResult:
    return run_query(
        store.driver, name, params, database=store.database, timeout=store.query_timeout, row_cap=store.row_cap
    )


def page(result: QueryResult, offset: int, limit: int) -> Page:
    return Page(
        items=to_jsonable(result.rows[offset : offset + limit]),
        total=len(result.rows),
        offset=offset,
        limit=limit,
        truncated=result.truncated,
    )


def paged(store: Store, name: str, params: dict[str, Any], offset: int, limit: int) -> Page:
    """A page of a named query paged in Cypher, with its true total: any page of any number of rows."""
    result = run_page(
        store.driver, name, params, offset=offset, limit=limit, database=store.database, timeout=store.query_timeout
    )
    return Page(items=to_jsonable(result.rows), total=result.total, offset=offset, limit=limit)
