"""Text placed on pages — an OFD's glyphs, a scan's OCR words — laid out as lines of text by position, for the text
layouts; and the cells read from that text given back the page, box and confidence of what they were read from.

Glyphs are set on lines by their baselines (within a third of a glyph), left to right. A gap of most of a glyph's
width becomes spaces, and a piece after a gap starts at the character column its position gives (half a glyph a
column, from the document's left margin), so a table's columns stand one under the other as the page shows them,
and a wrapped cell's next line sits under its column (the aligned-columns layout reads that). A line that runs to
the right margin with the next right under it, at the same left edge, is a wrapped line and joined to it; a gap
between lines a quarter wider than the page's usual pitch is kept as an empty line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from fundgraph.loaders.cells import Cell, RawDocument
from fundgraph.loaders.readers.pdf_reader import join_pieces

_ITEM_START = re.compile(r"^(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)")
# A gap is at most this many spaces: enough to keep columns apart, whatever the sizes say.
_MAX_SPACES = 200


@dataclass(frozen=True)
class Glyph:
    """One character where the page shows it: its box in points from the page's top-left, its baseline and size,
    and for text read by OCR the recogniser's confidence (0-100) in the word it is part of."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    confidence: float | None = None

    @property
    def top(self) -> float:
        return self.baseline - 0.88 * self.size

    @property
    def bottom(self) -> float:
        return self.baseline + 0.12 * self.size


def spread(text: str, x0: float, top: float, x1: float, bottom: float, confidence: float | None = None) -> list[Glyph]:
    """A word's characters, given only the word's box (OCR): spread evenly over its width."""
    chars = [c for c in text if c.strip()]
    if not chars:
        return []
    size = max(bottom - top, 0.1)
    step = (x1 - x0) / len(chars)
    baseline = top + 0.88 * size
    return [Glyph(c, x0 + i * step, x0 + (i + 1) * step, baseline, size, confidence) for i, c in enumerate(chars)]


@dataclass(frozen=True)
class PlacedLine:
    """A line of the laid-out text, the page it is on and the glyph of each of its characters (None for a space the
    layout put in)."""

    page: int
    text: str
    glyphs: tuple[Glyph | None, ...]


