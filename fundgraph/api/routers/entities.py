from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from starlette.exceptions import HTTPException

from fundgraph.api.deps import Reader, StoreDep
from fundgraph.api.models import ERRORS, Page
from fundgraph.api.routers import bounded, named, paged
from fundgraph.jsonable import to_jsonable
from fundgraph.queries import get_query

router = APIRouter(tags=["entities"], responses=ERRORS)

# The bounds each named query's header declares, so that an endpoint and POST /queries/{name} hold callers to one.
_NEIGHBOURHOOD_DEPTH = get_query("neighbourhood").param("depth")
_PATH_LENGTH = get_query("path").param("max_length")
_GRAPH_DEPTH = get_query("graph").param("depth")
_GRAPH_LIMIT = get_query("graph").param("limit")

Offset = Annotated[int, Query(ge=0, description="Rows to skip")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Rows to return")]


def _one(rows: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    if not rows:
        raise HTTPException(404, f"no {kind} named {name!r}")
    result: dict[str, Any] = to_jsonable(rows[0])
    return result


@router.get("/search", response_model=Page, summary="Full-text search of names (Chinese included)")
def search(
    store: StoreDep,
    _: Reader,
    q: Annotated[str, Query(min_length=1, examples=["中小企业融资平台"])],
    offset: Offset = 0,
    limit: Limit = 20,
) -> Page:
    return bounded(store, "search", {"q": q}, offset, limit)


@router.get("/organizations/{name}", summary="An organisation by name or alias, with its projects")
def organization(store: StoreDep, _: Reader, name: Annotated[str, Path(examples=["广东股交"])]) -> dict[str, Any]:
    return _one(named(store, "organization_profile", {"name": name}).rows, "organisation", name)


@router.get("/platforms/{name}", summary="A platform by name or alias, with the projects that concern it")
def platform(store: StoreDep, _: Reader, name: Annotated[str, Path(examples=["中小融"])]) -> dict[str, Any]:
    return _one(named(store, "platform_profile", {"name": name}).rows, "platform", name)


@router.get("/projects/{project_id:path}", summary="A project by its project_id (plan_id/序号)")
def project(
    store: StoreDep, _: Reader, project_id: Annotated[str, Path(examples=["plan-2024-e18bcb81f6d6/6"])]
) -> dict[str, Any]:
    return _one(named(store, "project_profile", {"project_id": project_id}).rows, "project", project_id)


@router.get("/neighbourhood", response_model=Page, summary="Relationships within `depth` steps of an entity")
def neighbourhood(
    store: StoreDep,
    _: Reader,
    name: Annotated[str, Query(examples=["广东省中小企业融资平台"], description="A name, alias or key")],
    depth: Annotated[int, Query(ge=_NEIGHBOURHOOD_DEPTH.low, le=_NEIGHBOURHOOD_DEPTH.high)] = 1,
    offset: Offset = 0,
    limit: Limit = 500,
) -> Page:
    return bounded(store, "neighbourhood", {"name": name, "depth": depth}, offset, limit)


@router.get("/path", summary="How two entities are connected: the shortest path")
def path(
    store: StoreDep,
    _: Reader,
    source: Annotated[str, Query(alias="from", examples=["潮州市金融局"])],
    target: Annotated[str, Query(alias="to", examples=["广东省地方金融管理局"])],
    max_length: Annotated[int, Query(ge=_PATH_LENGTH.low, le=_PATH_LENGTH.high)] = 8,
) -> dict[str, Any]:
    rows = named(store, "path", {"from": source, "to": target, "max_length": max_length}).rows
    if not rows:
        raise HTTPException(404, f"no path of at most {max_length} steps between {source!r} and {target!r}")
    result: dict[str, Any] = to_jsonable(rows[0])
    return result


@router.get("/graph", summary="The explorer's graph around an entity: nodes and edges with money and source cells")
def graph(
    store: StoreDep,
    _: Reader,
    name: Annotated[str | None, Query(examples=["广东省中小企业融资平台"], description="A name, alias or key")] = None,
    id: Annotated[str | None, Query(description="A node's element id, as returned in `nodes`")] = None,
    depth: Annotated[int, Query(ge=_GRAPH_DEPTH.low, le=_GRAPH_DEPTH.high)] = 1,
    limit: Annotated[int, Query(ge=_GRAPH_LIMIT.low, le=_GRAPH_LIMIT.high)] = 300,
) -> dict[str, Any]:
    if not name and not id:
        raise HTTPException(422, "give the entity's `name` (or alias or key) or a node `id`")
    result = named(store, "graph", {"name": name, "id": id, "depth": depth, "limit": limit})
    if not result.rows:
        raise HTTPException(404, f"no entity {name or id!r}")
    return graph_of(to_jsonable(result.rows), truncated=len(result.rows) >= limit or result.truncated)


def graph_of(rows: list[dict[str, Any]], *, truncated: bool) -> dict[str, Any]:
    """Rows of the ``graph`` query as nodes and edges; a project's several roles on one platform become one edge.

    >>> project, platform = {"id": "1", "label": "Project"}, {"id": "2", "label": "Platform"}
    >>> row = {"start": project, "id": "r", "type": "CONCERNS", "role": "secures", "amount": "86",
    ...        "cell": {"row": 12}, "source": project, "target": platform}
    >>> g = graph_of([row, {**row, "id": "s", "role": "operates"}], truncated=False)
    >>> [(e["type"], e["roles"], e["amount"]) for e in g["edges"]], len(g["nodes"])
    ([('CONCERNS', ['secures', 'operates'], '86')], 2)
    """
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        nodes.setdefault(row["start"]["id"], row["start"])
        if row["id"] is None:
            continue
        source, target = row["source"], row["target"]
        nodes.setdefault(source["id"], source)
        nodes.setdefault(target["id"], target)
        edge = edges.setdefault(
            (source["id"], target["id"], row["type"]),
            {
                "id": row["id"],
                "source": source["id"],
                "target": target["id"],
                "type": row["type"],
                "roles": [],
                "amount": row["amount"],
                "cells": [],
            },
        )
        if row["role"] and row["role"] not in edge["roles"]:
            edge["roles"].append(row["role"])
        if row["cell"] not in edge["cells"]:
            edge["cells"].append(row["cell"])
    start = rows[0]["start"]["id"] if rows else None
    return {"start": start, "nodes": list(nodes.values()), "edges": list(edges.values()), "truncated": truncated}


Status = Literal["verified", "unverified", "problems", "refused"]


@router.get(
    "/documents",
    response_model=Page,
    summary="The source documents every cited doc_id stands for, with their status (refused ones with the error)",
)
def documents(
    store: StoreDep,
    _: Reader,
    doc_id: str | None = None,
    status: Status | None = None,
    offset: Offset = 0,
    limit: Limit = 1000,
) -> Page:
    return paged(store, "documents", {"doc_id": doc_id, "status": status}, offset, limit)
