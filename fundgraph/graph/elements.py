"""Plans to backend-neutral graph elements: the one mapping from documents to the graph, used by every sink."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from fundgraph.errors import SchemaError
from fundgraph.graph.schema import load_schema
from fundgraph.loaders.entities import OrgRef, PlanEntities, PlatformRef, ProjectEntities, extract_entities
from fundgraph.loaders.entities.discovery import is_generic
from fundgraph.loaders.entities.matcher import fold_key
from fundgraph.loaders.entities.reference import load_reference
from fundgraph.loaders.entities.regions import Region, region_index
from fundgraph.loaders.model import Plan, Project, Source
from fundgraph.money import format_wan, to_fen
from fundgraph.version import __version__

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
    """Everything one document contributes; ``plan_id``/``version``/``build`` let a sink skip or replace a plan."""

    plan_id: str
    version: str
    doc_id: str
    build: str = ""
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    # The document's citations, each a CITES edge from it to the cited notice's key (its 文号's ``code|year|number``):
    # a sink ends each at the Document of that key if it has one, else at a Notice placeholder (see store, bulk).
    citations: list[Edge] = field(default_factory=list)


@cache
def build_fingerprint() -> str:
    """What turns a plan into graph elements: this package's version, the schema, the reference data and the review
    decisions. A plan loaded by another build is rewritten on its next load even when its rows are unchanged."""
    from importlib import resources

    from fundgraph.loaders.entities.reference import decisions_path

    digest = hashlib.sha256(__version__.encode())
    package = resources.files("fundgraph")
    for name in (
        "graph/schema.yaml",
        "loaders/headers.yaml",
        "loaders/notice.yaml",
        "loaders/reference/organizations.yaml",
        "loaders/reference/platforms.yaml",
        "loaders/reference/services.yaml",
    ):
        digest.update(package.joinpath(name).read_bytes())
    decisions = decisions_path()
    if decisions.is_file():
        digest.update(decisions.read_bytes())
    return digest.hexdigest()[:12]


def org_id(name: str) -> str:
    """Organisations are keyed by their canonical name, folded.

    >>> org_id("省地方金融管理局 ") == org_id("省地方金融管理局")
    True
    """
    return "org:" + fold_key(name)


def platform_id(name: str) -> str:
    return "platform:" + fold_key(name)


def fund_id(region: str | None, fund: str | None) -> str:
    return "fund:" + hashlib.sha256(json.dumps([region, fund], ensure_ascii=False).encode()).hexdigest()[:12]


def project_ids(plan: Plan) -> list[str]:
    """``plan_id/seq``, made unique when a plan repeats a 序号 (a reported problem, not a reason to drop a row)."""
    plan_id = plan.plan_id  # a hash of the plan's identity, computed anew on each read: once
    seen: dict[str, int] = {}
    ids = []
    for project in plan.projects:
        seen[project.seq] = seen.get(project.seq, 0) + 1
        suffix = "" if seen[project.seq] == 1 else f"~{seen[project.seq]}"
        ids.append(f"{plan_id}/{project.seq}{suffix}")
    return ids


def _provenance(source: Source | None) -> Props:
    if source is None:
        return {}
    props: Props = {"doc_id": source.doc_id, "row": source.row, "col": source.col, "line": source.line}
    # A PDF's or a scan's cell also has its page and box (points, top-left origin), and an OCR'd one its confidence.
    if source.page is not None:
        props["page"] = source.page
    if source.box is not None:
        props["box"] = list(source.box)
    if source.confidence is not None:
        props["confidence"] = source.confidence
    return props


def plan_elements(plan: Plan, entities: PlanEntities | None = None, loaded_at: datetime | None = None) -> GraphElements:
    """The nodes and edges one parsed plan and its entities contribute, keys and types as the schema declares.

    The stages stay apart: parse (:func:`fundgraph.loaders.parse_plans`) -> extract entities
    (:func:`fundgraph.loaders.entities.extract_entities`) -> map to graph elements (here) -> write. ``entities`` are
    extracted here when not given."""
    plan_id = plan.plan_id
    elements = GraphElements(plan_id=plan_id, version=plan.version, doc_id=plan.doc_id, build=build_fingerprint())
    when = (loaded_at or datetime.now(UTC)).isoformat(timespec="seconds")
    elements.nodes.append(
        Node(
            "Document",
            plan.doc_id,
            # The status is this plan's until the loader gives a document of several plans its worst; an error
            # from an earlier refusal of the same bytes (read since, by a recipe) is cleared.
            {
                "path": plan.path,
                "format": plan.format,
                "title": plan.title,
                "loaded_at": when,
                "status": plan.status,
                "error": None,
                "refusal": None,
                **_notice_props(plan),
            },
        )
    )
    elements.citations.extend(citations(plan))
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
                "stated_total_row": plan.stated_total_source.row if plan.stated_total_source else None,
                "stated_total_col": plan.stated_total_source.col if plan.stated_total_source else None,
                "stated_total_line": plan.stated_total_source.line if plan.stated_total_source else None,
                "stated_total_text": plan.stated_total_text,
                "read_confidence": plan.read_confidence,
                "status": plan.status,
                "read_by": plan.read_by,
                "build": elements.build,
            },
        )
    )
    elements.edges.append(Edge("FROM_DOCUMENT", plan_id, plan.doc_id))
    if plan.fund is not None:
        fid = fund_id(plan.region, plan.fund)
        level = "省级" if plan.region and plan.region.endswith(("省", "自治区")) else None
        elements.nodes.append(Node("Fund", fid, {"name": plan.fund, "region": plan.region, "level": level}))
        elements.edges.append(Edge("HAS_PLAN", fid, plan_id))
    entities = entities if entities is not None else extract_entities(plan)
    for project_id, project, found in zip(project_ids(plan), plan.projects, entities.projects, strict=True):
        _project(elements, plan, project_id, project, found)
    _renames(elements)
    _no_empty_lists(elements)
    return elements


def _notice_props(plan: Plan) -> Props:
    notice = plan.notice
    if notice is None:
        return {
            "wenhao": None,
            "wenhao_key": None,
            "date": None,
            "issuers": None,
            "issuer_regions": None,
            "issuer_orgs": None,
            "issuer_guessed": None,
        }
    issuers = list(notice.issuers or [])
    # A notice whose signature is not read (no date under it) is matched by the region its table's title names: a
    # guess (the title may name the region the money is for, or the upper notice's), which what it leads to says.
    guessed = not issuers and bool(plan.title)
    orgs = load_reference().orgs
    return {
        "wenhao": notice.wenhao.text if notice.wenhao else None,
        "wenhao_key": notice.wenhao.key_text if notice.wenhao else None,
        "date": notice.date.isoformat() if notice.date else None,
        "issuers": issuers,
        # What a row of the notice it passes money on from is matched by (PASSED_DOWN_BY): the region each issuer
        # names (韶关市财政局 -> 440200), and each issuer as an organisation (a body allocated to directly), by the
        # canonical name a row naming it resolves to.
        "issuer_regions": issuer_regions([plan.title] if guessed and plan.title else issuers),
        "issuer_orgs": [org_id(orgs.resolve(name) or "".join(name.split())) for name in issuers],
        "issuer_guessed": guessed,
    }


def issuer_regions(issuers: Iterable[str]) -> list[str]:
    """The region each issuing body is the government of: the most local place its name gives.

    >>> issuer_regions(["韶关市财政局", "广东省财政厅", "财政部"])
    ['440200', '440000']
    """
    index = region_index()
    codes: list[str] = []
    for name in issuers:
        found = index.find(name)
        if found:
            code = max(found, key=lambda r: len(r.ancestors(index))).code
            if code not in codes:
                codes.append(code)
    return codes


def citations(plan: Plan) -> list[Edge]:
    """The 文号s the plan's document cites, as CITES edges to their keys; a title cited without its 文号 names no
    document the graph can find, so it stays in the document's notice only."""
    if plan.notice is None:
        return []
    return [
        Edge("CITES", plan.doc_id, c.wenhao.key_text, {"as_written": c.wenhao.text, "line": c.line})
        for c in plan.notice.cites
        if c.wenhao is not None
    ]


