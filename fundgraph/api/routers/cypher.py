from __future__ import annotations

from fastapi import APIRouter

from fundgraph.api.deps import Auditor, StoreDep
from fundgraph.api.models import ERRORS, CypherRequest, ErrorBody, Rows
from fundgraph.errors import BadParameter
from fundgraph.graph.guard import run_guarded
from fundgraph.jsonable import to_jsonable

router = APIRouter(
    tags=["cypher"],
    responses={
        **ERRORS,
        400: {"model": ErrorBody, "description": "Refused"},
        408: {"model": ErrorBody, "description": "Cut off by the time limit"},
    },
)


@router.post(
    "/cypher",
    response_model=Rows,
    summary="Read-only ad-hoc Cypher for auditors (writes, files, URLs, PROFILE refused; time limit, row cap)",
    description=(
        "Nodes come back as `{id, labels, properties}`, relationships as `{id, type, start, end, properties}` and "
        "paths as `{nodes, relationships}`, so that a client can draw them."
    ),
)
def cypher(store: StoreDep, _: Auditor, body: CypherRequest) -> Rows:
    if len(body.query) > store.cypher_max_query:
        raise BadParameter(f"the statement is {len(body.query):,} characters; at most {store.cypher_max_query:,}")
    result = run_guarded(
        store.driver,
        body.query,
        body.parameters,
        database=store.database,
        timeout=store.cypher_timeout,
        row_cap=store.cypher_row_cap,
        byte_cap=store.cypher_byte_cap,
        graph_values=True,
    )
    return Rows(columns=result.columns, rows=to_jsonable(result.rows), truncated=result.truncated)
