"""The loads: files -> plans -> graph elements -> Neo4j, for the CLI, notebooks and the bench alike, written through
transactions (:func:`load_paths`) or, into an empty local store, as files for Neo4j's offline importer
(:func:`bulk_load`).

Policy lives here and nowhere else: every file is checked before anything is written; a file that does not read is
refused and the others load (``strict``: one refused file loads nothing), the refused kept as Document nodes with
their error; documents are parsed again when written so memory holds a few at a time, parsing runs ahead in worker
processes for large loads, and new plans are written a group (about :data:`GROUP_PROJECTS` projects) to a
transaction. A document holding several tables loads as several plans, together, and its status is its worst
plan's (fundgraph.loaders.model.Plan.status). A bulk load groups documents the same way, so that shared nodes see
the same sequence of writes; a plan that comes twice with the same rows is loaded once (the writer reports the
second ``unchanged``), and a plan that comes in two versions is refused — its history only a transactional load can
write. The import files and the importer's call are the graph's (``fundgraph.graph.bulk``).

>>> expand([]) == []
True
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from neo4j import Driver

from fundgraph.config import Settings, get_settings
from fundgraph.errors import FundgraphError, Location, ParseError, StoreNotEmpty
from fundgraph.graph import archive
from fundgraph.graph.bulk import CsvGraph, Rendered, import_files, render
from fundgraph.graph.elements import GraphElements, plan_elements
from fundgraph.graph.store import WriteResult, apply_schema, finish_load, record_refused, write_plans
from fundgraph.loaders import SUPPORTED_SUFFIXES, parse_plans, plans_from_bytes, read_file
from fundgraph.loaders.entities import extract_entities
from fundgraph.loaders.model import Plan, worst_status
from fundgraph.loaders.recipes import Recipe
from fundgraph.localserver import LocalServer
from fundgraph.prefetch import collect_less, collecting_less, map_ahead
from fundgraph.vocabularies import render as render_message

# New plans are written this many projects to a transaction: commits, not rows, are what a bulk load waits on.
GROUP_PROJECTS = 2_000
# Documents parsed ahead of the writer (a few groups' worth at most: memory stays bounded).
PREFETCH_DOCUMENTS = 64
# Below this many files a load reads them in a thread: starting worker processes costs about a second.
PARALLEL_FROM_FILES = 64

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True)
class Prepared:
    """A plan ready to write: what the report needs of it, and its graph elements."""

    path: str
    projects: int
    problems: list[str]
    elements: GraphElements
    status: str = "verified"


@dataclass(frozen=True)
class LoadResult:
    """What a load did with one plan of one document."""

    path: str
    plan_id: str
    version: str
    status: str
    projects: int
    problems: list[str]
    counters: dict[str, int] = field(default_factory=dict)
    reading: str = "verified"  # the plan's status: verified, unverified or problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "reading": self.reading,
            "plan_id": self.plan_id,
            "version": self.version,
            "status": self.status,
            "projects": self.projects,
            "problems": self.problems,
            **self.counters,
        }


@dataclass(frozen=True)
class Refused:
    """A document that does not read: nothing of it is loaded; it is kept as a ``refused`` Document node."""

    path: str
    doc_id: str | None
    error: str  # in English
    # The error as a message (``{code, args}``: ParseError.as_message), for a reader in zh or en; None for an error
    # given only as English text.
    refusal: dict[str, Any] | None = None

    @classmethod
    def of(cls, file: Path, error: FundgraphError) -> Refused:
        refusal = error.as_message() if isinstance(error, ParseError) else None
        return cls(str(file), content_id(file), str(error) or type(error).__name__, refusal)

    def as_dict(self) -> dict[str, Any]:
        shown = {"path": self.path, "status": "refused", "doc_id": self.doc_id, "error": self.error}
        return shown | ({"refusal": self.refusal} if self.refusal is not None else {})

    def text(self, lang: str = "en") -> str:
        """The error in ``en`` or ``zh`` (English where it is not a message)."""
        return self.error if self.refusal is None else render_message(self.refusal["code"], self.refusal["args"], lang)


@dataclass
class LoadReport:
    """What a load did: the plans written, and the documents refused (each whole: none of a refused one is
    written)."""

    loaded: list[LoadResult] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.loaded] + [r.as_dict() for r in self.refused]


def expand(paths: Iterable[Path | str]) -> list[Path]:
    """Files, and the readable files under folders (sorted), in the order given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    return files


