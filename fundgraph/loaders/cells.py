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
    # Where a PDF or an image shows it: the 1-based page and the box (x0, top, x1, bottom) in points from the
    # page's top-left; and, for text read by OCR, the recogniser's confidence (0-100) in its weakest word.
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    confidence: float | None = None


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
    # The text ends inside this table's last cell (it was not closed; a cut number is no number): the plan reports
    # `truncated`, and drops the last row when the cut falls at or before its amount.
    cut_inside: bool = False
    last_row_cut: bool = False  # the cut fell inside a number of the last row, which is then no row
    at_end: bool = False  # nothing follows the table: a last row that lacks a cell it needs was cut short
    # Why a reader could not lay the table out; the plan refuses the table with this reason.
    unreadable: str | None = None


@dataclass
class RawDocument:
    """A document read by a reader, before any interpretation of headers, units or totals."""

    path: str
    doc_id: str
    format: str
    tables: list[Table]
    before: list[TextLine] = field(default_factory=list)
    after: list[TextLine] = field(default_factory=list)
    # What the reader decided that the header cannot show (a dump's amount is each row's total), for --explain.
    decisions: list[str] = field(default_factory=list)


def clean_cell_text(text: str) -> str:
    """Strip each line and drop empty ones, so the same cell reads the same from every format."""
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)
