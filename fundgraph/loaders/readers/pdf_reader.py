"""PDF with a text layer (the usual Word or WPS export): tables from their ruling lines, by pdfplumber.

A table that goes on over pages is read as one: the next page's table with the same columns continues it, its
repeated header row is dropped, and a row that Word broke across the page break (the first row of the next page,
with nothing in its first column) is joined to the row it continues. Text wrapped inside a cell is joined back —
without a space between Chinese characters or inside a number (``725.40`` / ``14``), with one between Latin words;
a numbered item starts a new line. Each cell keeps its page and box (PDF points, from
the top-left of the page) as provenance.

Tables without ruling lines are not guessed at here: the page's words laid out by their positions become text, and
the text readers (space-separated rows, one cell per line, prose) take it, compared as for any text.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine

# Ruled tables only: a table is what the document draws as one.
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3}
# Two tables on consecutive pages are one when their columns line up to this many points.
_COLUMN_TOLERANCE = 3.0
# A page with fewer characters than this has no text layer worth the name: a scan.
MIN_TEXT_CHARS = 20
# No sheet of paper is larger than this (A0 is 2,384 points long): a larger page is a damaged MediaBox.
_MAX_PAGE_POINTS = 14_400
_NUMBER_PIECE = re.compile(r"^[\d.,，]+$")
_ITEM_START = re.compile(r"^(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)")


@dataclass(frozen=True)
class PdfText:
    """A PDF's pages as text laid out by word positions, for the text readers when no ruled table is found."""

    text: str
    pages: int


@contextmanager
def open_pdf(data: bytes, path: str) -> Iterator[Any]:
    """pdfplumber's document, with a broken, cut or encrypted file refused in words a user can act on."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise ParseError.of("pdf_unreadable", Location(path), why=_describe(exc)) from exc
    try:
        for page in pdf.pages:
            if not (0 < page.width <= _MAX_PAGE_POINTS and 0 < page.height <= _MAX_PAGE_POINTS):
                width, height = str(page.width), str(page.height)
                raise ParseError.of("pdf_page_size", Location(path), page=page.page_number, width=width, height=height)
        yield pdf
    except (PdfminerException, PSException, RecursionError) as exc:
        # pdfminer follows object references recursively: a damaged file can point an object back at itself.
        raise ParseError.of("pdf_unreadable", Location(path), why=_describe(exc)) from exc
    finally:
        # Closing walks the pages again: on a damaged file that re-raises what was already refused above.
        with suppress(PdfminerException, PSException, RecursionError):
            pdf.close()


def _describe(exc: BaseException) -> dict[str, Any]:
    """Why pdfminer could not read it, as a message (``why_*`` in vocabularies.yaml)."""
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFPasswordIncorrect):
        return {"code": "why_pdf_encrypted", "args": {}}
    text = str(cause) or type(cause).__name__
    if "EOF" in text or "Unexpected" in text:
        return {"code": "why_pdf_cut", "args": {"detail": text}}
    return {"code": "why_detail", "args": {"detail": text}}


def text_chars(pdf: Any) -> int:
    """How many characters the text layer holds (0 for a scan)."""
    return sum(len(page.chars) for page in pdf.pages)


@dataclass(frozen=True)
class PageTable:
    """One table as a page shows it: its rows of cells (row numbers still to give) and its column edges (points)."""

    rows: list[list[Cell]]
    columns: tuple[float, ...]


@dataclass(frozen=True)
class Page:
    """A page read by any means (a text layer, OCR): its prose lines (top, text) and its tables, top to bottom."""

    number: int
    prose: list[tuple[float, str]]
    tables: list[PageTable]
    first_table_top: float | None


def assemble(
    pages: Iterable[Page], *, tolerance: float = _COLUMN_TOLERANCE
) -> tuple[list[Table], list[TextLine], list[TextLine]]:
    """Pages into tables and the prose before and after them: the first table of a page continues the last table
    of the page before when their columns line up (within ``tolerance`` points)."""
    tables: list[Table] = []
    before: list[TextLine] = []
    after: list[TextLine] = []
    last_columns: tuple[float, ...] | None = None
    last_page = 0
    line_number = 0
    for page in pages:
        for top, text in page.prose:
            line_number += 1
            if not tables and (page.first_table_top is None or top < page.first_table_top):
                before.append(TextLine(text, line=line_number))
            else:
                after.append(TextLine(text, line=line_number))
        for position, found in enumerate(page.tables):
            continues = (
                tables
                and position == 0
                and page.number == last_page + 1
                and last_columns is not None
                and same_columns(found.columns, last_columns, tolerance)
            )
            if continues:
                continue_table(tables[-1], found.rows)
            else:
                table = Table(index=len(tables) + 1)
                for number, row in enumerate(found.rows, start=1):
                    table.rows.append([numbered(cell, number) for cell in row])
                tables.append(table)
            last_columns, last_page = found.columns, page.number
    return tables, before, after


def read_pdf_tables(pdf: Any, path: str, doc_id: str) -> RawDocument:
    """The ruled tables of a PDF with a text layer, continued over pages, and the text around them."""
    tables, before, after = assemble(_page(page) for page in pdf.pages)
    return RawDocument(path=path, doc_id=doc_id, format="pdf", tables=tables, before=before, after=after)


def _page(page: Any) -> Page:
    found = sorted(page.find_tables(_TABLE_SETTINGS), key=lambda t: t.bbox[1])
    found = [t for t in found if t.rows and len(t.rows[0].cells) >= 2]
    outside = page.filter(lambda obj, boxes=[t.bbox for t in found]: not any(_centred(obj, b) for b in boxes))
    return Page(
        page.page_number,
        _paragraphs(outside.extract_text_lines(return_chars=False)),
        [PageTable(_grid(page, t), _columns(t)) for t in found],
        found[0].bbox[1] if found else None,
    )


def _paragraphs(lines: list[dict[str, Any]]) -> list[tuple[float, str]]:
    """Prose lines joined where a line runs to the right margin and the next follows right under it: a wrapped
    sentence (a note under the table) is one line of text, as in the document's other renderings."""
    lines = [line for line in lines if line["text"].strip()]
    if not lines:
        return []
    right = max(line["x1"] for line in lines)
    out: list[tuple[float, str]] = []
    previous: dict[str, Any] | None = None
    for line in lines:
        height = line["bottom"] - line["top"]
        wrapped = (
            previous is not None
            and previous["x1"] >= right - 1.5 * height
            and line["top"] - previous["bottom"] < 0.8 * height
        )
        if wrapped:
            out[-1] = (out[-1][0], join_pieces([out[-1][1], line["text"].strip()]))
        else:
            out.append((line["top"], line["text"].strip()))
        previous = line
    return out


