"""OFD (GB/T 33190, China's fixed-layout e-document format): a zip of XML pages whose text is positioned glyph by
glyph (``ofd:TextObject`` with its ``Boundary``, ``CTM`` and ``Size``; ``ofd:TextCode`` with ``X``, ``Y``,
``DeltaX``, ``DeltaY``), read with lxml.

The glyphs of each page are set on lines by their baselines and laid out by their positions (a gap of most of a
glyph's width becomes a run of spaces, so columns stay apart, and a wider gap between lines an empty line); a line
that runs to the text's right margin with the next right under it is a wrapped line, joined to it. That text goes to
the text layouts, as a PDF's words do when it has no ruled table, and each cell read from it is given the page and
the box (PDF points from the page's top-left) of the glyphs it was read from.

An OFD whose text is drawn as outlines (``ofd:PathObject`` only — what ofdrw's PDF converter writes) has no text to
read, and is refused as such.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import zipfile
from dataclasses import dataclass, replace
from posixpath import dirname, join, normpath

from lxml import etree

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument
from fundgraph.loaders.readers.pdf_reader import join_pieces

NS = "http://www.ofdspec.org/2016"
_Q = f"{{{NS}}}"
POINTS_PER_MM = 72 / 25.4
# A4, the size a document states none for.
_DEFAULT_PAGE = (210.0, 297.0)
# No part of an OFD that is text is larger than this: a larger one is a zip bomb or not an OFD.
_MAX_PART_BYTES = 64 * 1024 * 1024
_ITEM_START = re.compile(r"^(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)")
# A gap is at most this many spaces: enough to keep columns apart, whatever the sizes say.
_MAX_SPACES = 40
# No list of numbers in a page (DeltaX, with its `g N v` shorthand) is longer than this.
_MAX_NUMBERS = 100_000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Glyph:
    """One character where the page shows it: its box in points from the page's top-left, its baseline and size."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float

    @property
    def top(self) -> float:
        return self.baseline - 0.88 * self.size

    @property
    def bottom(self) -> float:
        return self.baseline + 0.12 * self.size


@dataclass(frozen=True)
class OfdLine:
    """A line of the laid-out text, the page it is on and the glyphs of each of its characters (None for a space the
    layout put in)."""

    page: int
    text: str
    glyphs: tuple[Glyph | None, ...]


@dataclass(frozen=True)
class OfdText:
    """An OFD's pages as text laid out by glyph positions, line by line (text line n is ``lines[n - 1]``)."""

    lines: list[OfdLine]
    pages: int
    outlines: int  # path objects: what a converter that draws text as outlines leaves instead of text

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def read_ofd_text(data: bytes, path: str) -> OfdText:
    """The text layer of an OFD's first document, page by page; refused (ParseError) when it is not a readable OFD
    or holds no text."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(f"not a readable OFD: it is not a zip archive ({exc})", Location(path)) from exc
    with archive:
        root = _xml(archive, "OFD.xml", path)
        doc_root = root.findtext(f"{_Q}DocBody/{_Q}DocRoot")
        if not doc_root:
            raise ParseError("not a readable OFD: OFD.xml names no document (DocBody/DocRoot)", Location(path))
        doc_path = _part(doc_root, "")
        document = _xml(archive, doc_path, path)
        default_box = _page_box(document.find(f"{_Q}CommonData/{_Q}PageArea"), _DEFAULT_PAGE)
        pages = document.findall(f"{_Q}Pages/{_Q}Page")
        outlines = 0
        paged: list[list[Glyph]] = []
        for page in pages:
            content = _xml(archive, _part(page.get("BaseLoc", ""), dirname(doc_path)), path)
            width, height = (v * POINTS_PER_MM for v in _page_box(content.find(f"{_Q}Area"), default_box))
            outlines += sum(1 for _ in content.iter(f"{_Q}PathObject"))
            # Only glyphs on the page: a damaged file can place one far off it.
            glyphs = [g for obj in content.iter(f"{_Q}TextObject") for g in _glyphs(obj)]
            paged.append([g for g in glyphs if -1 <= g.x0 <= width + 1 and 0 <= g.baseline <= height + 1])
    tops = [min(g.top for g in glyphs) for glyphs in paged if glyphs]
    lines = [line for number, glyphs in enumerate(paged, start=1)
             for line in _layout(glyphs, number, min(tops) if tops else None)]  # fmt: skip
    if not pages:
        raise ParseError("not a readable OFD: its document has no pages", Location(path))
    if not any(line.text.strip() for line in lines):
        drawn = f" ({outlines} drawn shapes: its text is drawn as outlines, not written as text)" if outlines else ""
        raise ParseError(
            f"the OFD has no text layer{drawn}; fundgraph reads an OFD's text, not its drawing — read the "
            "document it was made from (PDF, Word), or an OFD exported with its text",
            Location(path),
        )
    return OfdText(lines, len(pages), outlines)


def _part(location: str, base: str) -> str:
    """A part's name in the zip: absolute from the package root (``/Doc_0/...``) or relative to ``base``."""
    return normpath(location.lstrip("/") if location.startswith("/") else join(base, location)).lstrip("/")


