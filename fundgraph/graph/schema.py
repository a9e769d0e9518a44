"""The graph schema loaded from ``schema.yaml``; constraints and indexes are generated from it.

>>> schema = load_schema()
>>> schema.key("Project")
'project_id'
>>> schema.relationships["IMPLEMENTS"].start, schema.relationships["IMPLEMENTS"].end
('Organization', 'Project')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from fundgraph.errors import SchemaError
from fundgraph.vocabularies import service_roles
from fundgraph.vocabularies import vocabularies as all_vocabularies

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    properties: tuple[str, ...]
    indexes: tuple[str, ...]
    fulltext: tuple[str, ...]
    accumulate: tuple[str, ...] = ()
    # The relationship type from Alias the writer keeps for each name and alias of this label (None: no lookup).
    lookup: str | None = None
    # Kept by the store itself (an index in graph form), never a graph element.
    derived: bool = False


@dataclass(frozen=True)
class RelationshipType:
    type: str
    start: str
    end: str
    properties: tuple[str, ...]
    key: str | None = None
    fresh: bool = False
    derived: bool = False
    # The label the relationship ends at while its real end is not loaded (a cited notice's Notice placeholder).
    placeholder: str | None = None


@dataclass(frozen=True)
class Schema:
    nodes: dict[str, NodeType]
    relationships: dict[str, RelationshipType]
    fulltext_name: str
    fulltext_analyzer: str
    # name (roles, severities, labels) -> term -> its labels (zh, en) and attributes, in the file's order.
    vocabularies: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def vocabulary(self, name: str) -> dict[str, dict[str, Any]]:
        """One vocabulary's terms in their order, each with ``zh`` and ``en`` labels.

        >>> list(load_schema().vocabulary("severities"))
        ['high', 'medium', 'low']
        """
        return self.vocabularies[name]

    def service_roles(self) -> tuple[str, ...]:
        """The roles that are work on a platform's running, compared across plans (duplicate_service, tallies).

        >>> load_schema().service_roles()
        ('builds', 'operates', 'maintains', 'secures', 'upgrades')
        """
        return service_roles()

    def key(self, label: str) -> str:
        return self.node(label).key

    def node(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise SchemaError(f"{label!r} is not a label of the schema") from None

    def relationship(self, rel_type: str) -> RelationshipType:
        try:
            return self.relationships[rel_type]
        except KeyError:
            raise SchemaError(f"{rel_type!r} is not a relationship type of the schema") from None

    def derived_labels(self) -> tuple[str, ...]:
        """Labels the store keeps for itself (Alias): not entities, left out of elements and exports."""
        return tuple(n.label for n in self.nodes.values() if n.derived)

    def derived_types(self) -> tuple[str, ...]:
        return tuple(r.type for r in self.relationships.values() if r.derived)

    def fulltext_targets(self) -> tuple[list[str], list[str]]:
        """The labels and properties the full-text index covers."""
        labels = [n.label for n in self.nodes.values() if n.fulltext]
        props = sorted({p for n in self.nodes.values() for p in n.fulltext})
        return labels, props

    def ddl(self) -> list[str]:
        """Idempotent statements creating the constraints and indexes this schema declares."""
        statements = []
        for node in self.nodes.values():
            statements.append(
                f"CREATE CONSTRAINT {_snake(node.label)}_key IF NOT EXISTS "
                f"FOR (n:{node.label}) REQUIRE n.{node.key} IS UNIQUE"
            )
            # An index over several properties is written "a, b" (composite: a seek on both, in that order).
            statements.extend(
                f"CREATE INDEX {_snake(node.label)}_{'_'.join(_parts(index))} IF NOT EXISTS FOR (n:{node.label}) "
                f"ON ({', '.join(f'n.{prop}' for prop in _parts(index))})"
                for index in node.indexes
            )
        labels, props = self.fulltext_targets()
        statements.append(
            f"CREATE FULLTEXT INDEX {self.fulltext_name} IF NOT EXISTS "
            f"FOR (n:{'|'.join(labels)}) ON EACH [{', '.join(f'n.{p}' for p in props)}] "
            f"OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{self.fulltext_analyzer}'}}}}"
        )
        return statements


def _parts(index: str) -> list[str]:
    return [part.strip() for part in index.split(",")]


def _snake(label: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", label).lower()


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"schema name {name!r} is not a plain identifier")
    return name


@cache
def load_schema() -> Schema:
    text = resources.files("fundgraph.graph").joinpath("schema.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    nodes = {
        _identifier(label): NodeType(
            label=label,
            key=_identifier(spec["key"]),
            properties=tuple(_identifier(p) for p in spec.get("properties", [])),
            indexes=tuple(", ".join(_identifier(x) for x in _parts(p)) for p in spec.get("indexes", [])),
            fulltext=tuple(_identifier(p) for p in spec.get("fulltext", [])),
            accumulate=tuple(_identifier(p) for p in spec.get("accumulate", [])),
            lookup=_identifier(spec["lookup"]) if spec.get("lookup") else None,
            derived=bool(spec.get("derived", False)),
        )
        for label, spec in data["nodes"].items()
    }
    relationships = {}
    for rel_type, spec in data["relationships"].items():
        for end in (spec["from"], spec["to"], *([spec["placeholder"]] if "placeholder" in spec else [])):
            if end not in nodes:
                raise ValueError(f"relationship {rel_type} names the unknown label {end}")
        properties = tuple(_identifier(p) for p in spec.get("properties", []))
        key = spec.get("key")
        if key is not None and key not in properties:
            raise ValueError(f"relationship {rel_type}: key {key!r} must be one of its properties")
        fresh = bool(spec.get("fresh", False))
        if fresh and "Project" not in (spec["from"], spec["to"]):
            raise ValueError(f"relationship {rel_type}: only relationships of projects can be fresh")
        relationships[_identifier(rel_type)] = RelationshipType(
            rel_type,
            spec["from"],
            spec["to"],
            properties,
            _identifier(key) if key else None,
            fresh,
            bool(spec.get("derived", False)),
            spec.get("placeholder"),
        )
    for node in nodes.values():
        if node.lookup is not None:
            rel = relationships.get(node.lookup)
            if rel is None or (rel.start, rel.end) != ("Alias", node.label) or "name" not in node.properties:
                raise ValueError(f"{node.label}: lookup {node.lookup} must be a relationship from Alias to it")
    vocabularies = all_vocabularies()
    unknown = set(vocabularies.get("labels", {})) - set(nodes)
    if unknown:
        raise ValueError(f"vocabulary labels names labels the schema does not have: {sorted(unknown)}")
    full = data["fulltext_index"]
    return Schema(nodes, relationships, _identifier(full["name"]), _identifier(full["analyzer"]), vocabularies)
