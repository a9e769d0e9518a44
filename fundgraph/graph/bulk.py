"""Bulk load into an empty store: the graph elements written as CSV and imported by Neo4j's own offline importer
(``neo4j-admin database import full``), several times faster than transactions on a large corpus.

The graph is the one the transactional writer makes from the same files in the same order — the same nodes, keys,
labels, properties and relationships with their cells (load timestamps aside); ``tests/integration/test_bulk.py``
compares the two stores. To get there the writer's rules are followed, not approximated:

- documents are taken a group of about ``GROUP_PROJECTS`` projects at a time, as ``write_grouped`` does; within a
  group the nodes are merged as the writer merges a batch (:func:`merge_nodes`), and across groups a shared node
  (an organisation, a platform, a region) takes ``SET n += props`` — a value replaces, a null removes — with the
  schema's accumulating lists (aliases) only gaining values;
- relationships of projects are created, the others merged on their key, as the writer does;
- the Alias index the writer keeps is built from the final names and aliases.

This module writes the files and runs the importer; which documents go in, the server's stop and start and the
refused documents are the load's business (``fundgraph.loading.bulk_load``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from fundgraph.graph import tallies
from fundgraph.graph.elements import Edge, GraphElements, Node, merge_nodes
from fundgraph.graph.schema import Schema, load_schema
from fundgraph.graph.store import _group_edges
from fundgraph.localserver import LocalServer

# Lists in a cell are joined with the unit separator: no plan's text holds it (checked as rows are written).
ARRAY_DELIMITER = "\x1f"
# Nodes that exist once per plan: written as they come. Every other label is shared between plans and merged (a
# Document too: the plans of one file share it).
STREAMED = frozenset({"Plan", "Project", "Target"})
IMPORT_TIMEOUT_S = 6 * 3600


_SCALARS = {bool: "boolean", int: "long", float: "double", str: "string"}


def _neo4j_type(value: Any) -> str:
    scalar = _SCALARS.get(type(value))  # the common case first: a million projects pass through here
    if scalar is not None:
        return scalar
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        kinds = {_neo4j_type(v) for v in value}
        if len(kinds) != 1 or "[]" in next(iter(kinds)):
            raise ValueError(f"a list of {sorted(kinds)} cannot be imported")
        return kinds.pop() + "[]"
    raise ValueError(f"a {type(value).__name__} cannot be imported")


def _field(value: Any) -> str:
    """One CSV field as neo4j-admin reads it: null is an empty field, a string is always quoted (so that an empty
    string stays one), numbers and booleans bare."""
    if type(value) is str:
        return '"' + value.replace('"', '""') + '"'
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return _array([_field(v) if not isinstance(v, str) else v for v in value])
    return _quoted(str(value))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _array(parts: list[str]) -> str:
    """A list's field: its parts joined by the array delimiter, which none of them may hold."""
    joined = ARRAY_DELIMITER.join(parts)
    if joined.count(ARRAY_DELIMITER) != len(parts) - 1:
        raise ValueError("a list value holds the array delimiter U+001F")
    return _quoted(joined)