def _no_empty_lists(elements: GraphElements) -> None:
    """An empty list is no property at all. Every sink then agrees: Neo4j's bulk importer reads an empty field as
    no property, while a transaction would store an empty array — the same graph must not depend on the path."""
    for props in [*(n.props for n in elements.nodes), *(e.props for e in elements.edges)]:
        for name, value in props.items():
            if isinstance(value, list) and not value:
                props[name] = None


def _project(elements: GraphElements, plan: Plan, project_id: str, project: Project, found: ProjectEntities) -> None:
    fen = None if project.amount is None else to_fen(project.amount)
    amount = None if project.amount is None else format_wan(project.amount)
    money = [m for m in found.money if to_fen_or_none(m.mention.amount) is not None]
    elements.nodes.append(
        Node(
            "Project",
            project_id,
            {
                "seq": project.seq,
                "name": project.name,
                "summary": project.summary,
                "targets_text": project.targets_text,
                "amount": amount,
                "amount_fen": fen,
                "amount_text": project.amount_text,
                "approval": project.approval,
                "year": plan.year,
                "plan_id": elements.plan_id,
                "years_named": found.years,
                "text_amounts": [format_wan(m.mention.amount) for m in money],
                "text_amounts_fen": [to_fen(m.mention.amount) for m in money],
                "text_amount_contexts": [m.mention.context for m in money],
                "text_amount_funding": [m.mention.funding for m in money],
                "text_amount_cols": _whole([m.source.col for m in money]),
                "text_amount_lines": _whole([m.source.line for m in money]),
                "extra": json.dumps(project.extra, ensure_ascii=False) if project.extra else None,
                **_provenance(project.source),
            },
        )
    )
    elements.edges.append(
        Edge(
            "ALLOCATES",
            elements.plan_id,
            project_id,
            {
                "amount": amount,
                "amount_fen": fen,
                "amount_text": project.amount_text,
                **_provenance(project.cells.get("amount")),
            },
        )
    )
    for rel_type, ref in (("APPLIED_FOR", found.applicant), ("IMPLEMENTS", found.implementer)):
        if ref is not None:
            _organization(elements, ref.canonical, ref.as_written)
            elements.edges.append(
                Edge(
                    rel_type,
                    org_id(ref.canonical),
                    project_id,
                    {"as_written": ref.as_written, "resolved_by": ref.resolved_by, **_provenance(ref.source)},
                )
            )
    mentions: dict[str, list[OrgRef]] = {}
    for ref in found.org_mentions:
        mentions.setdefault(ref.canonical, []).append(ref)
    for canonical, refs in mentions.items():
        _organization(elements, canonical, refs[0].as_written)
        elements.edges.append(
            Edge(
                "MENTIONS",
                project_id,
                org_id(canonical),
                {
                    "as_written": refs[0].as_written,
                    "field": refs[0].field,
                    "count": len(refs),
                    **_provenance(refs[0].source),
                },
            )
        )
    roles: dict[tuple[str, str], PlatformRef] = {}
    for platform in found.platforms:
        for role in platform.roles or ("mentioned",):
            roles.setdefault((platform.canonical, role), platform)
    for (canonical, role), platform in roles.items():
        if role == "mentioned" and any(k[0] == canonical and k[1] != "mentioned" for k in roles):
            continue
        elements.nodes.append(Node("Platform", platform_id(canonical), _platform_props(canonical, platform)))
        elements.edges.append(
            Edge(
                "CONCERNS",
                project_id,
                platform_id(canonical),
                {
                    "role": role,
                    "as_written": platform.as_written,
                    "field": platform.field,
                    "evidence": platform.evidence,
                    **_provenance(platform.source),
                },
            )
        )
    for service in found.services:
        elements.nodes.append(Node("ServiceType", service.name))
        elements.edges.append(
            Edge(
                "PROVIDES",
                project_id,
                service.name,
                {"keyword": service.keyword, "field": service.field, **_provenance(service.source)},
            )
        )
    for place in found.regions:
        _region_chain(elements, place.region)
        elements.edges.append(
            Edge(
                "IN_REGION",
                project_id,
                place.region.code,
                {"as_written": place.as_written, "field": place.field, **_provenance(place.source)},
            )
        )
    targets_cell = project.cells.get("targets")
    for number, target in enumerate(project.targets, start=1):
        target_id = f"{project_id}/t{number}"
        elements.nodes.append(
            Node(
                "Target",
                target_id,
                {
                    "text": target.text,
                    "metric": target.metric,
                    "comparator": target.comparator,
                    "comparator_text": target.comparator_text,
                    "value": None if target.value is None else format_wan(target.value),
                    "value_max": None if target.value_max is None else format_wan(target.value_max),
                    "unit": target.unit,
                    "item": target.item,
                    **_provenance(targets_cell),
                },
            )
        )
        elements.edges.append(Edge("HAS_TARGET", project_id, target_id, _provenance(targets_cell)))


