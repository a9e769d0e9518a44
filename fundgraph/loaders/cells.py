"""What every reader produces: tables of cells that know where they stand, and the prose around them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    """One cell's text (lines joined by newline, each stripped) and its 1-based place in the document."""

    text: str
    row: int
    col: int
    line: int | None = None


@dataclass(frozen=True)
class TextLine:
    """A line of prose outside any table (title, 单位 line, notes), with its 1-based line number or row."""

    text: str
    line: int | None = None
    row: int | None = None


@dataclass
class Table:
    """A grid of cells as the document lays it out; rows may be ragged (merged or missing cells)."""

    index: int
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class RawDocument:
    """A document read by a reader, before any interpretation of headers, units or totals."""

    path: str
    doc_id: str
    format: str
    tables: list[Table]
    before: list[TextLine] = field(default_factory=list)
    after: list[TextLine] = field(default_factory=list)


def clean_cell_text(text: str) -> str:
    """Strip each line and drop empty ones, so the same cell reads the same from every format."""
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)