def _row(stem: str, columns: list[str], types: dict[str, str], ids: list[str], props: dict[str, Any]) -> str:
    r"""One line of an import file, noting each property's type in ``types`` (a property of two types is refused).
    Every node and relationship of a load passes through here, so strings and integers — nearly all values — are
    rendered inline (with a call per field, rendering was a sixth of a worker's profiled time).

    >>> types = {}
    >>> _row("node-Project", ["name", "amount_fen", "years", "note"], types, ['a"1'], {"name": 'x"y', "amount_fen": 5,
    ...      "years": [2023, 2024], "note": None})
    '"a""1","x""y",5,"2023\x1f2024",\n'
    >>> types
    {'name': 'string', 'amount_fen': 'long', 'years': 'long[]'}
    >>> _row("node-Platform", ["aliases"], {}, ["p"], {"aliases": ['a"b', "c"]})
    '"p","a""b\x1fc"\n'
    >>> _row("node-Platform", ["aliases"], {}, ["p"], {"aliases": ["a\x1fb"]})
    Traceback (most recent call last):
    ...
    ValueError: a list value holds the array delimiter U+001F
    >>> _row("node-Project", ["name", "amount_fen"], types, ["b"], {"name": "z", "amount_fen": "5"})
    Traceback (most recent call last):
    ...
    ValueError: node-Project.amount_fen is long and string
    """
    fields = ['"' + i.replace('"', '""') + '"' for i in ids]
    for name in columns:
        value = props.get(name)
        if type(value) is str:
            kind, text = "string", '"' + value.replace('"', '""') + '"'
        elif value is None:
            fields.append("")
            continue
        elif type(value) is int:
            kind, text = "long", repr(value)
        elif type(value) is list and value and all(type(v) is str for v in value):  # aliases, a tally's plans
            kind, text = "string[]", _array(value)
        else:
            kind, text = _neo4j_type(value), _field(value)
        held = types.get(name)
        if held is None:
            types[name] = kind
        elif held != kind:
            raise ValueError(f"{stem}.{name} is {held} and {kind}")
        fields.append(text)
    return ",".join(fields) + "\n"


@dataclass
class Chunk:
    """One plan's rows of one import file, rendered where the plan was read."""

    lines: list[str] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)


# The most characters one import file holds where a field spans lines. Neo4j 5.26's reader of such fields
# (`--multiline-fields-format=v2`) fails on a file longer than its 4 MiB read buffer ("found CR outside a text
# cell" at the buffer's end), and its older reader (`--multiline-fields=true`) reads every file line-blind, much
# slower. So rows where a field spans lines go into parts that fit the buffer (a UTF-8 character is at most 4 bytes:
# 1,000,000 characters are under 4 MiB), named as such; the importer sees a file's parts as one file. Rows read line
# by line are not cut: more parts make a slower import (docs/performance.md has the measurements).
PART_CHARS = 1_000_000


@dataclass
class _File:
    """One node label's or relationship type's rows: the data as it comes, in parts ending at a row's end — those
    where a field spans lines of at most ``part_chars`` characters (or one row), the others as long as they come —
    and the header (with the types seen) last."""

    path: Path  # the parts are path's stem, a part number and .csv
    columns: list[str]
    id_columns: list[str]  # the header's leading fields (:ID, or :START_ID and :END_ID)
    part_chars: int = PART_CHARS
    types: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    parts: list[Path] = field(default_factory=list)
    spanning: list[Path] = field(default_factory=list)  # the parts where a field spans lines
    handle: IO[str] | None = None
    held: int = 0  # characters in the open part

    def write(self, ids: list[str], props: dict[str, Any]) -> None:
        self._append([_row(self.path.stem, self.columns, self.types, ids, props)])

    def write_chunk(self, chunk: Chunk) -> None:
        for name, kind in chunk.types.items():
            held = self.types.setdefault(name, kind)
            if held != kind:
                raise ValueError(f"{self.path.stem}.{name} is {held} and {kind}")
        self._append(chunk.lines)

    def _append(self, lines: list[str]) -> None:
        if not lines:
            return
        text = "".join(lines)
        if self.handle is not None and (
            self.held + len(text) <= self.part_chars
            # Rows read line by line into a part read line by line: no limit.
            or not (self._open_part_spans() or _spans(text, len(lines)))
        ):
            self._write(text, len(lines))
            return
        # Row by row into parts; a row longer than a part gets a part of its own.
        start = 0
        size = 0
        for end, line in enumerate(lines):
            if self.handle is None or (self.held + size + len(line) > self.part_chars and self.held + size):
                if end > start:
                    self._write("".join(lines[start:end]), end - start)
                self._open()
                start, size = end, 0
            size += len(line)
        self._write("".join(lines[start:]), len(lines) - start)

    def _open(self) -> None:
        if self.handle is not None:
            self.handle.close()
        part = self.path.with_name(f"{self.path.stem}.{len(self.parts):05d}.csv")
        self.parts.append(part)
        self.handle = part.open("w", encoding="utf-8", newline="")
        self.held = 0

    def _write(self, text: str, rows: int) -> None:
        assert self.handle is not None
        self.handle.write(text)
        self.held += len(text)
        self.rows += rows
        if _spans(text, rows) and not self._open_part_spans():
            self.spanning.append(self.parts[-1])

    def _open_part_spans(self) -> bool:
        """Whether the part being written holds a field that spans lines (it is the last one named so)."""
        return bool(self.parts) and self.spanning[-1:] == self.parts[-1:]

    def close(self) -> Path | None:
        """Write the header next to the data; None when no row was written."""
        if self.handle is None:
            return None
        self.handle.close()
        header = self.id_columns + [f"{c}:{self.types.get(c, 'string')}" for c in self.columns]
        header_path = self.path.with_name(self.path.stem + ".header.csv")
        header_path.write_text(",".join(header) + "\n", encoding="utf-8")
        return header_path


