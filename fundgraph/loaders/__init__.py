"""Documents -> tables -> plan records. Nothing here imports neo4j.

>>> from fundgraph.loaders import SUPPORTED_SUFFIXES
>>> ".docx" in SUPPORTED_SUFFIXES
True
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import RawDocument
from fundgraph.loaders.model import Plan
from fundgraph.loaders.plan import build_plan
from fundgraph.loaders.readers.csv_reader import read_csv
from fundgraph.loaders.readers.decoding import decode_text
from fundgraph.loaders.readers.docx_reader import read_docx
from fundgraph.loaders.readers.html_reader import looks_like_html, read_html
from fundgraph.loaders.readers.text_tables import (
    looks_like_cell_per_line,
    looks_like_pipe_table,
    looks_like_space_separated,
    read_cell_per_line,
    read_pipe_table,
    read_space_separated,
)
from fundgraph.loaders.readers.word_text import looks_like_word_text, read_word_text
from fundgraph.loaders.readers.xlsx_reader import read_xlsx

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".docx", ".xlsx", ".csv", ".tsv")

__all__ = ["SUPPORTED_SUFFIXES", "Plan", "parse_bytes", "parse_path", "read_document"]


def max_document_bytes() -> int:
    return int(float(os.environ.get("FUNDGRAPH_MAX_DOCUMENT_MB", "64")) * 1024 * 1024)


def read_document(data: bytes, path: str) -> RawDocument:
    """Pick the reader by the file's suffix (and, for text, by its layout) and read the tables out of it."""
    limit = max_document_bytes()
    if len(data) > limit:
        raise ParseError(
            f"the file is {len(data) / 1048576:.0f} MiB, larger than any allocation plan; fundgraph reads files up "
            f"to {limit / 1048576:.0f} MiB (set FUNDGRAPH_MAX_DOCUMENT_MB to raise the limit)",
            Location(path),
        )
    doc_id = hashlib.sha256(data).hexdigest()
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return read_docx(data, path, doc_id)
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(data, path, doc_id)
    if suffix in {".csv", ".tsv"}:
        return read_csv(data, path, doc_id)
    if suffix in {".txt", ".text", ".md", ".html", ".htm", ""}:
        return read_text(decode_text(data, path)[0], path, doc_id)
    raise ParseError(
        f"unsupported file type {suffix!r}; fundgraph reads {', '.join(SUPPORTED_SUFFIXES)}", Location(path)
    )


def read_text(text: str, path: str, doc_id: str) -> RawDocument:
    """Text comes in many layouts; the first whose signature fits reads it, the others are not tried."""
    lines = text.splitlines()
    if looks_like_html(text):
        return read_html(text, path, doc_id)
    if looks_like_word_text(text):
        return read_word_text(text, path, doc_id)
    if looks_like_cell_per_line(lines):
        return read_cell_per_line(text, path, doc_id)
    if looks_like_pipe_table(lines):
        return read_pipe_table(text, path, doc_id)
    if looks_like_space_separated(lines):
        return read_space_separated(text, path, doc_id)
    document = read_cell_per_line(text, path, doc_id)
    if document.tables and document.tables[0].rows:
        return document
    raise ParseError(
        "no table found: none of the text layouts fundgraph reads (Word text export, pipe table, one cell per "
        "line, space-separated rows, HTML) holds a header with a project and an amount column",
        Location(path),
    )


def parse_bytes(data: bytes, path: str) -> Plan:
    return build_plan(read_document(data, path))


def parse_path(path: str | Path) -> Plan:
    """Read and interpret one document; raises ParseError naming file, row and column on bad input."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror}", Location(str(path))) from exc
    return parse_bytes(data, str(path))