def _xml(archive: zipfile.ZipFile, name: str, path: str) -> etree._Element:
    try:
        info = archive.getinfo(name)
        if info.file_size > _MAX_PART_BYTES:
            raise ParseError(f"not a readable OFD: its part {name} is {info.file_size} bytes", Location(path))
        return etree.fromstring(archive.read(info), _PARSER)
    except KeyError as exc:
        raise ParseError(f"not a readable OFD: it lacks the part {name}", Location(path)) from exc
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: a compression zipfile does not read.
        raise ParseError(f"not a readable OFD: its part {name} is damaged ({exc})", Location(path)) from exc


def _numbers(text: str | None) -> list[float]:
    """A list of numbers (ST_Array), with OFD's shorthand ``g N v`` for N times v."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    try:
        while i < len(tokens) and len(out) < _MAX_NUMBERS:
            if tokens[i] == "g" and i + 2 < len(tokens):
                out.extend([float(tokens[i + 2])] * max(0, min(int(tokens[i + 1]), _MAX_NUMBERS - len(out))))
                i += 3
            else:
                out.append(float(tokens[i]))
                i += 1
    except ValueError:
        return out
    return [v for v in out if math.isfinite(v)]


def _page_box(area: etree._Element | None, default: tuple[float, float]) -> tuple[float, float]:
    """A page's width and height in millimetres (its PhysicalBox), else the document's."""
    if area is None:
        return default
    box = _numbers(area.findtext(f"{_Q}PhysicalBox"))
    return (box[2], box[3]) if len(box) == 4 and box[2] > 0 and box[3] > 0 else default


def _glyphs(obj: etree._Element) -> list[Glyph]:
    """A text object's characters placed on the page: text code positions are in the object's box, moved by its
    CTM, the box by the page; millimetres to points."""
    boundary = _numbers(obj.get("Boundary"))
    if len(boundary) != 4:
        return []
    left, top = boundary[0], boundary[1]
    ctm = _numbers(obj.get("CTM"))
    a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    scale = math.sqrt(abs(a * d - b * c)) or 1.0
    # No legible glyph is smaller than a tenth of a millimetre: a size of zero would make every gap infinite.
    size = max((_numbers(obj.get("Size")) or [3.5])[0], 0.1) * scale
    glyphs: list[Glyph] = []
    x = y = 0.0
    for code in obj.iterfind(f"{_Q}TextCode"):
        text = code.text or ""
        x = (_numbers(code.get("X")) or [x])[0]
        y = (_numbers(code.get("Y")) or [y])[0]
        dx, dy = _numbers(code.get("DeltaX")), _numbers(code.get("DeltaY"))
        for i, char in enumerate(text):
            px, py = a * x + c * y + e + left, b * x + d * y + f + top
            advance = (dx[i] if i < len(dx) else _width(char, size / scale)) * scale
            if char.strip():
                # The advance is the glyph's width unless it also moves to a column further on (or back).
                width = advance if 0 < advance <= size else _width(char, size)
                glyphs.append(
                    Glyph(char, px * POINTS_PER_MM, (px + width) * POINTS_PER_MM, py * POINTS_PER_MM,
                          size * POINTS_PER_MM)
                )  # fmt: skip
            elif char == "\t":
                glyphs.append(Glyph(char, px * POINTS_PER_MM, px * POINTS_PER_MM, py * POINTS_PER_MM,
                                    size * POINTS_PER_MM))  # fmt: skip
            x += dx[i] if i < len(dx) else _width(char, size / scale)
            y += dy[i] if i < len(dy) else 0.0
    return glyphs


def _width(char: str, size: float) -> float:
    """A character's advance where the text code gives none: a full em for CJK, half for the rest."""
    return size if ord(char) >= 0x2E80 else size / 2