def _spans(text: str, rows: int) -> bool:
    """Whether a field of these rows spans lines: each row ends in one line feed, any other line break is inside a
    quoted field."""
    return text.count("\n") != rows or "\r" in text


# A row as PASSED_DOWN_BY matches it: (project, the regions it is matched by, the bodies that applied for it, whether
# the row is to that body itself (its name is the body's), its ALLOCATES cell).
Allocation = tuple[str, tuple[str, ...], tuple[str, ...], bool, dict[str, Any]]


@dataclass(frozen=True)
class Rendered:
    """One plan as the import needs it, made in the worker that read it: the rows that are its own (its plan,
    projects and targets, and the relationships of its projects) already as CSV lines, which cross the process
    boundary as strings (unpickling the elements cost the loading process 0.16 ms a project, more than writing
    them); the nodes and relationships shared with other plans, which the loading process merges across plans; and
    its tallies."""

    path: str
    projects: int
    plan_id: str
    version: str
    chunks: dict[str, Chunk]  # import file stem (node-Project, rel-ALLOCATES …) -> this plan's rows
    shared: list[Node]
    links: list[Edge]
    tallies: tallies.Counter
    citations: list[Edge] = field(default_factory=list)  # the document's CITES, ended once all documents are read
    # Its rows as PASSED_DOWN_BY needs them, matched once all documents are read.
    allocations: list[Allocation] = field(default_factory=list)


def _node_columns(schema: Schema, label: str) -> list[str]:
    node = schema.node(label)
    return [p for p in node.properties if p != node.key]


def render(elements: GraphElements, path: str = "", projects: int = 0, schema: Schema | None = None) -> Rendered:
    """Split one plan's elements into the rows that are its alone, rendered, and what is merged across plans.

    A streamed node's key (plan, project, target) and a fresh relationship's project are this plan's, so merging
    them within the plan is merging them within any group of plans: ``merge_nodes`` and ``_group_edges`` over one
    plan give the rows that the same over a group gives for it."""
    schema = schema or load_schema()
    chunks: dict[str, Chunk] = {}
    columns: dict[str, list[str]] = {}  # a label's or type's columns, looked up once a plan, not once a row
    shared: list[Node] = []
    own: list[Node] = []
    for node in elements.nodes:
        (own if node.label in STREAMED else shared).append(node)
    # Merged here too (merging is associative: a group's merge of plans merged on their own is the same), so that
    # the loading process, the one serial step, merges a third as many.
    shared = list(merge_nodes(shared))
    for node in merge_nodes(own):
        chunk = chunks.setdefault(f"node-{node.label}", Chunk())
        if node.label not in columns:
            columns[node.label] = _node_columns(schema, node.label)
        chunk.lines.append(_row(f"node-{node.label}", columns[node.label], chunk.types, [node.key], node.props))
    links: list[Edge] = []
    for rel_type, grouped in _group_edges(elements.edges).items():
        rel = schema.relationship(rel_type)
        if not rel.fresh:
            links.extend(grouped)
            continue
        chunk = chunks.setdefault(f"rel-{rel_type}", Chunk())
        names = list(rel.properties)
        for edge in grouped:
            chunk.lines.append(_row(f"rel-{rel_type}", names, chunk.types, [edge.start, edge.end], edge.props))
    counter = tallies.Counter()
    counter.add(elements)
    return Rendered(
        path,
        projects,
        elements.plan_id,
        elements.version,
        chunks,
        shared,
        links,
        counter,
        list(elements.citations),
        _allocations(elements),
    )


