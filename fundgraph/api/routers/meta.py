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


@router.get(
    "/schema",
    summary="Labels, relationship types and properties of the graph, and its vocabularies with their zh/en labels",
)
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
        # Roles, severities and kinds of node with their labels, for the explorer to show rather than retype.
        "vocabularies": {
            name: {term: {"zh": spec["zh"], "en": spec["en"]} for term, spec in terms.items()}
            for name, terms in graph.vocabularies.items()
        },
    }
