"""The networkx sink: the same graph elements the Neo4j writer takes, as a ``MultiDiGraph`` for notebooks.

Nodes are keyed by their schema key (``project_id``, ``org_id`` ...) and carry ``label`` and their properties, the
key property included; edges are keyed by type (and role, for CONCERNS) and carry ``type`` and their properties.

>>> from fundgraph.graph.elements import Edge, GraphElements, Node
>>> g = to_networkx([GraphElements("p", "v", "d", nodes=[Node("Region", "440000", {"name": "广东省"})])])
>>> g.nodes["440000"]
{'label': 'Region', 'code': '440000', 'name': '广东省'}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from fundgraph.graph.elements import GraphElements, merge_nodes
from fundgraph.graph.schema import load_schema


def to_networkx(documents: Iterable[GraphElements], graph: nx.MultiDiGraph | None = None) -> nx.MultiDiGraph:
    """Add each document's elements to ``graph`` (a new one by default), merging nodes on their keys as MERGE does."""
    schema = load_schema()
    graph = graph if graph is not None else nx.MultiDiGraph()
    for elements in documents:
        _replace_plan(graph, elements)
        for node in merge_nodes(elements.nodes):
            attributes: dict[str, Any] = {"label": node.label, schema.key(node.label): node.key}
            existing = graph.nodes[node.key] if node.key in graph else {}
            for name, value in node.props.items():
                if name in schema.node(node.label).accumulate and isinstance(existing.get(name), list):
                    value = sorted({*existing[name], *(value or [])})
                attributes[name] = value
            graph.add_node(node.key, **attributes)
        for edge in elements.edges:
            rel = schema.relationship(edge.type)
            key = edge.type if rel.key is None else f"{edge.type}:{edge.props.get(rel.key)}"
            graph.add_edge(edge.start, edge.end, key=key, type=edge.type, **edge.props)
    return graph


def _replace_plan(graph: nx.MultiDiGraph, elements: GraphElements) -> None:
    """A plan loaded again replaces its projects (and their targets), as the Neo4j writer does."""
    if elements.plan_id not in graph:
        return
    projects = [n for _, n, k in graph.out_edges(elements.plan_id, keys=True) if k == "ALLOCATES"]
    targets = [t for p in projects for _, t, k in graph.out_edges(p, keys=True) if k == "HAS_TARGET"]
    graph.remove_nodes_from(projects + targets)