_CELL = ("doc_id", "row", "col", "line", "page", "box", "confidence")


def _allocations(elements: GraphElements) -> list[Allocation]:
    """Each row's regions and applying bodies as store.link_passed_down matches them: a row to a body (its name is
    the body's as written) by the region it names itself only, and never by a region taken from its plan."""
    names = {node.key: node.props.get("name") for node in elements.nodes if node.label == "Project"}
    regions: dict[str, list[tuple[str, Any, Any]]] = {}
    orgs: dict[str, set[str]] = {}
    to_body: set[str] = set()
    for edge in elements.edges:
        if edge.type == "IN_REGION":
            regions.setdefault(edge.start, []).append((edge.end, edge.props.get("field"), edge.props.get("as_written")))
        elif edge.type == "APPLIED_FOR":
            orgs.setdefault(edge.end, set()).add(edge.start)
            if edge.props.get("as_written") == names.get(edge.end):
                to_body.add(edge.end)

    def matched(project: str) -> tuple[str, ...]:
        return tuple(
            sorted(
                {
                    code
                    for code, field_name, written in regions.get(project, [])
                    if field_name != "plan" and (project not in to_body or written == names.get(project))
                }
            )
        )

    return [
        (
            edge.end,
            matched(edge.end),
            tuple(sorted(orgs.get(edge.end, ()))),
            edge.end in to_body,
            {name: edge.props.get(name) for name in _CELL},
        )
        for edge in elements.edges
        if edge.type == "ALLOCATES"
    ]