def _whole(values: list[int | None]) -> list[int] | None:
    """A list property as Neo4j can hold it (no nulls): whole, or not at all — a .docx or PDF cell has no text line,
    and a list with gaps would no longer line up with text_amounts."""
    if any(v is None for v in values):
        return None
    return [v for v in values if v is not None]


def to_fen_or_none(amount: Decimal) -> int | None:
    try:
        return to_fen(amount)
    except ValueError:
        return None


def _organization(elements: GraphElements, canonical: str, as_written: str) -> None:
    reference = load_reference().orgs
    aliases = sorted({*reference.aliases.get(canonical, []), as_written} - {canonical})
    elements.nodes.append(
        Node(
            "Organization",
            org_id(canonical),
            {"name": canonical, "aliases": aliases, "kind": reference.kind(canonical)},
        )
    )


def _platform_props(canonical: str, platform: PlatformRef) -> Props:
    """A gazetteer platform, or one found by its form (``source: discovered``, with the confidence of its name)."""
    reference = load_reference().platforms
    # A generic word (平台, 系统平台, 协同办公平台) is never a name: a lookup of it must not resolve to one platform.
    named = {*reference.aliases.get(canonical, []), platform.as_written}
    aliases = sorted({a for a in named if not is_generic(a)} - {canonical})
    return {
        "name": canonical,
        "aliases": aliases,
        "owner": reference.owners.get(canonical),
        "source": platform.origin,
        "confidence": platform.confidence,
    }


