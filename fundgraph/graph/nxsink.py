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
from functools import partial
from typing import Any

import networkx as nx

from fundgraph.config import Limits
from fundgraph.errors import BadParameter
from fundgraph.graph.elements import GraphElements, merge_nodes
from fundgraph.graph.schema import load_schema
from fundgraph.graph.spreadsheet import safe_cell

# A whole graph of a million projects takes minutes to read: exports are not held to the queries' limits.
EXPORT = Limits(timeout_s=3600.0, row_cap=100_000_000)


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


def from_neo4j(
    driver: Any,
    *,
    plan_id: str | None = None,
    ids: list[str] | None = None,
    database: str | None = None,
) -> nx.MultiDiGraph:
    """The graph in the server as a ``MultiDiGraph`` keyed like :func:`to_networkx`: everything, one plan (its
    projects and everything they touch), or the nodes of the given element ids and the edges between them (an
    entity's neighbourhood: ``fundgraph.queries.neighbourhood_ids`` finds them with the catalogue's query)."""
    from fundgraph.graph.store import read

    schema = load_schema()
    keys = {label: node.key for label, node in schema.nodes.items()}
    fetch = partial(read, driver, database=database, row_cap=EXPORT.row_cap, timeout=EXPORT.timeout_s)
    if plan_id is not None:
        selection = (
            "MATCH (pl:Plan {plan_id: $plan_id}) OPTIONAL MATCH (pl)-[:ALLOCATES]->(p:Project) "
            "OPTIONAL MATCH (p)-[]-(touched) OPTIONAL MATCH (pl)-[]-(around_plan) "
            "OPTIONAL MATCH (touched)-[:PART_OF|RENAMED_TO*1..5]-(beyond) "
            "WITH collect(DISTINCT pl) + collect(DISTINCT p) + collect(DISTINCT touched) + "
            "collect(DISTINCT around_plan) + collect(DISTINCT beyond) AS found "
            "UNWIND found AS n RETURN DISTINCT elementId(n) AS id"
        )
        ids = [row["id"] for row in fetch(selection, {"plan_id": plan_id}).rows]
    # Nodes carry their properties once; edges name their ends by element id, never repeating the ends' properties.
    # Alias nodes are the store's index of names, not entities: they stay out, as they do of to_networkx.
    not_derived = "&".join(f"!{label}" for label in schema.derived_labels())
    not_derived_types = "&".join(f"!{rel_type}" for rel_type in schema.derived_types())
    nodes = fetch(
        f"MATCH (n:{not_derived}) WHERE $ids IS NULL OR elementId(n) IN $ids "
        "RETURN elementId(n) AS id, labels(n)[0] AS label, properties(n) AS props",
        {"ids": ids},
    ).rows
    edges = fetch(
        f"MATCH (a)-[r:{not_derived_types}]->(b) WHERE $ids IS NULL OR (elementId(a) IN $ids AND elementId(b) IN $ids) "
        "RETURN elementId(a) AS a, type(r) AS type, properties(r) AS props, elementId(b) AS b",
        {"ids": ids},
    ).rows
    key_of = {row["id"]: row["props"][keys[row["label"]]] for row in nodes}
    graph = nx.MultiDiGraph()
    for row in nodes:
        label = row["label"]
        graph.add_node(row["props"][keys[label]], label=label, **row["props"])
    for row in edges:
        rel = schema.relationship(row["type"])
        key = row["type"] if rel.key is None else f"{row['type']}:{row['props'].get(rel.key)}"
        graph.add_edge(key_of[row["a"]], key_of[row["b"]], key=key, type=row["type"], **row["props"])
    return graph


def export(graph: nx.MultiDiGraph, fmt: str, out: Any) -> list[str]:
    """Write ``graph`` as graphml, gexf, json (node-link) or csv (a folder with nodes.csv and edges.csv, its cells
    safe to open in a spreadsheet: fundgraph/graph/spreadsheet.py)."""
    import csv
    import json
    from pathlib import Path

    path = Path(out)
    if fmt in {"graphml", "gexf"}:
        flat = _flat(graph)
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(flat, path)
        return [str(path)]
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return [str(path)]
    if fmt == "csv":
        path.mkdir(parents=True, exist_ok=True)
        node_fields = sorted({k for _, attrs in graph.nodes(data=True) for k in attrs})
        edge_fields = sorted({k for *_, attrs in graph.edges(data=True) for k in attrs})
        with (path / "nodes.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", *node_fields])
            for node, attrs in graph.nodes(data=True):
                writer.writerow([safe_cell(node), *(safe_cell(_cell(attrs.get(f))) for f in node_fields)])
        with (path / "edges.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source", "target", "key", *edge_fields])
            for source, target, key, attrs in graph.edges(keys=True, data=True):
                ends = (safe_cell(source), safe_cell(target), safe_cell(key))
                writer.writerow([*ends, *(safe_cell(_cell(attrs.get(f))) for f in edge_fields)])
        return [str(path / "nodes.csv"), str(path / "edges.csv")]
    raise BadParameter(f"unknown format {fmt!r}: graphml, gexf, json or csv")


def _cell(value: Any) -> Any:
    import json

    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def _flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML and GEXF hold scalars only: lists become JSON text, missing values are left out."""
    flat = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: _cell(v) for k, v in attrs.items() if v is not None})
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        flat.add_edge(source, target, key=key, **{k: _cell(v) for k, v in attrs.items() if v is not None})
    return flat