class CsvGraph:
    """Graph elements, a group of documents at a time, as neo4j-admin import files in ``folder``."""

    def __init__(self, folder: Path, schema: Schema | None = None, part_chars: int | None = None) -> None:
        self.folder = folder
        self.part_chars = part_chars or PART_CHARS
        self.schema = schema or load_schema()
        self.node_files: dict[str, _File] = {}
        self.edge_files: dict[str, _File] = {}
        self.shared: dict[str, dict[str, dict[str, Any]]] = {}  # label -> key -> properties so far
        self.links: dict[tuple[str, str, str, Any], dict[str, Any]] = {}  # merged relationships
        self.documents: set[str] = set()
        self.tallies = tallies.Counter()
        self.placeholder_files: dict[str, _File] = {}
        self.citations: dict[tuple[str, str], dict[str, Any]] = {}  # (doc_id, cited key) -> properties
        self.wenhao: dict[str, str] = {}  # a notice's key -> the least doc_id of the documents that are it
        self.allocations: dict[str, list[Allocation]] = {}
        self.doc_plans: dict[str, list[str]] = {}  # doc_id -> its plans
        # doc_id -> (issuer regions, issuer orgs, whether the regions are guessed from a table's title)
        self.issuers: dict[str, tuple[list[str], list[str], bool]] = {}

    def _node_file(self, label: str) -> _File:
        if label not in self.node_files:
            node = self.schema.node(label)
            self.node_files[label] = _File(
                self.folder / f"node-{label}.csv",
                _node_columns(self.schema, label),
                [f"{node.key}:ID({label})"],
                self.part_chars,
            )
        return self.node_files[label]

    def _edge_file(self, rel_type: str) -> _File:
        if rel_type not in self.edge_files:
            rel = self.schema.relationship(rel_type)
            self.edge_files[rel_type] = _File(
                self.folder / f"rel-{rel_type}.csv",
                list(rel.properties),
                [f":START_ID({rel.start})", f":END_ID({rel.end})"],
                self.part_chars,
            )
        return self.edge_files[rel_type]

    def add_group(self, group: list[GraphElements]) -> None:
        """One transaction's worth of documents, as ``write_plans`` would write them into an empty store."""
        self.add_rendered([render(elements, schema=self.schema) for elements in group])

    def add_rendered(self, group: list[Rendered]) -> None:
        """One transaction's worth of documents, rendered plan by plan (:func:`render`)."""
        for plan in group:
            self.tallies.merge(plan.tallies)
            for edge in plan.citations:
                _set_plus(self.citations.setdefault((edge.start, edge.end), {}), edge.props, ())
            document = next((n for n in plan.shared if n.label == "Document"), None)
            if document is not None:
                self.doc_plans.setdefault(document.key, []).append(plan.plan_id)
                self.allocations.setdefault(document.key, []).extend(plan.allocations)
            for stem, chunk in plan.chunks.items():
                kind, name = stem.split("-", 1)
                (self._node_file(name) if kind == "node" else self._edge_file(name)).write_chunk(chunk)
        for node in merge_nodes([n for plan in group for n in plan.shared]):
            if node.label == "Document":
                if node.key in self.documents:
                    raise ValueError(f"document {node.key} in two groups")  # a document is never split
                self.documents.add(node.key)
                self._node_file(node.label).write([node.key], node.props)
                self.issuers[node.key] = (
                    list(node.props.get("issuer_regions") or []),
                    list(node.props.get("issuer_orgs") or []),
                    bool(node.props.get("issuer_guessed")),
                )
                key = node.props.get("wenhao_key")
                if key is not None:
                    self.wenhao[key] = min(self.wenhao.get(key, node.key), node.key)
            else:
                self._merge(node)
        for rel_type, grouped in _group_edges([edge for plan in group for edge in plan.links]).items():
            rel = self.schema.relationship(rel_type)
            for edge in grouped:
                identity = (rel_type, edge.start, edge.end, edge.props.get(rel.key) if rel.key else None)
                props = self.links.setdefault(identity, {})
                _set_plus(props, edge.props, ())

    def _write_citations(self) -> None:
        """Each citation to the Document of the cited key, as the writer ends it, else to the key's Notice
        placeholder: the graph a transactional load gives in any order."""
        rel = self.schema.relationship("CITES")
        assert rel.placeholder is not None
        placeholder = self.schema.node(rel.placeholder)
        to_placeholder = _File(
            self.folder / f"rel-CITES-{rel.placeholder}.csv",
            list(rel.properties),
            [f":START_ID({rel.start})", f":END_ID({rel.placeholder})"],
            self.part_chars,
        )
        notices: set[str] = set()
        for (start, key), props in self.citations.items():
            target = self.wenhao.get(key)
            if target is not None and target != start:
                self._edge_file("CITES").write([start, target], props)
                continue
            if key not in notices:  # named as its first citation writes it, as the writer's ON CREATE does
                notices.add(key)
                self._node_file(placeholder.label).write([key], {"wenhao": props.get("as_written")})
            to_placeholder.write([start, key], props)
        self.placeholder_files = {"CITES": to_placeholder}

    def _write_passed_down(self) -> None:
        """Each upper row allocating to the region or body that issues a loaded notice citing the upper one, to that
        notice's plans: the PASSED_DOWN_BY the writer keeps (store.link_passed_down), matched the same way."""
        passed: dict[tuple[str, str], dict[str, Any]] = {}
        for (lower, key), cited in sorted(self.citations.items()):
            upper = self.wenhao.get(key)
            if upper is None or upper == lower or lower not in self.issuers:
                continue
            regions, orgs, guessed = self.issuers[lower]
            found = []
            for project, in_regions, applicants, to_body, cell in self.allocations.get(upper, []):
                region = min(set(in_regions) & set(regions), default=None)
                org = min(set(applicants) & set(orgs), default=None)
                if region is not None or org is not None:
                    found.append((project, region, org, org is not None and to_body, cell))
            # A lower notice issued by a body the upper one allocates to directly passes on those rows only.
            if any(direct for *_, direct, _ in found):
                found = [f for f in found if f[3]]
            for project, region, org, _, cell in found:
                props = {
                    "matched_by": "organization" if org is not None else "title" if guessed else "region",
                    "match_key": org or region,
                    "cited_as": cited.get("as_written"),
                    "cited_line": cited.get("line"),
                    **cell,
                }
                for plan_id in self.doc_plans.get(lower, []):
                    passed[(project, plan_id)] = props
        for (project, plan_id), props in passed.items():
            self._edge_file("PASSED_DOWN_BY").write([project, plan_id], props)

    def _merge(self, node: Node) -> None:
        props = self.shared.setdefault(node.label, {}).setdefault(node.key, {})
        _set_plus(props, node.props, self.schema.node(node.label).accumulate)

    def finish(self) -> tuple[list[str], int, int]:
        """Write the shared nodes, the merged relationships and the Alias index; the importer's arguments and the
        numbers of nodes and relationships."""
        for label, nodes in self.shared.items():
            for key, props in nodes.items():
                self._node_file(label).write([key], props)
        for (rel_type, start, end, _), props in self.links.items():
            self._edge_file(rel_type).write([start, end], props)
        self._write_citations()
        self._write_passed_down()
        aliases: set[str] = set()
        for label, nodes in self.shared.items():
            lookup = self.schema.node(label).lookup
            if lookup is None:
                continue
            for key, props in nodes.items():
                for name in dict.fromkeys([props["name"], *(props.get("aliases") or [])]):
                    if name not in aliases:
                        aliases.add(name)
                        self._node_file("Alias").write([name], {})
                    self._edge_file(lookup).write([name, key], {})
        # The summaries the writer keeps, counted from the same elements (the store's schema step finds them there).
        for label, key, props in self.tallies.nodes():
            self._node_file(label).write([key], props)
        args: list[str] = []
        node_count = relationship_count = 0
        for label, node_file in self.node_files.items():
            header = node_file.close()
            if header is not None:
                args.append(f"--nodes={label}={','.join(map(str, [header, *node_file.parts]))}")
                node_count += node_file.rows
        for rel_type, edge_file in [*self.edge_files.items(), *self.placeholder_files.items()]:
            header = edge_file.close()
            if header is not None:
                args.append(f"--relationships={rel_type}={','.join(map(str, [header, *edge_file.parts]))}")
                relationship_count += edge_file.rows
        # Only the parts where a field spans lines (a project's targets, one per line, usually do) are read
        # line-blind (see PART_CHARS).
        files = [*self.node_files.values(), *self.edge_files.values(), *self.placeholder_files.values()]
        spanning = [str(part) for f in files for part in f.spanning]
        if spanning:
            args += ["--multiline-fields-format=v2", f"--multiline-fields={','.join(spanning)}"]
        return args, node_count, relationship_count