def layout_text(pdf: Any) -> PdfText:
    """Every page's words placed by their positions (pdfplumber's layout mode), pages one after another."""
    # Only characters on the page: a damaged file can place one a billion points away, and layout mode would
    # pad the line out to it.
    pages = [_on_page(page).extract_text(layout=True) or "" for page in pdf.pages]
    text = "\n".join(_strip_layout(page) for page in pages)
    return PdfText(text, len(pages))


def _on_page(page: Any) -> Any:
    x0, top, x1, bottom = page.bbox
    return page.filter(
        lambda obj: (
            obj.get("object_type") != "char"
            or (x0 <= obj["x0"] <= obj["x1"] <= x1 and top <= obj["top"] <= obj["bottom"] <= bottom)
        )
    )


def _strip_layout(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    # Layout mode keeps the page's blank bands as runs of empty lines; one is enough between blocks.
    squeezed: list[str] = []
    for line in lines:
        if line or (squeezed and squeezed[-1]):
            squeezed.append(line)
    return "\n".join(squeezed)


def _columns(table: Any) -> tuple[float, ...]:
    """The x of every column edge of a table (the union over its rows: merged cells hide some edges per row)."""
    edges = {round(cell[0], 1) for row in table.rows for cell in row.cells if cell is not None}
    edges |= {round(cell[2], 1) for row in table.rows for cell in row.cells if cell is not None}
    return tuple(sorted(edges))


def same_columns(a: tuple[float, ...], b: tuple[float, ...], tolerance: float = _COLUMN_TOLERANCE) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _grid(page: Any, table: Any) -> list[list[Cell]]:
    """The table's rows as cells with their text, page and box; a merged cell is given once (where it starts)."""
    rows: list[list[Cell]] = []
    for row in table.rows:
        cells: list[Cell] = []
        for col, box in enumerate(row.cells, start=1):
            if box is None:
                continue
            text = cell_text(_inside(page, box))
            cells.append(Cell(text, 0, col, page=page.page_number, box=_box(box)))
        rows.append(cells)
    return rows


def _inside(page: Any, box: tuple[float, float, float, float]) -> Any:
    """The page's characters whose centre lies in the box: a crop would also take those that only touch it (the
    row above's descenders, the ruling line's neighbours)."""
    return page.filter(lambda obj: obj.get("object_type") == "char" and _centred(obj, box))


def _centred(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return bool(x0 <= cx < x1 and top <= cy < bottom)


def _box(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = box
    return (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))


def numbered(cell: Cell, row: int) -> Cell:
    return Cell(cell.text, row, cell.col, cell.line, cell.page, cell.box, cell.confidence)


def continue_table(table: Table, grid: list[list[Cell]]) -> None:
    """Append the next page's part of a table: without its repeated header, joining a row broken by the page."""
    if not grid:
        return
    header = [c.text for c in table.rows[0]] if table.rows else []
    if [c.text for c in grid[0]] == header:
        grid = grid[1:]
    if grid and table.rows and _is_broken_row(grid[0], table.rows[-1]):
        previous = table.rows[-1]
        by_col = {c.col: c for c in grid[0]}
        joined = []
        for cell in previous:
            more = by_col.pop(cell.col, None)
            text = join_pieces([cell.text, more.text]) if more is not None and more.text else cell.text
            joined.append(Cell(text, cell.row, cell.col, cell.line, cell.page, cell.box, cell.confidence))
        # Columns the first part had merged but the second has apart keep their text too.
        joined.extend(numbered(c, previous[0].row) for c in by_col.values() if c.text)
        table.rows[-1] = sorted(joined, key=lambda c: c.col)
        grid = grid[1:]
    start = len(table.rows)
    for offset, row in enumerate(grid, start=1):
        table.rows.append([numbered(cell, start + offset) for cell in row])


def _is_broken_row(first: list[Cell], previous: list[Cell]) -> bool:
    """The first row on a page continues the last one of the page before when its first column is empty (Word
    repeats no 序号 or name when it breaks a row) and the row before has one."""
    if not first or not previous:
        return False
    lead = next((c for c in first if c.col == 1), None)
    before = next((c for c in previous if c.col == 1), None)
    return (lead is None or not lead.text) and before is not None and bool(before.text)


def cell_text(crop: Any) -> str:
    """A cell's text with its wrapped lines joined; a line that starts a numbered item (``2.``, ``（3）``, ``二、``)
    starts a new line, as it did in the document.

    Where else a paragraph ended can't be told from the widths: CJK line breaking (a closing quote never starts a
    line, a bracket stays with what follows) leaves lines short inside a paragraph too.
    """
    lines = [line["text"] for line in crop.extract_text_lines(return_chars=False, strip=True) if line["text"]]
    out: list[str] = []
    for line in lines:
        if out and not _ITEM_START.match(line):
            out[-1] = join_pieces([out[-1], line])
        else:
            out.append(line)
    return "\n".join(out)


def join_pieces(pieces: list[str]) -> str:
    """Join text wrapped at a line or page break: a space only between two Latin letters or digits that are
    not parts of one number.

    >>> join_pieces(["725.40", "14"]), join_pieces(["融资平", "台运维"]), join_pieces(["web", "site"])
    ('725.4014', '融资平台运维', 'web site')
    """
    out = pieces[0]
    for piece in pieces[1:]:
        if not out or not piece:
            out += piece
            continue
        left, right = out[-1], piece[0]
        tail = out.rsplit(maxsplit=1)[-1] if out.split() else ""
        head = piece.split(maxsplit=1)[0]
        number = bool(_NUMBER_PIECE.match(tail)) and bool(_NUMBER_PIECE.match(head))
        latin = _is_latin(left) and _is_latin(right)
        out += (" " if latin and not number else "") + piece
    return out


def _is_latin(char: str) -> bool:
    return (char.isascii() and char.isalnum()) or (unicodedata.category(char).startswith("L") and ord(char) < 0x2E80)