def workers_for(files: int) -> int:
    """Worker processes for a load: the machine's cores for a large one, none (a thread) for a few files."""
    return (os.cpu_count() or 1) if files >= PARALLEL_FROM_FILES else 1


def _check_file(file: Path, accept_unverified: bool = False) -> tuple[str, dict[str, Any] | None] | None:
    """Read a file (in a worker): None if it reads, else its error's text and its message (None where it has none)."""
    try:
        parse_plans(file, accept_unverified=accept_unverified)
    except FundgraphError as exc:
        # The caller reads the file again to raise the error: errors carry their location, which does not cross a
        # process boundary intact.
        return str(exc) or type(exc).__name__, exc.as_message() if isinstance(exc, ParseError) else None
    return None


def prepare_file(file: Path, accept_unverified: bool = False, archived: Path | None = None) -> list[Prepared] | None:
    """Read a file and build each of its plans' graph elements (in a worker); None if it no longer reads. With
    ``archived``, the bytes it read go into that archive here, so that the loading process never reads them again
    (and the archive holds exactly the bytes the plans were read from)."""
    try:
        data = read_file(file)
        plans = plans_from_bytes(data, str(file), accept_unverified=accept_unverified)
    except FundgraphError:
        return None
    if archived is not None:
        archive.keep(archived, data)
    return prepare_plans(plans)


def prepare_plans(plans: Sequence[Plan]) -> list[Prepared]:
    """A document's plans as graph elements, each carrying the document's status (its worst plan's)."""
    # parse -> entities -> graph elements: each stage on its own, the entities a stage anyone can call and test.
    prepared = [
        Prepared(p.path, len(p.projects), [x.code for x in p.problems], plan_elements(p, extract_entities(p)), p.status)
        for p in plans
    ]
    document = worst_status(p.status for p in plans)
    for item in prepared:
        for node in item.elements.nodes:
            if node.label == "Document":
                node.props["status"] = document
    return prepared


def check_paths(
    files: Sequence[Path],
    *,
    workers: int,
    on_progress: Progress | None = None,
    accept_unverified: bool = False,
    strict: bool = False,
) -> list[Refused]:
    """Read every file before anything is written: the files that do not read, with their errors; ``strict``
    raises the first one's error (with its location) instead."""
    check = partial(_check_file, accept_unverified=accept_unverified)
    refused: list[Refused] = []
    for done, (file, failed) in enumerate(
        zip(files, map_ahead(check, files, workers, depth=8 * workers), strict=True), start=1
    ):
        if failed:
            if strict:
                parse_plans(file, accept_unverified=accept_unverified)  # again here, to raise it with its location
            refused.append(Refused(str(file), content_id(file), *failed))
        if on_progress:
            on_progress("checking", done, len(files))
    return refused


def content_id(file: Path) -> str | None:
    """A refused document's doc_id (the sha256 of its bytes), None for a file that cannot be read at all."""
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return None


def keep_refused(
    driver: Driver, refused: Sequence[Refused], database: str | None = None, archived: Path | None = None
) -> None:
    """Refused documents as Document nodes (status ``refused``, their error), so that they can be listed, and their
    bytes in the archive, so that they can be read later."""
    when = datetime.now(UTC).isoformat(timespec="seconds")
    folder = archived or get_settings().archive_folder
    for r in refused:
        if r.doc_id is not None:
            archive.keep_file(folder, Path(r.path), r.doc_id)
    rows = [
        {
            "doc_id": r.doc_id,
            "path": r.path,
            "format": Path(r.path).suffix.lstrip(".").lower() or "text",
            # By base name: the API shows the error, and where the file lies is the loading machine's business.
            "error": r.error.replace(r.path, Path(r.path).name),
            "refusal": None if r.refusal is None else json.dumps(_by_name(r.refusal, r.path), ensure_ascii=False),
            "loaded_at": when,
        }
        for r in refused
        if r.doc_id is not None
    ]
    record_refused(driver, rows, database)


