"""What every reader produces: tables of cells that know where they stand, and the prose around them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import opencc

from fundgraph.errors import ParseError


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


@dataclass(frozen=True)
class CountDoubt:
    """A group the text counts (等5家) naming another number of bodies: the count as written, how many it names,
    the first and the last, and its line."""

    said: str
    named: int
    first: str
    last: str
    line: int | None = None


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
    next_row_cut: bool = False  # the text ends just after the start of a row past the last one (its 序号)
    # Why a reader could not lay the table out, as a message (``{code, args}``, vocabularies.yaml): the plan
    # refuses the table with this reason.
    unreadable: dict[str, Any] | None = None
    # What the text says against the reading of its rows (a count its names do not match): a `count_mismatch`
    # problem of the plan.
    doubts: list[CountDoubt] = field(default_factory=list)
    # Text inside the table that no column holds and the reader left out (a fragment after a row's figures), with
    # its line: a `left_unread` problem of the plan.
    left_unread: list[tuple[str, int | None]] = field(default_factory=list)


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
    # Why the reader could not read the text in its layout at all (a row wider than its header): kept as this
    # reading's result, so the other readings are still compared and the error stands if none reads.
    error: ParseError | None = None


def clean_cell_text(text: str) -> str:
    """Strip each line and drop empty ones, so the same cell reads the same from every format."""
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


# Full-width ASCII forms (０-９, ．, ｜, ：) as their ASCII letters, and the spaces web pages and typesetting use
# (ideographic, no-break, figure, narrow no-break) as a space: one character for one, so every line number and
# offset a reader records stays true. Not NFKC: that changes lengths (㎡ -> m2, … -> ...) and makes digits out of
# enumeration marks (① -> 1, ㈠ -> (一)), which the 序号 anchors and the money patterns would then take for figures.
_SPACES = dict.fromkeys((0x3000, 0xA0, 0x2007, 0x202F), 0x20)
_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | _SPACES


def fold_forms(text: str) -> str:
    """Full-width ASCII forms to ASCII, wide or no-break spaces to a space and traditional characters to simplified,
    one character for one: the vocabulary, units and money patterns are written once, in simplified, and a notice
    in traditional characters or full-width digits means the same.

    >>> fold_forms("｜２４１．３萬元｜\u3000合計\u00a0"), len(fold_forms("①２")) == len("①２")
    ('|241.3万元| 合计 ', True)
    >>> fold_forms("补助20万 元,单位:万　元")
    '补助20 万元,单位: 万元'

    """
    folded = _simplified(text.translate(_WIDTH_FOLD))
    return _SPREAD_UNIT.sub(r"\2\1元", folded) if "元" in folded else folded


# A unit of money spread by typesetting (万 元, 亿　元): its spaces moved before it, so that the patterns written for
# 万元 match it and each character keeps its offset but for the unit's own.
_SPREAD_UNIT = re.compile(r"([万千亿])(\s+)元")


@cache
def t2s() -> opencc.OpenCC:
    """OpenCC's traditional-to-simplified converter, made once (its tables take a while to load)."""
    return opencc.OpenCC("t2s")


@cache
def _simple_char(char: str) -> str:
    simple = t2s().convert(char)
    return simple if len(simple) == 1 else char


def _simplified(text: str) -> str:
    # Character by character, never by phrase, so that lines and offsets stay those of the file; a character whose
    # simplified form is longer (none in common use) stays as written.
    return "".join(_simple_char(c) if c >= "\u2e80" else c for c in text)


def fold_spaces(text: str) -> str:
    """Ideographic and no-break spaces as a space: a cell's spaces are layout, its other characters as written."""
    return text.translate(_SPACES)


def as_written(document: RawDocument, written: str, folded: str) -> RawDocument:
    """A reading of ``folded`` (``written`` folded one character for one) with its cells' and prose lines' text taken
    back from ``written`` at the same line and offset: readers find the structure on the folded text, and every value
    keeps its characters as the notice writes them (（一）, 萬元, ２０２３), spaces folded. A text no line holds (a
    reader joined pieces of several lines) stays as read."""
    if written == folded:
        return document
    written_lines, folded_lines = written.splitlines(), folded.splitlines()

    def back(text: str, line: int | None) -> str:
        if not text or line is None or not 0 < line <= len(folded_lines):
            return text
        parts = []
        for part in text.split("\n"):
            for n in range(line - 1, min(len(folded_lines), line + 8)):
                at = folded_lines[n].find(part)
                if at >= 0:
                    part = fold_spaces(written_lines[n][at : at + len(part)])
                    break
            parts.append(part)
        return "\n".join(parts)

    for table in document.tables:
        table.rows = [[replace(c, text=back(c.text, c.line)) for c in row] for row in table.rows]
    document.before = [replace(t, text=back(t.text, t.line)) for t in document.before]
    document.after = [replace(t, text=back(t.text, t.line)) for t in document.after]
    return document