def _set_plus(props: dict[str, Any], new: dict[str, Any], accumulate: Iterable[str]) -> None:
    """``SET n += new`` with the writer's accumulating lists: a value replaces, a null removes, and an accumulating
    list keeps its old values and gains the new ones (an empty one is no property)."""
    kept = {name: list(props.get(name) or []) for name in accumulate}
    for name, value in new.items():
        if value is None:
            props.pop(name, None)
        else:
            props[name] = value
    for name, acc in kept.items():
        for value in new.get(name) or []:
            if value not in acc:
                acc.append(value)
        if acc:
            props[name] = acc
        else:
            props.pop(name, None)


def _at_file_arg(arg: str) -> str:
    r"""One argument as picocli reads it from an @file: in double quotes, backslashes and quotes escaped.

    >>> print(_at_file_arg('--nodes=Plan=/tmp/a b/"x"\\y.csv'))
    "--nodes=Plan=/tmp/a b/\"x\"\\y.csv"
    """
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def import_files(server: LocalServer, args: list[str], *, database: str = "neo4j", report: Path | None = None) -> str:
    """Run neo4j-admin's full import into ``server``'s (stopped) store; its output. The importer's report of bad
    entries goes to ``report`` (by default into the server's logs, not the working directory)."""
    return server.admin(
        "database",
        "import",
        "full",
        database,
        "--overwrite-destination=true",
        "--array-delimiter=U+001F",
        "--skip-duplicate-nodes=false",
        "--skip-bad-relationships=false",
        f"--report-file={report or server.home / 'logs' / 'import.report'}",
        timeout=IMPORT_TIMEOUT_S,
        at_file=[_at_file_arg(arg) for arg in args],
    )