def _by_name(refusal: dict[str, Any], path: str) -> dict[str, Any]:
    """A refusal that names its file by its base name, as the kept error does."""
    args = refusal["args"]
    if args.get("path") != path:
        return refusal
    return {**refusal, "args": {**args, "path": Path(path).name}}


def write_grouped(
    driver: Driver,
    documents: Iterable[list[Prepared]],
    on_written: Callable[[list[Prepared], list[WriteResult]], None] | None = None,
) -> None:
    """Write documents a group of about GROUP_PROJECTS projects at a time; a document's plans share its group, so
    a document is written whole or not at all. The platforms' rows over all years the groups touch are counted once,
    at the end (until then they are marked stale, and read as such)."""
    for group in groups(documents, GROUP_PROJECTS):
        written = write_plans(driver, [p.elements for p in group], regroup=False)
        if on_written:
            on_written(group, written)
    finish_load(driver)


def prepared_from(elements: GraphElements) -> Prepared:
    """Graph elements built elsewhere (the bench builds them before timing the write) as a plan to write."""
    projects = sum(1 for node in elements.nodes if node.label == "Project")
    return Prepared(elements.plan_id, projects, [], elements)


def load_paths(
    driver: Driver,
    paths: Iterable[Path | str],
    *,
    workers: int | None = None,
    on_progress: Progress | None = None,
    accept_unverified: bool = False,
    strict: bool = False,
    archived: Path | None = None,
) -> LoadReport:
    """Check every file, then load each document that reads, its plans together; the others are refused (kept as
    ``refused`` Document nodes). ``strict`` raises the first refused file's ParseError instead, with nothing
    written. ``accept_unverified`` lets scans with no stated total through, marked ``ocr_unverified``. Every
    document's bytes go into the archive (``archived``, else the settings') before any plan of it is written."""
    folder = archived or get_settings().archive_folder
    files = expand(paths)
    if not files:
        raise ParseError.of("no_files", Location(", ".join(str(p) for p in paths)))
    workers = workers or workers_for(len(files))
    report = LoadReport()
    report.refused = check_paths(
        files, workers=workers, on_progress=on_progress, accept_unverified=accept_unverified, strict=strict
    )
    apply_schema(driver)
    keep_refused(driver, report.refused, archived=folder)
    refused = {r.path for r in report.refused}
    files = [f for f in files if str(f) not in refused]
    results = report.loaded
    documents_done = 0

    def record(group: list[Prepared], written: list[WriteResult]) -> None:
        nonlocal documents_done
        for item, result in zip(group, written, strict=True):
            results.append(_loaded(item, result))
        documents_done = len({r.path for r in results})
        if on_progress:
            on_progress("loading", documents_done, len(files))

    def documents() -> Iterable[list[Prepared]]:
        # Parsing and extraction run ahead in other processes while this one waits on Neo4j.
        prepare = partial(prepare_file, accept_unverified=accept_unverified)
        ahead = map_ahead(prepare, files, max(1, workers - 1), depth=PREFETCH_DOCUMENTS)
        for file, prepared in zip(files, ahead, strict=True):
            if prepared is None:
                parse_plans(file, accept_unverified=accept_unverified)  # changed since the check: raise it here
                continue
            if prepared and archive.keep_file(folder, file, prepared[0].elements.doc_id) is None:
                raise ParseError.of("changed_while_loaded", Location(str(file)))
            yield prepared

    write_grouped(driver, documents(), record)
    return report


def _loaded(item: Prepared, result: WriteResult) -> LoadResult:
    """What a written plan reports: the reading's side (path, projects, problems, status) and the store's."""
    return LoadResult(
        item.path,
        result.plan_id,
        result.version,
        result.status,
        item.projects,
        item.problems,
        dict(result.counters),
        item.status,
    )