def _region_chain(elements: GraphElements, region: Region) -> None:
    index = region_index()
    chain = [region, *region.ancestors(index)]
    for child, parent in itertools.pairwise(chain):
        elements.edges.append(Edge("PART_OF", child.code, parent.code))
    for place in chain:
        elements.nodes.append(Node("Region", place.code, {"name": place.name, "level": place.level}))


def _renames(elements: GraphElements) -> None:
    """Lineage between organisations this plan names: (old)-[:RENAMED_TO {date, source}]->(new)."""
    present = {n.props["name"] for n in elements.nodes if n.label == "Organization"}
    for rename in load_reference().orgs.renames:
        if rename.old in present or rename.new in present:
            _organization(elements, rename.old, rename.old)
            _organization(elements, rename.new, rename.new)
            elements.edges.append(
                Edge(
                    "RENAMED_TO", org_id(rename.old), org_id(rename.new), {"date": rename.date, "source": rename.source}
                )
            )


def check_against_schema(elements: GraphElements) -> None:
    """Refuse labels, types or properties the schema does not declare, before anything reaches a sink."""
    schema = load_schema()
    declared = {label: set(node.properties) for label, node in schema.nodes.items()}
    derived = set(schema.derived_labels()) | set(schema.derived_types())
    for node in elements.nodes:
        if node.label not in declared:
            schema.node(node.label)  # raises, naming the label
        if node.label in derived:
            raise SchemaError(f"{node.label} nodes are kept by the store, not written as elements")
        unknown = node.props.keys() - declared[node.label]
        if unknown:
            raise SchemaError(f"{node.label} has properties the schema does not declare: {sorted(unknown)}")
    for edge in elements.citations:
        rel = schema.relationship(edge.type)
        if rel.placeholder is None or set(edge.props) - set(rel.properties):
            raise SchemaError(f"{edge.type} is no citation the schema declares, or has undeclared properties")
    for edge in elements.edges:
        if edge.type in derived:
            raise SchemaError(f"{edge.type} relationships are kept by the store, not written as elements")
        unknown = edge.props.keys() - set(schema.relationship(edge.type).properties)
        if unknown:
            raise SchemaError(f"{edge.type} has properties the schema does not declare: {sorted(unknown)}")


def merge_nodes(nodes: Iterable[Node]) -> Iterator[Node]:
    """One node per (label, key), later properties filling in earlier ones (the same organisation twice in a plan)."""
    merged: dict[tuple[str, str], Props] = {}
    for node in nodes:
        props = merged.setdefault((node.label, node.key), {})
        for name, value in node.props.items():
            if isinstance(value, list) and isinstance(props.get(name), list):
                props[name] = sorted({*props[name], *value})
            elif value is not None or name not in props:
                props[name] = value
    for (label, key), props in merged.items():
        yield Node(label, key, props)
