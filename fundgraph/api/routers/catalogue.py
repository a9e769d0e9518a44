from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from fundgraph.api.deps import Reader, StoreDep
from fundgraph.api.models import ERRORS, Page, QueryRequest
from fundgraph.api.routers import paged
from fundgraph.queries import catalogue, get_query

router = APIRouter(tags=["catalogue"], responses=ERRORS)


def describe(name: str) -> dict[str, Any]:
    query = get_query(name)
    return {
        "name": query.name,
        "description": query.description,
        "mode": query.mode,
        "example": query.example,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "default": p.default,
                "required": p.required,
                "minimum": p.low,
                "maximum": p.high,
            }
            for p in query.params
        ],
        "cypher": query.cypher,
    }


@router.get("/queries", summary="The named-query catalogue with typed parameters")
def queries(_: Reader) -> list[dict[str, Any]]:
    return [describe(name) for name in catalogue()]


@router.get("/queries/{name}", summary="One named query")
def query(_: Reader, name: str) -> dict[str, Any]:
    return describe(name)


@router.post(
    "/queries/{name}", response_model=Page, summary="Run a named query; parameters are checked against its header"
)
def run(
    store: StoreDep,
    _: Reader,
    name: str,
    body: QueryRequest,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Page:
    return paged(store, name, body.parameters, offset, limit)
