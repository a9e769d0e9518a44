"""Values from the store made JSON-ready: decimals as strings (never binary floats), graph values as plain objects.

>>> from decimal import Decimal
>>> to_jsonable({"amount": Decimal("725.4014"), "rows": [1, None]})
{'amount': '725.4014', 'rows': [1, None]}
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from neo4j.graph import Node, Path, Relationship


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
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
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
