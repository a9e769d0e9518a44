"""Documents -> tables -> plan records. Nothing here imports neo4j.

>>> from fundgraph.loaders import SUPPORTED_SUFFIXES
>>> ".docx" in SUPPORTED_SUFFIXES
True
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from fundgraph.errors import EmptyTableError, Location, ParseError
from fundgraph.loaders.cells import RawDocument, TextLine
from fundgraph.loaders.layouts import is_fallback, layout_terms, text_readings
from fundgraph.loaders.model import Plan, Problem, Source
from fundgraph.loaders.notice import read_notice
from fundgraph.loaders.plan import build_plans, find_headers
from fundgraph.loaders.readers import IMAGE_SUFFIXES
from fundgraph.loaders.readers.convert import CONVERTED, convert
from fundgraph.loaders.readers.csv_reader import read_csv
from fundgraph.loaders.readers.decoding import decode_text
from fundgraph.loaders.readers.html_reader import looks_like_html
from fundgraph.loaders.recipes import Recipe, apply_recipe, recipe_for

SUPPORTED_SUFFIXES = (
    *(".txt", ".text", ".md", ".html", ".htm", ".docx", ".xlsx", ".csv", ".tsv", ".pdf", ".ofd", ".xls"),
    *CONVERTED,
    *sorted(IMAGE_SUFFIXES),
)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Plan",
    "parse_bytes",
    "parse_path",
    "parse_plans",
    "plans_from_bytes",
    "read_document",
]


def max_document_bytes() -> int:
    from fundgraph.config import get_settings

    return int(get_settings().max_document_mb * 1024 * 1024)


TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm", ""})


def _doc_id(data: bytes, path: str) -> str:
    """The document's content hash, once its size is checked."""
    limit = max_document_bytes()
    if len(data) > limit:
        size, most = f"{len(data) / 1048576:.0f}", f"{limit / 1048576:.0f}"
        raise ParseError.of("too_large", Location(path), size=size, limit=most)
    return hashlib.sha256(data).hexdigest()


def read_document(data: bytes, path: str) -> RawDocument:
    """Pick the reader by the file's suffix (and, for text, by its layout) and read the tables out of it."""
    doc_id = _doc_id(data, path)
    suffix = Path(path).suffix.lower()
    # The office readers are imported when their formats are met: python-docx and openpyxl (which loads numpy) are
    # 0.7 s of every start of a command that reads text.
    if suffix in {".docx", ".xlsx", ".xlsm", ".xls"} or suffix in CONVERTED:
        from fundgraph.loaders.readers.docx_reader import read_docx
        from fundgraph.loaders.readers.xls_reader import read_xls
        from fundgraph.loaders.readers.xlsx_reader import read_xlsx
    if suffix == ".docx":
        return read_docx(data, path, doc_id)
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(data, path, doc_id)
    if suffix in IMAGE_SUFFIXES:
        scans = _image_readings(data, path, doc_id)
        return next((document for document in scans if find_headers(document)), scans[0])
    if suffix == ".xls":
        return read_xls(data, path, doc_id)
    if suffix in CONVERTED:
        # Read as LibreOffice's .docx/.xlsx of it; the document keeps its own bytes' hash and path.
        converted, kind = convert(data, path)
        document = read_docx(converted, path, doc_id) if kind == "docx" else read_xlsx(converted, path, doc_id)
        document.format = f"{suffix.lstrip('.')} (as .{kind} by LibreOffice)"
        return document
    if suffix in {".csv", ".tsv"}:
        return read_csv(data, path, doc_id)
    if suffix in TEXT_SUFFIXES:
        return read_text(decode_text(data, path)[0], path, doc_id)
    if suffix in {".pdf", ".ofd"}:
        readings = pdf_readings if suffix == ".pdf" else ofd_readings
        for document in readings(data, path, doc_id):
            if find_headers(document):
                return document
        raise _no_table(path)
    raise ParseError.of("unsupported_format", Location(path), suffix=suffix, formats=list(SUPPORTED_SUFFIXES))


def read_text(text: str, path: str, doc_id: str) -> RawDocument:
    """The first reading of a text that holds a table (see :func:`text_readings`)."""
    readings = text_readings(text, path, doc_id)
    for document in readings:
        if find_headers(document):
            return document
    raise next((r.error for r in readings if r.error is not None), None) or _no_table(path)


def _no_table(path: str) -> ParseError:
    if path.lower().endswith(".pdf"):
        return ParseError.of("no_table_pdf", Location(path), layouts=layout_terms())
    return ParseError.of("no_table", Location(path), layouts=layout_terms())


@dataclass(frozen=True)
class Reading:
    """The reading chosen for a document, its plans, and what the other readings gave (for --explain)."""

    document: RawDocument
    plans: list[Plan]
    others: list[str]


