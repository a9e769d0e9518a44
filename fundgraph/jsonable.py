"""Values from the store made JSON-ready: decimals as strings (never binary floats), graph values as plain objects.

>>> from decimal import Decimal
>>> to_jsonable({"amount": Decimal("725.4014"), "rows": [1, None]})
{'amount': '725.4014', 'rows': [1, None]}
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    # A graph value exists only once the driver is loaded: commands that never touch the store (`fundgraph parse`)
    # do not pay for importing it (1.5 s of a 3.5 s run, the driver pulling in pandas).
    graph = sys.modules.get("neo4j.graph")
    if graph is not None:
        return _graph_value(value, graph)
    return _scalar(value)


def _graph_value(value: Any, graph: Any) -> Any:
    Node, Relationship, Path = graph.Node, graph.Relationship, graph.Path
    if isinstance(value, Node):
        return {"id": value.element_id, "labels": sorted(value.labels), "properties": to_jsonable(dict(value))}
    if isinstance(value, Relationship):
        start, end = value.start_node, value.end_node
        return {
            "id": value.element_id,
            "type": value.type,
            "start": start.element_id if start else None,
            "end": end.element_id if end else None,
            "properties": to_jsonable(dict(value)),
        }
    if isinstance(value, Path):
        return {
            "nodes": [to_jsonable(n) for n in value.nodes],
            "relationships": [to_jsonable(r) for r in value.relationships],
        }
    return _scalar(value)


def _scalar(value: Any) -> Any:
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
