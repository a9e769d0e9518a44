"""One router per resource; handlers call the same store functions as the CLI and hold no Cypher."""

from __future__ import annotations

from typing import Any

from fundgraph.api.deps import Store
from fundgraph.api.models import Page
from fundgraph.graph.store import QueryResult
from fundgraph.jsonable import to_jsonable
from fundgraph.queries import PageResult, get_query, run_page, run_query


def named(store: Store, name: str, params: dict[str, Any]) -> QueryResult:
    return run_query(
        store.driver, name, params, database=store.database, timeout=store.query_timeout, row_cap=store.row_cap
    )


def paged(store: Store, name: str, params: dict[str, Any], offset: int, limit: int) -> Page:
    """A page of a named query paged in Cypher, with its true total: any page of any number of rows."""
    result = run_page(
        store.driver, name, params, offset=offset, limit=limit, database=store.database, timeout=store.query_timeout
    )
    return Page(items=to_jsonable(result.rows), total=result.total, offset=offset, limit=limit)


def bounded(store: Store, name: str, params: dict[str, Any], offset: int, limit: int, *, bound: str = "limit") -> Page:
    """A page of a named query that bounds its own rows with a parameter (the search's hits, a neighbourhood's
    relationships, to keep a hub's walk short): run at the bound's highest value and paged in Cypher, so that its
    total is the true count below that value; where the bound cuts the rows, ``total`` is null and ``truncated``."""
    most = get_query(name).param(bound).high
    if most is None:
        raise ValueError(f"query {name!r} declares no upper bound for {bound!r}")
    result = run_page(
        store.driver,
        name,
        {**params, bound: most},
        offset=offset,
        limit=limit,
        database=store.database,
        timeout=store.query_timeout,
    )
    return bounded_page(result, most, offset, limit)


def bounded_page(result: PageResult, most: int, offset: int, limit: int) -> Page:
    """The page of :func:`bounded`: a count that reached the bound is no total.

    >>> bounded_page(PageResult(["n"], [{"n": 1}], 7), 10, 0, 1).total
    7
    >>> cut = bounded_page(PageResult(["n"], [{"n": 1}], 10), 10, 0, 1)
    >>> cut.total is None, cut.truncated
    (True, True)
    """
    cut = result.total >= most
    return Page(
        items=to_jsonable(result.rows),
        total=None if cut else result.total,
        offset=offset,
        limit=limit,
        truncated=cut,
    )
