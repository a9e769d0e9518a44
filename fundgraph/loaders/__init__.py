"""Documents -> tables -> plan records. Nothing here imports neo4j.

>>> from fundgraph.loaders import SUPPORTED_SUFFIXES
>>> ".docx" in SUPPORTED_SUFFIXES
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from fundgraph.errors import EmptyTableError, Location, ParseError
from fundgraph.loaders.cells import RawDocument, TextLine
from fundgraph.loaders.model import Plan
from fundgraph.loaders.plan import build_plans, find_headers, prose_total
from fundgraph.loaders.readers.boxdraw import looks_like_box_drawing, read_box_drawing
from fundgraph.loaders.readers.csv_reader import read_csv
from fundgraph.loaders.readers.decoding import decode_text
from fundgraph.loaders.readers.docx_reader import read_docx
from fundgraph.loaders.readers.glued import looks_glued, read_glued
from fundgraph.loaders.readers.html_reader import looks_like_html, read_html
from fundgraph.loaders.readers.prose import read_prose
from fundgraph.loaders.readers.streams import read_cell_stream
from fundgraph.loaders.readers.text_tables import (
    looks_like_pipe_table,
    looks_like_space_separated,
    read_pipe_table,
    read_space_separated,
)
from fundgraph.loaders.readers.word_text import looks_like_word_text, read_word_text
from fundgraph.loaders.readers.xlsx_reader import read_xlsx
from fundgraph.loaders.roles import vocabulary

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".docx", ".xlsx", ".csv", ".tsv")

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Plan",
    "parse_bytes",
    "parse_path",
    "parse_plans",
    "plans_from_bytes",
    "read_document",
]


def max_document_bytes() -> int:
    from fundgraph.config import get_settings

    return int(get_settings().max_document_mb * 1024 * 1024)


TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm", ""})


def _doc_id(data: bytes, path: str) -> str:
    """The document's content hash, once its size is checked."""
    limit = max_document_bytes()
    if len(data) > limit:
        raise ParseError(
            f"the file is {len(data) / 1048576:.0f} MiB, larger than any allocation plan; fundgraph reads files up "
            f"to {limit / 1048576:.0f} MiB (set FUNDGRAPH_MAX_DOCUMENT_MB to raise the limit)",
            Location(path),
        )
    return hashlib.sha256(data).hexdigest()


def read_document(data: bytes, path: str) -> RawDocument:
    """Pick the reader by the file's suffix (and, for text, by its layout) and read the tables out of it."""
    doc_id = _doc_id(data, path)
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return read_docx(data, path, doc_id)
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(data, path, doc_id)
    if suffix in {".csv", ".tsv"}:
        return read_csv(data, path, doc_id)
    if suffix in TEXT_SUFFIXES:
        return read_text(decode_text(data, path)[0], path, doc_id)
    raise ParseError(
        f"unsupported file type {suffix!r}; fundgraph reads {', '.join(SUPPORTED_SUFFIXES)}", Location(path)
    )


def read_text(text: str, path: str, doc_id: str) -> RawDocument:
    """The first reading of a text that holds a table (see :func:`text_readings`)."""
    for document in text_readings(text, path, doc_id):
        if find_headers(document):
            return document
    raise _no_table(path)


def text_readings(text: str, path: str, doc_id: str) -> list[RawDocument]:
    """Every layout's reading of a text, most specific first: a copied page can look like several layouts at once
    (a pipe-separated metadata block above a one-cell-per-line table), so each is tried and the plans compared."""
    lines = text.splitlines()
    if looks_like_html(text):
        return [read_html(text, path, doc_id)]
    if looks_like_word_text(text):
        return [read_word_text(text, path, doc_id)]
    readings: list[RawDocument] = []
    if looks_like_box_drawing(lines):
        readings.append(read_box_drawing(text, path, doc_id))
    if looks_like_pipe_table(lines):
        readings.append(read_pipe_table(text, path, doc_id))
    readings.append(read_cell_stream(text, path, doc_id, vocabulary().total_labels))
    if looks_like_space_separated(lines):
        readings.append(read_space_separated(text, path, doc_id))
    if looks_glued(lines):
        found = prose_total([TextLine(line, line=n) for n, line in enumerate(lines, start=1)])
        readings.append(read_glued(text, path, doc_id, vocabulary().total_labels, found[0] if found else None))
    readings.append(read_prose(text, path, doc_id))
    return readings


def _no_table(path: str) -> ParseError:
    return ParseError(
        "no table found: none of the text layouts fundgraph reads (Word text export, pipe table, one cell per "
        "line, space-separated rows, HTML) holds a header with a project and an amount column",
        Location(path),
    )


@dataclass(frozen=True)
class Reading:
    """The reading chosen for a document, its plans, and what the other readings gave (for --explain)."""

    document: RawDocument
    plans: list[Plan]
    others: list[str]


def read_plans(data: bytes, path: str) -> Reading:
    """Every plan a document holds (one per table), from the reading whose plans are most faithful.

    Readings are compared by whether their rows add up to the totals they state, then by the order of
    :func:`text_readings`. The error of the first reading that found a header is raised when none gives a plan.
    """
    if Path(path).suffix.lower() not in TEXT_SUFFIXES:
        document = read_document(data, path)
        return Reading(document, build_plans(document), [])
    doc_id = _doc_id(data, path)
    text = decode_text(data, path)[0]
    best: tuple[tuple[int, int], RawDocument, list[Plan]] | None = None
    first_error: ParseError | None = None
    empty_error: ParseError | None = None
    others: list[str] = []
    for priority, reading in enumerate(text_readings(text, path, doc_id)):
        if reading.format.startswith("prose") and (best is not None or first_error is not None):
            break  # prose is read only where no table is found: a table (or its error) is better evidence
        if not find_headers(reading):
            others.append(f"{reading.format}: no header naming something funded and money")
            continue
        try:
            plans = build_plans(reading)
        except EmptyTableError as error:
            others.append(f"{reading.format}: {error.message}")
            empty_error = empty_error or error
            continue
        except ParseError as error:
            others.append(f"{reading.format}: {error.message}")
            first_error = first_error or error
            continue
        reconciled = all(p.stated_total is not None and p.stated_total == p.computed_total for p in plans)
        others.append(f"{reading.format}: {len(plans)} plan(s), {'' if reconciled else 'not '}reconciled")
        score = (1 if reconciled else 0, -priority)
        if best is None or score > best[0]:
            best = (score, reading, plans)
    if best is not None:
        return Reading(best[1], best[2], others)
    raise first_error or empty_error or _no_table(path)


def plans_from_bytes(data: bytes, path: str) -> list[Plan]:
    return read_plans(data, path).plans


def parse_bytes(data: bytes, path: str) -> Plan:
    plans = plans_from_bytes(data, path)
    if len(plans) > 1:
        raise ParseError(
            f"the document holds {len(plans)} tables, one plan each; read it with parse_plans", Location(path)
        )
    return plans[0]


def read_file(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror}", Location(str(path))) from exc


def parse_path(path: str | Path) -> Plan:
    """Read and interpret a document holding one table; raises ParseError naming file, row and column on bad input."""
    return parse_bytes(read_file(path), str(path))


def parse_plans(path: str | Path) -> list[Plan]:
    """Every plan in a document: one per table."""
    return plans_from_bytes(read_file(path), str(path))
