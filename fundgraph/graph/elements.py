"""Plans to backend-neutral graph elements: the one mapping from documents to the graph, used by every sink."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fundgraph.graph.schema import load_schema
from fundgraph.loaders.model import Plan, Project, Source
from fundgraph.loaders.plan import fold
from fundgraph.money import format_wan, to_fen

Props = dict[str, Any]


@dataclass(frozen=True)
class Node:
    label: str
    key: str
    props: Props = field(default_factory=dict)


@dataclass(frozen=True)
class Edge:
    type: str
    start: str
    end: str
    props: Props = field(default_factory=dict)


@dataclass
class GraphElements:
    """Everything one document contributes; ``plan_id``/``version`` let a sink skip or replace a plan."""

    plan_id: str
    version: str
    doc_id: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def by_label(self) -> dict[str, list[Node]]:
        grouped: dict[str, list[Node]] = {}
        for node in self.nodes:
            grouped.setdefault(node.label, []).append(node)
        return grouped

    def by_type(self) -> dict[str, list[Edge]]:
        grouped: dict[str, list[Edge]] = {}
        for edge in self.edges:
            grouped.setdefault(edge.type, []).append(edge)
        return grouped


def org_id(name: str) -> str:
    """Organisations are keyed by their folded name until entity resolution gives a canonical one.

    >>> org_id("省地方金融管理局 ") == org_id("省地方金融管理局")
    True
    """
    return "org:" + fold(name)


def fund_id(region: str | None, fund: str | None) -> str:
    return "fund:" + hashlib.sha256(json.dumps([region, fund], ensure_ascii=False).encode()).hexdigest()[:12]


def project_ids(plan: Plan) -> list[str]:
    """``plan_id/seq``, made unique when a plan repeats a 序号 (a reported problem, not a reason to drop a row)."""
    seen: dict[str, int] = {}
    ids = []
    for project in plan.projects:
        seen[project.seq] = seen.get(project.seq, 0) + 1
        suffix = "" if seen[project.seq] == 1 else f"~{seen[project.seq]}"
        ids.append(f"{plan.plan_id}/{project.seq}{suffix}")
    return ids


def _provenance(source: Source | None) -> Props:
    if source is None:
        return {}
    return {"doc_id": source.doc_id, "row": source.row, "col": source.col, "line": source.line}


def plan_elements(plan: Plan, loaded_at: datetime | None = None) -> GraphElements:
    """The nodes and edges one parsed plan contributes, keys and types as the schema declares."""
    plan_id = plan.plan_id
    elements = GraphElements(plan_id=plan_id, version=plan.version, doc_id=plan.doc_id)
    when = (loaded_at or datetime.now(UTC)).isoformat(timespec="seconds")
    elements.nodes.append(
        Node(
            "Document", plan.doc_id, {"path": plan.path, "format": plan.format, "title": plan.title, "loaded_at": when}
        )
    )
    stated = plan.stated_total
    elements.nodes.append(
        Node(
            "Plan",
            plan_id,
            {
                "title": plan.title,
                "year": plan.year,
                "unit": plan.unit,
                "attachment": plan.attachment,
                "programme": plan.programme,
                "region": plan.region,
                "stated_total": None if stated is None else format_wan(stated),
                "stated_total_fen": None if stated is None else to_fen(stated),
                "computed_total": format_wan(plan.computed_total),
                "computed_total_fen": to_fen(plan.computed_total),
                "version": plan.version,
                "doc_id": plan.doc_id,
                "notes": list(plan.notes),
                "problems": [json.dumps(p.as_dict(), ensure_ascii=False) for p in plan.problems],
                "project_count": len(plan.projects),
            },
        )
    )
    elements.edges.append(Edge("FROM_DOCUMENT", plan_id, plan.doc_id))
    if plan.fund is not None:
        fid = fund_id(plan.region, plan.fund)
        level = "省级" if plan.region and plan.region.endswith(("省", "自治区")) else None
        elements.nodes.append(Node("Fund", fid, {"name": plan.fund, "region": plan.region, "level": level}))
        elements.edges.append(Edge("HAS_PLAN", fid, plan_id))
    for project_id, project in zip(project_ids(plan), plan.projects, strict=True):
        _project(elements, plan, project_id, project)
    return elements


def _project(elements: GraphElements, plan: Plan, project_id: str, project: Project) -> None:
    fen = to_fen(project.amount)
    elements.nodes.append(
        Node(
            "Project",
            project_id,
            {
                "seq": project.seq,
                "name": project.name,
                "summary": project.summary,
                "targets_text": project.targets_text,
                "amount": format_wan(project.amount),
                "amount_fen": fen,
                "amount_text": project.amount_text,
                "approval": project.approval,
                "year": plan.year,
                "plan_id": plan.plan_id,
                **_provenance(project.source),
            },
        )
    )
    elements.edges.append(
        Edge(
            "ALLOCATES",
            plan.plan_id,
            project_id,
            {
                "amount": format_wan(project.amount),
                "amount_fen": fen,
                "amount_text": project.amount_text,
                **_provenance(project.cells.get("amount")),
            },
        )
    )
    for rel_type, name, cell in (
        ("APPLIED_FOR", project.applicant, project.cells.get("applicant")),
        ("IMPLEMENTS", project.implementer, project.cells.get("implementer")),
    ):
        if name:
            oid = org_id(name)
            elements.nodes.append(Node("Organization", oid, {"name": name}))
            elements.edges.append(Edge(rel_type, oid, project_id, {"as_written": name, **_provenance(cell)}))


def check_against_schema(elements: GraphElements) -> None:
    """Refuse labels, types or properties the schema does not declare, before anything reaches a sink."""
    schema = load_schema()
    for node in elements.nodes:
        unknown = node.props.keys() - set(schema.node(node.label).properties)
        if unknown:
            raise KeyError(f"{node.label} has properties the schema does not declare: {sorted(unknown)}")
    for edge in elements.edges:
        unknown = edge.props.keys() - set(schema.relationship(edge.type).properties)
        if unknown:
            raise KeyError(f"{edge.type} has properties the schema does not declare: {sorted(unknown)}")


def merge_nodes(nodes: Iterable[Node]) -> Iterator[Node]:
    """One node per (label, key), later properties filling in earlier ones (the same organisation twice in a plan)."""
    merged: dict[tuple[str, str], Props] = {}
    for node in nodes:
        props = merged.setdefault((node.label, node.key), {})
        props.update({k: v for k, v in node.props.items() if v is not None or k not in props})
    for (label, key), props in merged.items():
        yield Node(label, key, props)