def _layout(glyphs: list[Glyph], page: int, first_top: float | None = None) -> list[OfdLine]:
    """The page's glyphs on lines (baselines within a third of a glyph), each line's glyphs left to right with runs
    of spaces for gaps, wrapped lines joined, and an empty line where the page leaves one (a gap between lines wider
    than a quarter over the page's usual line pitch; and above a first line that starts lower than ``first_top``,
    the highest first line of the document's pages)."""
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
    blank = [first_top is not None and usual > 0 and min(g.top for g in rows[0]) > first_top + usual / 4]
    blank += [usual > 0 and pitch > 1.25 * usual for pitch in pitches]
    out: list[OfdLine] = []
    last: OfdLine | None = None  # the line as the page shows it, before any joining
    for row, gap in zip(rows, blank, strict=True):
        line = _line(sorted(row, key=lambda g: g.x0), page)
        if gap:
            out.append(OfdLine(page, "", ()))
        elif out and last is not None and _continues(last, line, max(g.x1 for r in rows for g in r)):
            before = out[-1]
            text = join_pieces([before.text, line.text])
            extra = len(text) - len(before.text) - len(line.text)
            out[-1] = replace(before, text=text, glyphs=(*before.glyphs, *([None] * extra), *line.glyphs))
            last = line
            continue
        out.append(line)
        last = line
    return out


def _line(row: list[Glyph], page: int) -> OfdLine:
    text: list[str] = []
    placed: list[Glyph | None] = []
    previous: Glyph | None = None
    for glyph in row:
        if previous is not None and previous.text != "\t":
            gap = glyph.x0 - previous.x1
            half = min(glyph.size, previous.size) / 2
            spaces = 0 if gap < 0.3 * half else 1 if gap < 1.5 * half else min(_MAX_SPACES, max(2, round(gap / half)))
            text.append(" " * spaces)
            placed.extend([None] * spaces)
        text.append(glyph.text)
        placed.append(glyph)
        previous = glyph
    return OfdLine(page, "".join(text), tuple(placed))


def _continues(before: OfdLine, line: OfdLine, right: float) -> bool:
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
        and not line.text[:1].isspace()
        and not _ITEM_START.match(line.text)
        and max(g.x1 for g in first) >= right - 1.5 * size
        and 0 <= next_[0].top - max(g.bottom for g in first) < size
        and abs(min(g.x0 for g in next_) - min(g.x0 for g in before.glyphs if g is not None)) < 1.5 * size
    )


def with_provenance(document: RawDocument, laid: OfdText) -> RawDocument:
    """Each cell read from the laid-out text given the page and box of the glyphs it was read from: its text found
    in its line (and the lines after it, for a cell of several lines)."""
    for table in document.tables:
        table.rows = [[_placed(cell, laid) for cell in row] for row in table.rows]
    return document


def _placed(cell: Cell, laid: OfdText) -> Cell:
    if cell.line is None or not 0 < cell.line <= len(laid.lines):
        return cell
    boxes: list[Glyph] = []
    page: int | None = None
    start = cell.line - 1
    for part in cell.text.split("\n"):
        part = part.strip()
        if not part:
            continue
        for n in range(start, min(len(laid.lines), start + 8)):
            line = laid.lines[n]
            at = line.text.find(part)
            if at >= 0:
                page = page or line.page
                if line.page == page:
                    boxes.extend(g for g in line.glyphs[at : at + len(part)] if g is not None)
                start = n
                break
    if not boxes or page is None:
        return cell
    box = (
        round(min(g.x0 for g in boxes), 1),
        round(min(g.top for g in boxes), 1),
        round(max(g.x1 for g in boxes), 1),
        round(max(g.bottom for g in boxes), 1),
    )
    return replace(cell, page=page, box=box)