def load_bytes(
    driver: Driver,
    data: bytes,
    path: str,
    *,
    recipe: Recipe | None = None,
    archived: Path | None = None,
) -> LoadReport:
    """One document given as its bytes (the review desk's, from the archive), under the path it was first loaded
    from, read with ``recipe`` when given: kept in the archive, then its plans written together. A document that
    does not read raises its ParseError, and nothing is written."""
    plans = plans_from_bytes(data, path, recipe=recipe)
    prepared = prepare_plans(plans)
    folder = archived or get_settings().archive_folder
    if archive.keep(folder, data) != prepared[0].elements.doc_id:
        raise ParseError.of("bytes_differ", Location(path))
    apply_schema(driver)
    report = LoadReport()

    def record(group: list[Prepared], written: list[WriteResult]) -> None:
        for item, result in zip(group, written, strict=True):
            report.loaded.append(_loaded(item, result))

    write_grouped(driver, [prepared], record)
    return report


def groups(documents: Iterable[list[Any]], size: int) -> Iterator[list[Any]]:
    """Documents (each a list of plans with ``projects``) a group of about ``size`` projects at a time, as the
    transactional load groups them."""
    group: list[Any] = []
    for plans in documents:
        group.extend(plans)
        if sum(p.projects for p in group) >= size:
            yield group
            group = []
    if group:
        yield group


# The bulk load.


@dataclass
class BulkResult:
    plans: int = 0
    documents: int = 0  # the documents read and loaded (a document with several tables gives several plans)
    projects: int = 0
    skipped: list[str] = field(default_factory=list)  # paths of plans loaded twice with the same rows
    refused: list[Refused] = field(default_factory=list)  # documents that do not read: none of them is loaded
    backup: str | None = None  # where the store this load replaced was backed up
    nodes: int = 0
    relationships: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    # CPU seconds (user and system) of the prepare step: the worker processes' and this process's own (one worker
    # is a thread of this process: all its CPU is the loader's). With the cores, they say how far the step is from
    # its floor and which side holds it back.
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "plans": self.plans,
            "documents": self.documents,
            "projects": self.projects,
            "skipped": self.skipped,
            "refused": [r.as_dict() for r in self.refused],
            "backup": self.backup,
            "nodes": self.nodes,
            "relationships": self.relationships,
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "cpu_seconds": {k: round(v, 2) for k, v in self.cpu_seconds.items()},
        }


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def prepare_rendered(
    file: Path, accept_unverified: bool = False, archived: Path | None = None
) -> list[Rendered] | None:
    """Read a file, keep its bytes in ``archived`` and render each of its plans for the import (in a worker); None if
    it no longer reads."""
    prepared = prepare_file(file, accept_unverified=accept_unverified, archived=archived)
    if prepared is None:
        return None
    return [render(p.elements, p.path, p.projects) for p in prepared]