@dataclass(frozen=True)
class LaidText:
    """Pages as text laid out by position, line by line (text line n is ``lines[n - 1]``)."""

    lines: list[PlacedLine]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def lay_out(pages: Sequence[list[Glyph]]) -> LaidText:
    """Every page's glyphs as lines of text, pages one after another."""
    placed = [g for page in pages for g in page if g.text.strip()]
    if not placed:
        return LaidText([])
    sizes = sorted(g.size for g in placed)
    unit = sizes[len(sizes) // 2] / 2
    left = min(g.x0 for g in placed)
    tops = [min(g.top for g in page) for page in pages if page]
    lines: list[PlacedLine] = []
    for number, glyphs in enumerate(pages, start=1):
        lines.extend(_page_lines(glyphs, number, min(tops), left, unit))
    return LaidText(lines)


def _page_lines(glyphs: list[Glyph], page: int, first_top: float, left: float, unit: float) -> list[PlacedLine]:
    rows: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: (round(g.baseline, 1), g.x0)):
        if rows and abs(glyph.baseline - rows[-1][0].baseline) <= max(glyph.size, rows[-1][0].size) / 3:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
    rows = [row for row in rows if any(g.text.strip() for g in row)]
    if not rows:
        return []
    baselines = [row[0].baseline for row in rows]
    pitches = [b - a for a, b in itertools.pairwise(baselines)]
    usual = sorted(pitches)[len(pitches) // 2] if pitches else 0.0
    blank = [usual > 0 and min(g.top for g in rows[0]) > first_top + usual / 4]
    blank += [usual > 0 and pitch > 1.25 * usual for pitch in pitches]
    right = max(g.x1 for row in rows for g in row)
    out: list[PlacedLine] = []
    last: PlacedLine | None = None  # the line as the page shows it, before any joining
    for row, gap in zip(rows, blank, strict=True):
        line = _line(sorted(row, key=lambda g: g.x0), page, left, unit)
        if gap:
            out.append(PlacedLine(page, "", ()))
        elif out and last is not None and _continues(last, line, right):
            before = out[-1]
            text = join_pieces([before.text, line.text.lstrip()])
            body = line.glyphs[len(line.text) - len(line.text.lstrip()) :]
            extra = len(text) - len(before.text) - len(body)
            out[-1] = replace(before, text=text, glyphs=(*before.glyphs, *([None] * extra), *body))
            last = line
            continue
        out.append(line)
        last = line
    return out


def _line(row: list[Glyph], page: int, left: float, unit: float) -> PlacedLine:
    text: list[str] = []
    placed: list[Glyph | None] = []
    length = 0
    previous: Glyph | None = None
    for glyph in row:
        column = round((glyph.x0 - left) / unit)
        if previous is None:
            spaces = min(_MAX_SPACES, max(0, column))
        elif previous.text == "\t":
            spaces = 0
        else:
            gap = glyph.x0 - previous.x1
            half = min(glyph.size, previous.size) / 2
            spaces = 0 if gap < 0.3 * half else 1 if gap < half else min(_MAX_SPACES, max(2, column - length))
        text.append(" " * spaces)
        placed.extend([None] * spaces)
        text.append(glyph.text)
        placed.append(glyph)
        length += spaces + 1
        previous = glyph
    return PlacedLine(page, "".join(text), tuple(placed))


def _continues(before: PlacedLine, line: PlacedLine, right: float) -> bool:
    """A line that runs to the right margin of the page's text, with the next one right under it and starting at
    the same left edge, was wrapped: the two are one line (a tab or a numbered item starts a line of its own, and a
    line with columns in it is a table's row, never wrapped)."""
    first = [g for g in before.glyphs if g is not None and g.text.strip()]
    next_ = [g for g in line.glyphs if g is not None and g.text.strip()]
    if not first or not next_:
        return False
    size = max(g.size for g in first)
    return (
        before.page == line.page
        and "  " not in before.text.strip()
        and "  " not in line.text.strip()
        and not line.text.lstrip(" ")[:1].isspace()
        and not _ITEM_START.match(line.text.lstrip())
        and max(g.x1 for g in first) >= right - 1.5 * size
        and 0 <= next_[0].top - max(g.bottom for g in first) < size
        and abs(min(g.x0 for g in next_) - min(g.x0 for g in before.glyphs if g is not None)) < 1.5 * size
    )


def with_provenance(document: RawDocument, laid: LaidText) -> RawDocument:
    """Each cell read from the laid-out text given the page and box of the glyphs it was read from (and, for OCR,
    the confidence of its least sure word): its text found in its line and, for a cell wrapped over lines, the
    lines after it."""
    for table in document.tables:
        table.rows = [[_placed(cell, laid) for cell in row] for row in table.rows]
    return document


def _placed(cell: Cell, laid: LaidText) -> Cell:
    if cell.line is None or not 0 < cell.line <= len(laid.lines):
        return cell
    glyphs: list[Glyph] = []
    page: int | None = None
    start = cell.line - 1
    rest = "".join(cell.text.split())
    while rest and start < min(len(laid.lines), cell.line + 8):
        line = laid.lines[start]
        squeezed = [(i, ch) for i, ch in enumerate(line.text) if not ch.isspace()]
        flat = "".join(ch for _, ch in squeezed)
        # The longest start of what is left of the cell's text that this line holds.
        size = next((n for n in range(len(rest), 0, -1) if rest[:n] in flat), 0)
        if size:
            at = flat.index(rest[:size])
            page = page or line.page
            if line.page == page:
                glyphs.extend(g for i, _ in squeezed[at : at + size] if (g := line.glyphs[i]) is not None)
            rest = rest[size:]
        start += 1
    if not glyphs or page is None:
        return cell
    box = (
        round(min(g.x0 for g in glyphs), 1),
        round(min(g.top for g in glyphs), 1),
        round(max(g.x1 for g in glyphs), 1),
        round(max(g.bottom for g in glyphs), 1),
    )
    scores = [g.confidence for g in glyphs if g.confidence is not None]
    return replace(cell, page=page, box=box, confidence=min(scores) if scores else cell.confidence)