def document_readings(data: bytes, path: str) -> list[RawDocument]:
    """Every reading of a document: its format's reader's, or each text layout's (most specific first)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return pdf_readings(data, path, _doc_id(data, path))
    if suffix == ".ofd":
        return ofd_readings(data, path, _doc_id(data, path))
    if suffix in IMAGE_SUFFIXES:
        return _image_readings(data, path, _doc_id(data, path))
    if suffix in TEXT_SUFFIXES:
        return text_readings(decode_text(data, path)[0], path, _doc_id(data, path))
    return [read_document(data, path)]


def read_plans(data: bytes, path: str, *, accept_unverified: bool = False, recipe: Recipe | None = None) -> Reading:
    """Every plan a document holds (one per table), from the reading whose plans are most faithful — or, where a
    person's reading recipe is given or kept for the document (fundgraph.loaders.recipes), the one it describes.

    Readings are compared by whether their rows add up to the totals they state, then by the order of
    :func:`text_readings`. The error of the first reading that found a header is raised when none gives a plan.
    """
    readings = document_readings(data, path)
    doc_id = readings[0].doc_id if readings else _doc_id(data, path)
    recipe = recipe or recipe_for(doc_id, recipes_folder())
    if recipe is not None:
        text = decode_text(data, path)[0] if Path(path).suffix.lower() in TEXT_SUFFIXES else None
        document, plan = apply_recipe(recipe, readings, path, doc_id, text)
        reading = Reading(document, [plan], [])
    elif len(readings) == 1:
        if readings[0].error is not None:
            raise readings[0].error
        reading = Reading(readings[0], build_plans(readings[0]), [])
    else:
        reading = _best_reading(readings, path)
    if reading.document.format.startswith("ocr"):
        reading = Reading(reading.document, check_ocr(reading.plans, accept_unverified), reading.others)
    lines, cells = notice_lines(data, path, reading.document)
    notice = read_notice(lines, table_lines=cells)
    return Reading(reading.document, [replace(p, notice=notice) for p in reading.plans], reading.others)


def notice_lines(data: bytes, path: str, document: RawDocument) -> tuple[list[TextLine], frozenset[int]]:
    """The lines a notice's own data is read from, and which of them are its tables' cells: a text file's every
    line as numbered in the file (a 文号 may stand anywhere, a table's 文号 column too), else the prose the reader
    found before and after the tables."""
    if Path(path).suffix.lower() in TEXT_SUFFIXES:
        text = decode_text(data, path)[0]
        if not looks_like_html(text):
            cells = frozenset(
                cell.line + k
                for table in document.tables
                for row in table.rows
                for cell in row
                if cell.line is not None
                for k in range(cell.text.count("\n") + 1)
            )
            return [TextLine(line, line=n) for n, line in enumerate(text.splitlines(), start=1)], cells
    return [*document.before, *document.after], frozenset()


def check_ocr(plans: list[Plan], accept_unverified: bool) -> list[Plan]:
    """A plan read by OCR is trusted as far as its numbers check out: its rows must add up to its stated total, or
    it is refused with the amount cells and their confidence (least sure first). With no total to check against it
    is refused, unless the caller accepts it unverified — then it says so (``ocr_unverified``) wherever it goes."""
    checked = []
    for plan in plans:
        where = Location(plan.path, plan.table)
        cells = sorted(
            (p.cells["amount"] for p in plan.projects if "amount" in p.cells),
            key=lambda c: c.confidence if c.confidence is not None else 100.0,
        )
        listing = "; ".join(
            f"page {c.page} row {c.row} column {c.col} confidence {c.confidence if c.confidence is not None else '?'}"
            for c in cells[:8]
        )
        if plan.stated_total is not None and plan.stated_total != plan.computed_total:
            computed, stated = str(plan.computed_total), str(plan.stated_total)
            raise ParseError.of("ocr_total_mismatch", where, computed=computed, stated=stated, cells=listing)
        if plan.stated_total is None:
            if not accept_unverified:
                raise ParseError.of("ocr_no_total", where)
            problem = Problem.of(
                "ocr_unverified", Source(plan.doc_id, plan.table), amounts=len(cells), least_sure=listing or "none"
            )
            plan = replace(plan, problems=(*plan.problems, problem))
        checked.append(plan)
    return checked


_SCANS: OrderedDict[str, list[RawDocument]] = OrderedDict()
_SCANS_LOCK = threading.Lock()
_SCANS_KEPT = 4


def _ocr() -> ModuleType:
    """The OCR reader, imported when a scan is met: it loads OpenCV and pytesseract (which loads pandas), 1.1 s of
    every start of a command that reads no scan."""
    from fundgraph.loaders.readers import ocr

    return ocr


def _image_readings(data: bytes, path: str, doc_id: str) -> list[RawDocument]:
    ocr = _ocr()
    return _scan(
        f"{ocr.engine().name}:{doc_id}:{path}",
        lambda: ocr.scan_readings(ocr.images_from_bytes(data, path), path, doc_id),
    )


def _scan(key: str, read: Callable[[], list[RawDocument]]) -> list[RawDocument]:
    """OCR is seconds a page, and a load reads each file twice (the check, then the write): the last few scans
    read in this process are kept, by engine, content hash and path."""
    with _SCANS_LOCK:
        if key in _SCANS:
            _SCANS.move_to_end(key)
            return copy.deepcopy(_SCANS[key])
    document = read()
    with _SCANS_LOCK:
        _SCANS[key] = copy.deepcopy(document)
        while len(_SCANS) > _SCANS_KEPT:
            _SCANS.popitem(last=False)
    return document


def pdf_readings(data: bytes, path: str, doc_id: str) -> list[RawDocument]:
    """A PDF's ruled tables (continued over pages), then its words laid out as text for the text readers."""
    # pdfplumber is imported when a PDF is met (0.2 s of every start).
    from fundgraph.loaders.readers.pdf_reader import MIN_TEXT_CHARS, layout_text, open_pdf, read_pdf_tables, text_chars

    with open_pdf(data, path) as pdf:
        if text_chars(pdf) < MIN_TEXT_CHARS:
            ocr = _ocr()
            return _scan(
                f"{ocr.engine().name}:{doc_id}:{path}",
                lambda: ocr.scan_readings(ocr.images_from_pdf(pdf), path, doc_id),
            )
        ruled = read_pdf_tables(pdf, path, doc_id)
        laid = layout_text(pdf)
    readings = [ruled] if ruled.tables else []
    for reading in text_readings(laid.text, path, doc_id):
        reading.format = f"pdf-text/{reading.format}"
        readings.append(reading)
    return readings


def ofd_readings(data: bytes, path: str, doc_id: str) -> list[RawDocument]:
    """An OFD's text layer laid out by its glyphs' positions, read by every text layout; each cell given the page
    and box its glyphs have."""
    from fundgraph.loaders.readers.ofd_reader import read_ofd_text
    from fundgraph.loaders.readers.positioned import with_provenance

    laid = read_ofd_text(data, path)
    readings = []
    for reading in text_readings(laid.text, path, doc_id):
        reading.format = f"ofd-text/{reading.format}"
        readings.append(with_provenance(reading, laid))
    return readings


def _best_reading(readings: list[RawDocument], path: str) -> Reading:
    best: tuple[tuple[int, int], RawDocument, list[Plan]] | None = None
    first_error: ParseError | None = None
    empty_error: ParseError | None = None
    others: list[str] = []
    for priority, reading in enumerate(readings):
        if is_fallback(reading) and (best is not None or first_error is not None):
            break  # prose is read only where no table is found: a table (or its error) is better evidence
        if reading.error is not None:
            others.append(f"{reading.format}: {reading.error.message}")
            first_error = first_error or reading.error
            continue
        if not find_headers(reading):
            others.append(f"{reading.format}: no header naming something funded and money")
            continue
        try:
            plans = build_plans(reading)
        except EmptyTableError as error:
            others.append(f"{reading.format}: {error.message}")
            empty_error = empty_error or error
            continue
        except ParseError as error:
            others.append(f"{reading.format}: {error.message}")
            first_error = first_error or error
            continue
        reconciled = all(p.stated_total is not None and p.stated_total == p.computed_total for p in plans)
        others.append(f"{reading.format}: {len(plans)} plan(s), {'' if reconciled else 'not '}reconciled")
        score = (1 if reconciled else 0, -priority)
        if best is None or score > best[0]:
            best = (score, reading, plans)
    if best is not None:
        return Reading(best[1], best[2], others)
    raise first_error or empty_error or _no_table(path)


def plans_from_bytes(
    data: bytes, path: str, *, accept_unverified: bool = False, recipe: Recipe | None = None
) -> list[Plan]:
    return read_plans(data, path, accept_unverified=accept_unverified, recipe=recipe).plans


def recipes_folder() -> Path:
    from fundgraph.config import get_settings

    return get_settings().recipes


def parse_bytes(data: bytes, path: str) -> Plan:
    plans = plans_from_bytes(data, path)
    if len(plans) > 1:
        raise ParseError.of("several_plans", Location(path), count=len(plans))
    return plans[0]


def read_file(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ParseError.of("cannot_read_file", Location(str(path)), reason=exc.strerror) from exc


def parse_path(path: str | Path) -> Plan:
    """Read and interpret a document holding one table; raises ParseError naming file, row and column on bad input."""
    return parse_bytes(read_file(path), str(path))


def parse_plans(path: str | Path, *, accept_unverified: bool = False, recipe: Recipe | None = None) -> list[Plan]:
    """Every plan in a document: one per table. ``accept_unverified`` lets a scan with no stated total through,
    marked ``ocr_unverified``; ``recipe`` reads it as a person decided (else a recipe kept for it, if any)."""
    return plans_from_bytes(read_file(path), str(path), accept_unverified=accept_unverified, recipe=recipe)
