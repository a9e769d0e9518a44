"""Documents -> tables -> plan records. Nothing here imports neo4j.

>>> from fundgraph.loaders import SUPPORTED_SUFFIXES
>>> ".docx" in SUPPORTED_SUFFIXES
True
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import RawDocument
from fundgraph.loaders.model import Plan
from fundgraph.loaders.plan import build_plan
from fundgraph.loaders.readers.csv_reader import read_csv
from fundgraph.loaders.readers.decoding import decode_text
from fundgraph.loaders.readers.docx_reader import read_docx
from fundgraph.loaders.readers.word_text import looks_like_word_text, read_word_text
from fundgraph.loaders.readers.xlsx_reader import read_xlsx

SUPPORTED_SUFFIXES = (".txt", ".text", ".docx", ".xlsx", ".csv", ".tsv")

__all__ = ["SUPPORTED_SUFFIXES", "Plan", "parse_bytes", "parse_path", "read_document"]


def read_document(data: bytes, path: str) -> RawDocument:
    """Pick the reader by the file's suffix (and, for text, by its layout) and read the tables out of it."""
    doc_id = hashlib.sha256(data).hexdigest()
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return read_docx(data, path, doc_id)
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(data, path, doc_id)
    if suffix in {".csv", ".tsv"}:
        return read_csv(data, path, doc_id)
    if suffix in {".txt", ".text", ""}:
        text, _encoding = decode_text(data, path)
        if looks_like_word_text(text):
            return read_word_text(text, path, doc_id)
        raise ParseError(
            "no table found: the text has no tab-separated cells (the layout of a Word table exported as text)",
            Location(path),
        )
    raise ParseError(
        f"unsupported file type {suffix!r}; fundgraph reads {', '.join(SUPPORTED_SUFFIXES)}", Location(path)
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
