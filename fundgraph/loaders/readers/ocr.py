"""Scans (a PDF of page images, or .png/.jpg/.tif): the table grid from its ruling lines (OpenCV), the text by an
OCR engine, each cell with the confidence of its weakest word (0–100).

Two engines read behind one interface (:class:`Engine`): PP-OCRv4 (``rapidocr-onnxruntime``: its models ship in the
wheel, onnxruntime runs them on the CPU), the default where it is installed, and Tesseract (``chi_sim``). Which is
better was measured, not assumed: ``make bench-ocr`` (``bench/ocr.py``) reads the same scans with both.
``FUNDGRAPH_OCR=tesseract`` chooses Tesseract.

Per page: straighten the page by the angle of its long horizontal lines; find the ruling lines by morphology
(openings longer than any character stroke); the cells are the regions the lines enclose, so merged cells come out
whole; the lines are painted out and the page is read once by Tesseract; every word goes to the cell its centre is
in, and the rest is the prose around the table. Tables continue over pages as in :mod:`pdf_reader`. Pages with no
ruled table (:func:`scan_readings`) are turned level by their lines of text, and their words laid out by position
(:mod:`positioned`) for the text layouts, as an OFD's glyphs or a PDF's words are.

What this reads is not trusted on its own: the plan built from it is checked against its stated total by the
loader (see ``fundgraph.loaders.check_ocr``), and refused when the amounts do not add up.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import cv2
import numpy as np
import pytesseract
from PIL import Image, ImageSequence, UnidentifiedImageError

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument
from fundgraph.loaders.readers.pdf_reader import Page, PageTable, assemble, join_pieces
from fundgraph.loaders.readers.positioned import Glyph, lay_out, spread, with_provenance

DPI = 200
LANGUAGE = "chi_sim"
# Ruling lines narrower than this share of the page are not a table's.
_MIN_TABLE_WIDTH = 1 / 3
_POINTS_PER_INCH = 72


@dataclass
class Word:
    text: str
    confidence: float
    x0: int
    top: int
    x1: int
    bottom: int
    line: tuple[int, int, int]

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


@dataclass
class _Grid:
    box: tuple[int, int, int, int]  # x0, top, x1, bottom in pixels
    cells: list[tuple[int, int, int, int]] = field(default_factory=list)
    # Each cell's text and confidence, once read.
    texts: list[tuple[str, float | None]] = field(default_factory=list)


class Engine(Protocol):
    """An OCR engine: the words of an image of one line (``psm=7``) or of a block of lines (``psm=6``)."""

    name: str

    def problem(self) -> str | None: ...

    def words(self, image: np.ndarray, *, psm: int) -> list[Word]: ...


class Tesseract:
    name = "tesseract"

    def problem(self) -> str | None:
        return _tesseract_problem()

    def words(self, image: np.ndarray, *, psm: int) -> list[Word]:
        return _words(image, psm=psm)


class PaddleOCR:
    """PP-OCRv4 by ``rapidocr-onnxruntime``: a line is read by the recogniser alone (the grid has found it), a block
    by the detector and then the recogniser, box by box. Its scores (0–1) are put on Tesseract's scale (0–100)."""

    name = "ppocr"

    def problem(self) -> str | None:
        return _rapid_problem()

    def words(self, image: np.ndarray, *, psm: int) -> list[Word]:
        engine = _rapid()
        rgb = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        height, width = image.shape[:2]
        if psm == 7:
            # The recogniser alone: the whole engine would first shrink a long strip to its longest side's limit.
            result, _ = engine.text_rec(rgb)
            return [
                Word(_unspaced(str(text)), float(score) * 100, 0, 0, width, height, (0, 0, 0))
                for text, score, *_ in result or []
                if str(text).strip()
            ]
        result, _ = engine(rgb, use_cls=False)
        boxes = []
        for box, text, score in result or []:
            xs = [int(point[0]) for point in box]
            ys = [int(point[1]) for point in box]
            x0, top, x1, bottom = max(0, min(xs)), max(0, min(ys)), min(width, max(xs)), min(height, max(ys))
            boxes.append((x0, top, x1, bottom, str(text), float(score) * 100))
        words = []
        for i, (x0, top, x1, bottom, text, score) in enumerate(boxes):
            pieces = _ink_pieces(image[top:bottom, x0:x1])
            if len(pieces) > 1:
                # A piece another box already holds (the end of its last character) is that box's.
                others = [b for j, b in enumerate(boxes) if j != i and b[1] < bottom and top < b[3]]
                pieces = [(a, b) for a, b in pieces if not any(o[0] <= x0 + (a + b) / 2 < o[2] for o in others)]
                words.extend(self._pieces(rgb, pieces, x0, top, bottom))
            elif text.strip():
                words.append(Word(_unspaced(text), score, x0, top, x1, bottom, (0, 0, 0)))
        return _lines_by_position(words)

    def _pieces(self, rgb: np.ndarray, pieces: list[tuple[int, int]], x0: int, top: int, bottom: int) -> list[Word]:
        """A detected line that runs over a gap wider than a character (the detector joins a table's columns where
        they stand close, 梅州市第11批民生 and 梅州市教育局): each piece read by the recogniser on its own, a piece
        read below half sure or as punctuation alone (a speck) dropped."""
        margin = max(2, (bottom - top) // 4)
        words = []
        for left, right in pieces:
            crop = rgb[top:bottom, max(0, x0 + left - margin) : x0 + right + margin]
            result, _ = _rapid().text_rec(crop)
            for text, score, *_ in result or []:
                if _has_text(str(text)) and float(score) * 100 >= _PP_MIN_SCORE:
                    words.append(Word(_unspaced(str(text)), float(score) * 100, x0 + left, top, x0 + right, bottom,
                                      (0, 0, 0)))  # fmt: skip
        return words


def _ink_pieces(crop: np.ndarray) -> list[tuple[int, int]]:
    """The column ranges of a line's ink, cut where a gap is wider than four fifths of the line's height (wider than
    the space between any two characters of a word or a number)."""
    if crop.size == 0:
        return []
    inked = np.flatnonzero((crop < 128).any(axis=0))
    if not len(inked):
        return []
    gap = 0.8 * crop.shape[0]
    pieces = [[int(inked[0]), int(inked[0]) + 1]]
    for x in inked[1:].tolist():
        if x - pieces[-1][1] > gap:
            pieces.append([x, x + 1])
        else:
            pieces[-1][1] = x + 1
    return [(a, b) for a, b in pieces]


def _unspaced(text: str) -> str:
    """PP-OCR puts a space between a character and a digit (第 2 批): Chinese text has none there.

    >>> _unspaced(' 清远市第 2 批 项目 '), _unspaced('Phase 2 资金')
    ('清远市第2批项目', 'Phase 2资金')
    """
    return re.sub(rf"\s+(?=[{_CJK}（），。、：；])|(?<=[{_CJK}（），。、：；])\s+", "", text.strip())


def _lines_by_position(words: list[Word]) -> list[Word]:
    """Each word given the line it sits on: boxes whose vertical centres are within half a box's height."""
    lines: list[tuple[float, float]] = []  # centre, height of each line so far
    placed = []
    for word in sorted(words, key=lambda w: w.centre[1]):
        centre, height = word.centre[1], word.bottom - word.top
        near = [i for i, (c, h) in enumerate(lines) if abs(centre - c) <= max(height, h) / 2]
        if not near:
            lines.append((centre, height))
        index = near[0] if near else len(lines) - 1
        placed.append(Word(word.text, word.confidence, word.x0, word.top, word.x1, word.bottom, (index, 0, 0)))
    return placed


ENGINES: dict[str, Engine] = {"ppocr": PaddleOCR(), "tesseract": Tesseract()}


def engine(name: str | None = None) -> Engine:
    """The engine named (else by ``FUNDGRAPH_OCR``), or the first that can run here: PP-OCR, then Tesseract."""
    name = name or os.environ.get("FUNDGRAPH_OCR") or None
    if name is not None:
        if name not in ENGINES:
            raise ValueError(f"no OCR engine {name!r}: one of {', '.join(ENGINES)}")
        return ENGINES[name]
    return next((e for e in ENGINES.values() if e.problem() is None), ENGINES["ppocr"])


def ocr_problem() -> str | None:
    """Why OCR can't run here (None when it can)."""
    chosen = engine()
    problem = chosen.problem()
    if problem is not None and not os.environ.get("FUNDGRAPH_OCR"):
        return f"{problem}; or {_tesseract_problem()}"
    return problem


@cache
def _rapid_problem() -> str | None:
    try:
        _rapid()
    except ImportError:
        return "OCR by PP-OCR needs the package rapidocr-onnxruntime (Python < 3.13; `make setup`)"
    return None


@cache
def _rapid() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


@cache
def _tesseract_problem() -> str | None:
    """Why Tesseract can't run here (None when it can): Tesseract or its Chinese model missing."""
    if shutil.which("tesseract") is None:
        return "OCR needs Tesseract (Debian packages tesseract-ocr and tesseract-ocr-chi-sim; `make formats`)"
    try:
        languages = pytesseract.get_languages(config="")
    except (pytesseract.TesseractError, OSError, subprocess.SubprocessError) as exc:
        return f"Tesseract does not answer: {exc}"
    if LANGUAGE not in languages:
        return "OCR needs Tesseract's simplified Chinese model (Debian package tesseract-ocr-chi-sim; `make formats`)"
    return None


def images_from_bytes(data: bytes, path: str) -> list[Image.Image]:
    """The pages of an image file (a TIFF may hold several)."""
    try:
        image = Image.open(io.BytesIO(data))
        pages = [frame.convert("L") for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ParseError.of("not_an_image", Location(path), detail=str(exc)) from exc
    return pages


def images_from_pdf(pdf: Any) -> list[Image.Image]:
    """A scanned PDF's pages rendered at :data:`DPI` (pdfplumber renders with pypdfium2)."""
    return [page.to_image(resolution=DPI).original.convert("L") for page in pdf.pages]


def scan_readings(
    images: Sequence[Image.Image], path: str, doc_id: str, *, dpi: int = DPI, ocr: Engine | None = None
) -> list[RawDocument]:
    """The readings of scanned pages: their ruled tables (:func:`read_scan`) where the pages have any; else the
    words OCR found laid out by their positions (:mod:`positioned`) and read by every text layout, as a PDF's words
    are — a table without ruling lines. Every cell has its page, box (points) and confidence (its least sure word)."""
    ruled, pages = _read_pages(images, path, doc_id, dpi=dpi, ocr=ocr)
    if ruled.tables:
        return [ruled]
    from fundgraph.loaders.layouts import text_readings

    scale = _POINTS_PER_INCH / dpi

    def placed(word: Word) -> list[Glyph]:
        x0, top, x1, bottom = (v * scale for v in (word.x0, word.top, word.x1, word.bottom))
        return spread(tidy(word.text), x0, top, x1, bottom, word.confidence)

    laid = lay_out([[glyph for word in words for glyph in placed(word)] for _, words in pages])
    readings = []
    for reading in text_readings(laid.text, path, doc_id):
        reading.format = f"ocr-text/{reading.format}"
        readings.append(with_provenance(reading, laid))
    return [*readings, ruled]


def read_scan(
    images: Sequence[Image.Image], path: str, doc_id: str, *, dpi: int = DPI, ocr: Engine | None = None
) -> RawDocument:
    """The tables and prose of scanned pages; every cell has its page, box (points) and OCR confidence."""
    return _read_pages(images, path, doc_id, dpi=dpi, ocr=ocr)[0]


def _read_pages(
    images: Sequence[Image.Image], path: str, doc_id: str, *, dpi: int = DPI, ocr: Engine | None = None
) -> tuple[RawDocument, list[tuple[list[_Grid], list[Word]]]]:
    """The ruled tables and prose of scanned pages, and each page's grids and the words outside them."""
    ocr = ocr or engine()
    problem = ocr_problem() if ocr is engine() else ocr.problem()
    if problem is not None:
        raise ParseError.of("scan_without_ocr", Location(path), problem=problem)
    # Tesseract is a process per page: two pages at once keep both cores busy (onnxruntime's own threads do that
    # for PP-OCR, so its pages are read one after the other).
    workers = 1 if ocr.name == "ppocr" else max(1, min(len(images), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pages = list(pool.map(lambda image: _read_page(image, ocr), images))
    scale = _POINTS_PER_INCH / dpi
    tables, before, after = assemble(
        (
            Page(
                number,
                _prose_lines([w for w in words if not any(_within(w, grid.box) for grid in grids)]),
                [PageTable(_rows(grid, number, scale), _columns(grid, scale)) for grid in grids],
                grids[0].box[1] if grids else None,
            )
            for number, (grids, words) in enumerate(pages, start=1)
        ),
        tolerance=6.0,
    )
    if not tables and not before and not after:
        raise ParseError.of("ocr_found_nothing", Location(path), pages=len(images))
    # Once rows broken by a page are joined: a quote opened on one page is closed on the next.
    for table in tables:
        table.rows = [
            [Cell(tidy(c.text), c.row, c.col, c.line, c.page, c.box, c.confidence) for c in row] for row in table.rows
        ]
    document = RawDocument(path=path, doc_id=doc_id, format="ocr", tables=tables, before=before, after=after)
    outside = [(grids, [w for w in words if not any(_within(w, grid.box) for grid in grids)]) for grids, words in pages]
    return document, outside


def _columns(grid: _Grid, scale: float) -> tuple[float, ...]:
    """The column edges in points: the cells' left edges (clustered: a scan's lines wander a pixel) and the right."""
    return tuple(round(x * scale, 1) for x in [*_clusters([c[0] for c in grid.cells], 8), grid.box[2]])


def _read_page(image: Image.Image, ocr: Engine) -> tuple[list[_Grid], list[Word]]:
    """The page's tables with every cell read, and the words of the prose around them."""
    gray = np.array(image.convert("L"))
    gray = _straighten(gray)
    grid_mask, char_height = _ruling(gray)
    grids = _grids(grid_mask, char_height)
    # Black on white by a local threshold: a scan's speckle and paper grain stay white (Tesseract's own global
    # threshold, on a blank cell, turns them into words), and the ruling lines are painted out.
    clean = 255 - _binary(cv2.medianBlur(gray, 3))
    clean[cv2.dilate(grid_mask, np.ones((5, 5), np.uint8)) > 0] = 255
    # PP-OCR was trained on photographs of text, not on thresholded ink: it reads the grey page (lines painted out),
    # cut where the black and white one shows ink.
    source = clean
    if ocr.name == "ppocr":
        source = gray.copy()
        source[cv2.dilate(grid_mask, np.ones((5, 5), np.uint8)) > 0] = 255
    prose = clean.copy()
    for grid in grids:
        x0, top, x1, bottom = grid.box
        prose[top:bottom, x0:x1] = 255
        grid.texts = [
            _read_cell(clean[top:bottom, left:right], source[top:bottom, left:right], char_height, ocr)
            for left, top, right, bottom in grid.cells
        ]
    return grids, ocr.words(prose, psm=6)


def _read_cell(crop: np.ndarray, source: np.ndarray, char_height: int, ocr: Engine) -> tuple[str, float | None]:
    """A cell's text: its lines of ink laid end to end into one line and read as one (Tesseract strings the short
    lines of a narrow column — 省 over 级 — into nonsense, and would read a lone 序号 as a word)."""
    lines = _ink_lines(crop, char_height)
    if not lines:
        return "", None
    pieces = []
    for top, bottom in lines:
        columns = np.flatnonzero((crop[top:bottom] == 0).any(axis=0))
        pieces.append(source[top:bottom, columns[0] : columns[-1] + 1])
    if ocr.name == "ppocr":
        # PP-OCR reads each line as its detector would have cut it: the grey crop with a margin of its own page
        # (a short line padded with white, a lone 2 say, is read with made-up characters after it).
        margin = max(2, char_height // 4)
        words = []
        for top, bottom in lines:
            columns = np.flatnonzero((crop[top:bottom] == 0).any(axis=0))
            piece = source[
                max(0, top - margin) : bottom + margin, max(0, columns[0] - margin) : columns[-1] + 1 + margin
            ]
            words.extend(ocr.words(piece, psm=7))
        # As PP-OCR's own pipeline does, a line read below half sure is dropped (a speck read as 场酒), and so is a
        # line of punctuation alone beside lines of text (a speck read as 。).
        words = [w for w in words if w.confidence >= _PP_MIN_SCORE]
        if any(_has_text(w.text) for w in words):
            words = [w for w in words if _has_text(w.text)]
        return _cell_text(words)
    height = max(piece.shape[0] for piece in pieces) + char_height
    gap = np.full((height, max(2, char_height // 4)), 255, dtype=np.uint8)
    strip = [np.full((height, char_height), 255, dtype=np.uint8)]
    for piece in pieces:
        padded = np.full((height, piece.shape[1]), 255, dtype=np.uint8)
        offset = (height - piece.shape[0]) // 2
        padded[offset : offset + piece.shape[0]] = piece
        strip.extend([padded, gap])
    strip.append(np.full((height, char_height), 255, dtype=np.uint8))
    return _cell_text(ocr.words(np.hstack(strip), psm=7))


_PP_MIN_SCORE = 50.0


def _has_text(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _cell_text(words: list[Word]) -> tuple[str, float | None]:
    if not words:
        return "", None
    text = tidy(join_pieces([w.text for w in words]))
    # The cell is as sure as its least sure word; a lone punctuation mark's score says nothing of the text.
    scored = [w.confidence for w in words if any(ch.isalnum() for ch in w.text)] or [w.confidence for w in words]
    return text, min(scored)


def _ink_lines(crop: np.ndarray, char_height: int) -> list[tuple[int, int]]:
    """The bands of rows that hold one line of text: runs of inked rows, merged while they fit in a character's
    height (二 and 三 have gaps inside them as wide as the gap between lines)."""
    inked = (crop == 0).sum(axis=1) > 0
    if int((crop == 0).sum()) < 2 * char_height:
        return []  # blank (a speck or two)
    runs: list[list[int]] = []
    start = None
    for y, on in enumerate([*inked.tolist(), False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            runs.append([start, y])
            start = None
    lines: list[list[int]] = []
    for run in runs:
        if lines and run[1] - lines[-1][0] <= char_height * 1.25:
            lines[-1][1] = run[1]
        else:
            lines.append(run)
    # A band much thinner than a character is a speck, a stray bit of ruling, or a full stop on its own.
    return [(top, bottom) for top, bottom in lines if bottom - top >= char_height * 0.25]


def _binary(gray: np.ndarray) -> np.ndarray:
    return cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 31, -15)


def _char_height(binary: np.ndarray) -> int:
    """The usual height of a character: the median of the blobs of text size."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    text = heights[(heights > 12) & (heights < 120) & (widths < 120)]
    return int(np.median(text)) if len(text) else 24


def _horizontal(binary: np.ndarray) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, binary.shape[1] // 30), 1))
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)


def _straighten(gray: np.ndarray) -> np.ndarray:
    """Rotate the page so that its long horizontal lines (a table's rules) are level."""
    lines = cv2.HoughLinesP(
        _horizontal(_binary(gray)), 1, np.pi / 1800, threshold=200, minLineLength=gray.shape[1] // 4, maxLineGap=20
    )
    if lines is None:
        angle = _text_angle(gray)
    else:
        angles = [np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines.reshape(-1, 4)]
        angle = float(np.median([a for a in angles if abs(a) < 10] or [0.0]))
    if abs(angle) < 0.05:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


def _text_angle(gray: np.ndarray) -> float:
    """A page without rules is straightened by its lines of text: the turn (within 2.5°, by tenths) at which the
    rows of ink are sharpest — the row sums' variance is greatest when each line of text lies on rows of its own."""
    small = cv2.resize(_binary(gray), None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    height, width = small.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(small, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=0)
        return float(np.var(turned.sum(axis=1, dtype=np.float64)))

    return max((a / 10 for a in range(-25, 26)), key=lambda a: (sharpness(a), -abs(a)))


def _ruling(gray: np.ndarray) -> tuple[np.ndarray, int]:
    """The ruling lines: horizontal runs longer than a word, vertical ones taller than any character stroke."""
    binary = _binary(gray)
    char_height = _char_height(binary)
    vertical_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(char_height * 1.6)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, vertical_kernel)
    mask = cv2.dilate(_horizontal(binary) | vertical, np.ones((3, 3), np.uint8))
    return mask, char_height


def _grids(mask: np.ndarray, char_height: int) -> list[_Grid]:
    """Each table's box and the cells its lines enclose, top to bottom."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    grids = []
    for index in range(1, count):
        x, y, w, h = (int(v) for v in stats[index, :4])
        if w < mask.shape[1] * _MIN_TABLE_WIDTH or h < 3 * char_height:
            continue
        region = 255 - mask[y : y + h, x : x + w]
        inner, _, cell_stats, _ = cv2.connectedComponentsWithStats(region, connectivity=4)
        cells = []
        for cell in range(1, inner):
            cx, cy, cw, ch = (int(v) for v in cell_stats[cell, :4])
            touches_edge = cx == 0 or cy == 0 or cx + cw >= w or cy + ch >= h
            if touches_edge or cw < char_height or ch < char_height * 0.8:
                continue
            cells.append((x + cx, y + cy, x + cx + cw, y + cy + ch))
        if len(cells) >= 2:
            grids.append(_Grid((x, y, x + w, y + h), sorted(cells, key=lambda c: (c[1], c[0]))))
    return sorted(grids, key=lambda g: g.box[1])


def _words(image: np.ndarray, *, psm: int) -> list[Word]:
    # One thread per Tesseract: pages are read side by side, and OpenMP threads on top of that only contend.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = pytesseract.image_to_data(
        Image.fromarray(image), lang=LANGUAGE, config=f"--psm {psm}", output_type=pytesseract.Output.DICT
    )
    words = []
    for i, text in enumerate(data["text"]):
        text = text.strip()
        if not text or float(data["conf"][i]) < 0:
            continue
        x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        line = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        words.append(Word(text, float(data["conf"][i]), x, y, x + w, y + h, line))
    return words


def _within(word: Word, box: tuple[int, int, int, int]) -> bool:
    cx, cy = word.centre
    return box[0] <= cx < box[2] and box[1] <= cy < box[3]


def _rows(grid: _Grid, page: int, scale: float) -> list[list[Cell]]:
    """Cells into rows and columns by their top and left edges (merged cells sit in the first they span)."""
    tolerance = 8
    tops = _clusters([c[1] for c in grid.cells], tolerance)
    lefts = _clusters([c[0] for c in grid.cells], tolerance)
    rows: dict[int, list[Cell]] = {}
    for box, (text, confidence) in zip(grid.cells, grid.texts, strict=True):
        row = _cluster_of(box[1], tops)
        col = _cluster_of(box[0], lefts) + 1
        points = (
            round(box[0] * scale, 1),
            round(box[1] * scale, 1),
            round(box[2] * scale, 1),
            round(box[3] * scale, 1),
        )
        rows.setdefault(row, []).append(Cell(text, 0, col, page=page, box=points, confidence=confidence))
    return [sorted(rows[r], key=lambda c: c.col) for r in sorted(rows)]


def _clusters(values: list[int], tolerance: int) -> list[int]:
    centres: list[int] = []
    for value in sorted(values):
        if not centres or value - centres[-1] > tolerance:
            centres.append(value)
    return centres


def _cluster_of(value: int, centres: list[int]) -> int:
    return min(range(len(centres)), key=lambda i: abs(centres[i] - value))


def _by_line(words: list[Word]) -> list[list[Word]]:
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    return sorted(grouped.values(), key=lambda line: min(w.top for w in line))


def _prose_lines(words: list[Word]) -> list[tuple[float, str]]:
    """Words outside the tables as lines of prose (Tesseract's own line grouping), top to bottom."""
    return [(min(w.top for w in line), tidy(join_pieces([w.text for w in sorted(line, key=lambda w: w.x0)])))
            for line in _by_line(words)]  # fmt: skip


_CJK = "\u4e00-\u9fff"
_STRAY = re.compile(rf"(?<=[{_CJK}])[.·'`](?=[{_CJK}])|(?<=[{_CJK}])[.．·]$")
# A speck read before a decimal number: no number has two points (.214.76), so the first is no part of it.
_SPECK_BEFORE_NUMBER = re.compile(r"^[.．·'`]+\s*(?=\d[\d,]*\.\d+$)")
_ASCII_AFTER_CJK = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_OPENERS, _CLOSERS = "（(〈《〔【", "）)〉》〕】"


def tidy(text: str) -> str:
    """Chinese punctuation where Tesseract gave ASCII or look-alikes, in text with Chinese in it: brackets paired
    as （ ）, quotes alternating “ ”, a comma or colon after a character full width, and a stray full stop between
    two characters or after the last (a speck) dropped; and a speck before a decimal number. Letters and digits
    are never changed.

    >>> tidy('省地方金融监管局(2024年〉项目'), tidy('汕尾市金融.局'), tidy('发展工程“示范"项目')
    ('省地方金融监管局（2024年）项目', '汕尾市金融局', '发展工程“示范”项目')
    >>> tidy('. 214.76'), tidy('.25'), tidy('第11批民生．')
    ('214.76', '.25', '第11批民生')
    """
    text = _SPECK_BEFORE_NUMBER.sub("", text)
    if not re.search(f"[{_CJK}]", text):
        return text
    text = _STRAY.sub("", text)
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in _ASCII_AFTER_CJK and i and re.match(f"[{_CJK}]", chars[i - 1]):
            chars[i] = _ASCII_AFTER_CJK[ch]
    opened: list[int] = []
    for i, ch in enumerate(chars):
        if ch in _OPENERS:
            opened.append(i)
        elif ch in _CLOSERS and opened:
            start = opened.pop()
            pair = chars[start] + ch
            # A book title stays 《》 when both ends say so; any other mix of brackets is a misread （）.
            if pair not in ("《》", "【】", "〔〕"):
                chars[start], chars[i] = "（", "）"
    quote = 0
    for i, ch in enumerate(chars):
        if ch in '“”"':
            chars[i] = "“" if quote % 2 == 0 else "”"
            quote += 1
    return "".join(chars)
