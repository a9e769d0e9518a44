"""OFD (GB/T 33190, China's fixed-layout e-document format): a zip of XML pages whose text is positioned glyph by
glyph (``ofd:TextObject`` with its ``Boundary``, ``CTM`` and ``Size``; ``ofd:TextCode`` with ``X``, ``Y``,
``DeltaX``, ``DeltaY``), read with lxml.

The glyphs of each page are laid out as text by :mod:`positioned` (as a scan's OCR words are), that text goes to the
text layouts, and each cell read from it is given the page and the box (PDF points from the page's top-left) of the
glyphs it was read from.

An OFD whose text is drawn as outlines (``ofd:PathObject`` only — what ofdrw's PDF converter writes) has no text to
read, and is refused as such.
"""

from __future__ import annotations

import io
import math
import zipfile
from posixpath import dirname, join, normpath

from lxml import etree

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.readers.positioned import Glyph, LaidText, lay_out

NS = "http://www.ofdspec.org/2016"
_Q = f"{{{NS}}}"
POINTS_PER_MM = 72 / 25.4
# A4, the size a document states none for.
_DEFAULT_PAGE = (210.0, 297.0)
# No part of an OFD that is text is larger than this: a larger one is a zip bomb or not an OFD.
_MAX_PART_BYTES = 64 * 1024 * 1024
# No list of numbers in a page (DeltaX, with its `g N v` shorthand) is longer than this.
_MAX_NUMBERS = 100_000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read_ofd_text(data: bytes, path: str) -> LaidText:
    """The text layer of an OFD's first document, page by page; refused (ParseError) when it is not a readable OFD
    or holds no text."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError.of("ofd_not_zip", Location(path), detail=str(exc)) from exc
    with archive:
        root = _xml(archive, "OFD.xml", path)
        doc_root = root.findtext(f"{_Q}DocBody/{_Q}DocRoot")
        if not doc_root:
            raise ParseError.of("ofd_no_document", Location(path))
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
    laid = lay_out(paged)
    if not pages:
        raise ParseError.of("ofd_no_pages", Location(path))
    if not any(line.text.strip() for line in laid.lines):
        drawn = {"code": "ofd_outlines", "args": {"outlines": outlines}} if outlines else ""
        raise ParseError.of("ofd_no_text", Location(path), drawn=drawn)
    return laid


def _part(location: str, base: str) -> str:
    """A part's name in the zip: absolute from the package root (``/Doc_0/...``) or relative to ``base``."""
    return normpath(location.lstrip("/") if location.startswith("/") else join(base, location)).lstrip("/")


def _xml(archive: zipfile.ZipFile, name: str, path: str) -> etree._Element:
    try:
        info = archive.getinfo(name)
        if info.file_size > _MAX_PART_BYTES:
            raise ParseError.of("ofd_part_too_large", Location(path), part=name, size=info.file_size)
        return etree.fromstring(archive.read(info), _PARSER)
    except KeyError as exc:
        raise ParseError.of("ofd_part_missing", Location(path), part=name) from exc
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: a compression zipfile does not read.
        raise ParseError.of("ofd_part_damaged", Location(path), part=name, detail=str(exc)) from exc


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