def bulk_load(
    server: LocalServer,
    driver_for: Callable[[LocalServer], Any],
    paths: Iterable[Path | str],
    *,
    workers: int | None = None,
    replace: bool = False,
    accept_unverified: bool = False,
    on_progress: Callable[[str, int, int], None] | None = None,
    database: str = "neo4j",
    strict: bool = False,
    backup_into: Path | None = None,
    archived: Path | None = None,
    settings: Settings | None = None,
) -> BulkResult:
    """Build the graph elements on every core, write them as CSV, stop the server, import, start it and apply the
    schema. Refuses a store that holds data unless ``replace``. A file that does not read is refused (listed, kept
    as a ``refused`` Document) and the others load; ``strict`` raises its error (with its location) before the
    store is touched. With ``replace`` and ``backup_into``, the store it replaces is backed up there first
    (fundgraph.backup). Every document's bytes go into the archive."""
    folder = archived or get_settings().archive_folder
    files = expand(paths)
    if not files:
        raise ParseError.of("no_files", Location(", ".join(str(p) for p in paths)))
    workers = workers or os.cpu_count() or 1
    result = BulkResult()
    # No separate pass that reads every file first (the transactional load has one, so that nothing is written
    # until all read): here nothing reaches the store before the import, and a file that does not read stops the
    # load while the elements are still scratch files.
    if server.pid() is None:
        server.start()
    driver = driver_for(server)
    try:
        records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database)
        held = int(records[0]["n"])
    finally:
        driver.close()
    if held and not replace:
        raise StoreNotEmpty(
            f"the store holds {held:,} nodes; a bulk load builds a new store: pass --replace to discard them, or "
            "load transactionally (`fundgraph load` without --bulk) to add to them"
        )
    if held and backup_into is not None:
        from fundgraph.backup import backup

        backup(server, driver_for, backup_into, settings or get_settings())
        result.backup = str(backup_into)
    import_dir = server.home / "import"
    import_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bulk-", dir=import_dir) as scratch:
        started = time.perf_counter()
        own, workers_cpu = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        csv = CsvGraph(Path(scratch))
        seen: dict[str, tuple[str, str]] = {}  # plan_id -> (version, path)
        prepare = partial(prepare_rendered, accept_unverified=accept_unverified, archived=folder)

        skipped: set[int] = set()  # the plans loaded before with the same rows (the writer: `unchanged`)

        def documents() -> Iterator[list[Rendered]]:
            for done, (file, prepared) in enumerate(
                zip(files, map_ahead(prepare, files, workers, 8 * workers, collect_less), strict=True), start=1
            ):
                if prepared is None:
                    # Read again here, for its error with its location (errors do not cross a process boundary
                    # intact).
                    try:
                        parse_plans(file, accept_unverified=accept_unverified)
                    except FundgraphError as exc:
                        if strict:
                            raise
                        result.refused.append(Refused.of(file, exc))
                        continue
                    raise ParseError.of("changed_while_read", Location(str(file)))
                for plan in prepared:
                    earlier = seen.get(plan.plan_id)
                    if earlier is None:
                        seen[plan.plan_id] = (plan.version, plan.path)
                    elif earlier[0] == plan.version:
                        skipped.add(id(plan))
                        result.skipped.append(plan.path)
                    else:
                        where = Location(plan.path)
                        raise ParseError.of("two_versions", where, plan=plan.plan_id, earlier=earlier[1])
                result.documents += 1
                if on_progress:
                    on_progress("preparing", done, len(files))
                yield prepared

        # Grouped as the transactional load groups them (plans loaded twice included), so that a shared node
        # sees the same sequence of `SET +=` in both.
        with collecting_less():
            for group in groups(documents(), GROUP_PROJECTS):
                fresh = [p for p in group if id(p) not in skipped]
                csv.add_rendered(fresh)
                result.plans += len(fresh)
                result.projects += sum(p.projects for p in fresh)
            args, result.nodes, result.relationships = csv.finish()
        if not result.plans and result.refused:
            # Nothing reads: the store is left as it is rather than replaced by an empty one.
            first = result.refused[0]
            where = Location(", ".join(str(p) for p in paths))
            raise ParseError.of("nothing_read", where, count=len(result.refused), first=first.refusal or first.error)
        result.seconds["prepare"] = time.perf_counter() - started
        # The workers have been waited for (the pool shuts down when the documents run out), so their CPU is in
        # this process's children's.
        result.cpu_seconds["prepare_workers"] = _cpu(resource.RUSAGE_CHILDREN) - workers_cpu
        result.cpu_seconds["prepare_loader"] = _cpu(resource.RUSAGE_SELF) - own
        started = time.perf_counter()
        server.stop()
        try:
            import_files(server, args, database=database)
        except BaseException:
            server.start()  # the server comes back either way; a failed import leaves the store it had
            raise
        result.seconds["import"] = time.perf_counter() - started
    started = time.perf_counter()
    server.start()
    driver = driver_for(server)
    try:
        apply_schema(driver, database, upgrade=False)  # the import wrote the tallies and the Alias index
        keep_refused(driver, result.refused, database, archived=folder)
    finally:
        driver.close()
    result.seconds["schema"] = time.perf_counter() - started
    return result
