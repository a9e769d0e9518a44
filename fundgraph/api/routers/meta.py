"""Who the caller is and what the graph's schema holds: what the explorer needs to draw its menus and completions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from fundgraph.api.deps import Reader
from fundgraph.api.models import ERRORS
from fundgraph.graph.schema import load_schema

router = APIRouter(tags=["meta"], responses=ERRORS)


@router.get("/session", summary="The caller's key name and role (reader or auditor)")
def session(key: Reader) -> dict[str, Any]:
    return {"name": key.name, "role": key.role, "cypher": key.may("auditor")}


@router.get("/schema", summary="Labels, relationship types and properties of the graph, from schema.yaml")
def schema(_: Reader) -> dict[str, Any]:
    graph = load_schema()
    properties = {p for n in graph.nodes.values() for p in (n.key, *n.properties)}
    properties |= {p for r in graph.relationships.values() for p in r.properties}
    return {
        "labels": sorted(graph.nodes),
        "relationship_types": sorted(graph.relationships),
        "property_keys": sorted(properties),
        "nodes": {n.label: {"key": n.key, "properties": [n.key, *n.properties]} for n in graph.nodes.values()},
        "relationships": {
            r.type: {"from": r.start, "to": r.end, "properties": list(r.properties)}
            for r in graph.relationships.values()
        },
    }
