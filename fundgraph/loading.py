"""The one load pipeline: files -> plans -> graph elements -> Neo4j, for the CLI, notebooks and the bench alike.

Policy lives here and nowhere else: every file is checked before anything is written (one bad file loads nothing),
documents are parsed again when written so memory holds a few at a time, parsing runs ahead in worker processes for
large loads, and new plans are written a group (about :data:`GROUP_PROJECTS` projects) to a transaction. A document
holding several tables loads as several plans, together.

>>> expand([]) == []
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from neo4j import Driver

from fundgraph.errors import FundgraphError, Location, ParseError
from fundgraph.io.store import WriteResult, apply_schema, finish_load, write_plans
from fundgraph.loaders import SUPPORTED_SUFFIXES, parse_plans
from fundgraph.loaders.entities import extract_entities
from fundgraph.mapping.elements import GraphElements, plan_elements
from fundgraph.prefetch import map_ahead

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

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "plan_id": self.plan_id,
            "version": self.version,
            "status": self.status,
            "projects": self.projects,
            "problems": self.problems,
            **self.counters,
        }


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


def _check_file(file: Path, accept_unverified: bool = False) -> str | None:
    """Read a file (in a worker): None if it reads, else its error's text."""
    try:
        parse_plans(file, accept_unverified=accept_unverified)
    except FundgraphError as exc:
        # The caller reads the file again to raise the error: errors carry their location, which does not cross a
        # process boundary intact.
        return str(exc) or type(exc).__name__
    return None


def prepare_file(file: Path, accept_unverified: bool = False) -> list[Prepared] | None:
    """Read a file and build each of its plans' graph elements (in a worker); None if it no longer reads."""
    try:
        plans = parse_plans(file, accept_unverified=accept_unverified)
    except FundgraphError:
        return None
    # parse -> entities -> graph elements: each stage on its own, the entities a stage anyone can call and test.
    return [
        Prepared(p.path, len(p.projects), [x.code for x in p.problems], plan_elements(p, extract_entities(p)))
        for p in plans
    ]


def check_paths(
    files: Sequence[Path], *, workers: int, on_progress: Progress | None = None, accept_unverified: bool = False
) -> None:
    """Raise the first file's error (with its location) before anything is written."""
    check = partial(_check_file, accept_unverified=accept_unverified)
    for done, (file, failed) in enumerate(
        zip(files, map_ahead(check, files, workers, depth=8 * workers), strict=True), start=1
    ):
        if failed:
            parse_plans(file, accept_unverified=accept_unverified)  # again here, to raise its error with its location
        if on_progress:
            on_progress("checking", done, len(files))


def write_grouped(
    driver: Driver,
    documents: Iterable[list[Prepared]],
    on_written: Callable[[list[Prepared], list[WriteResult]], None] | None = None,
) -> None:
    """Write documents a group of about GROUP_PROJECTS projects at a time; a document's plans share its group, so
    a document is written whole or not at all. The platforms' rows over all years the groups touch are counted once,
    at the end (until then they are marked stale, and read as such)."""
    group: list[Prepared] = []

    def flush() -> None:
        written = write_plans(driver, [p.elements for p in group], regroup=False)
        if on_written:
            on_written(list(group), written)
        group.clear()

    for plans in documents:
        group.extend(plans)
        if sum(p.projects for p in group) >= GROUP_PROJECTS:
            flush()
    if group:
        flush()
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
) -> list[LoadResult]:
    """Check every file, then load each document's plans; raises ParseError (nothing written) on a bad file.
    ``accept_unverified`` lets scans with no stated total through, marked ``ocr_unverified``."""
    files = expand(paths)
    if not files:
        raise ParseError("no plan files found", Location(", ".join(str(p) for p in paths)))
    workers = workers or workers_for(len(files))
    check_paths(files, workers=workers, on_progress=on_progress, accept_unverified=accept_unverified)
    apply_schema(driver)
    results: list[LoadResult] = []
    documents_done = 0

    def record(group: list[Prepared], written: list[WriteResult]) -> None:
        nonlocal documents_done
        for item, result in zip(group, written, strict=True):
            results.append(
                LoadResult(
                    item.path,
                    result.plan_id,
                    result.version,
                    result.status,
                    item.projects,
                    item.problems,
                    dict(result.counters),
                )
            )
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
            yield prepared

    write_grouped(driver, documents(), record)
    return results
