"""The document viewer and the review desk: a loaded document's bytes (from the archive, by doc_id only) shown as its
reader laid them out, and a refused or unverified one read with a person's reading recipe — previewed, then saved
into the recipes folder and loaded.

Policy lives here, once, for the API (and any other caller): a document is named by its doc_id and found through
the store, never by a path from the caller; a recipe is validated (unknown keys refused) and always names the
document it is for; a recipe the document contradicts is refused with the located error and nothing is saved or
written; a saved recipe is written atomically, then the document is loaded from the archive's bytes under the path
it was first loaded from.

>>> recipe_from("a" * 64, {"table": 1, "columns": {"name": 2, "amount": 3}, "unit": "万元"}).document == "a" * 64
True
>>> recipe_from("a" * 64, {"columns": {"name": 2, "amount": 3}, "unit": "万元", "shell": "rm"})
Traceback (most recent call last):
...
fundgraph.review.RecipeRefused: the recipe has keys no recipe has: shell
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from neo4j import Driver

from fundgraph.errors import Location, ParseError, UnknownDocument
from fundgraph.graph import archive
from fundgraph.loaders import TEXT_SUFFIXES, document_readings, read_plans
from fundgraph.loaders.cells import RawDocument
from fundgraph.loaders.explain import candidates, line_blocks
from fundgraph.loaders.model import Plan
from fundgraph.loaders.readers.decoding import decode_text
from fundgraph.loaders.recipes import Recipe
from fundgraph.loading import LoadReport, load_bytes
from fundgraph.money import UNIT_TO_WAN, format_wan
from fundgraph.queries import run_query

# What a recipe may say, and nothing else (fundgraph.loaders.recipes).
RECIPE_KEYS = frozenset({"reading", "table", "lines", "separator", "header_row", "columns", "unit", "total"})
# The statuses a reviewer reads with a recipe: what the machine could not read, or read without a check.
REVIEWABLE = ("refused", "unverified")
# Page images: pixels per point (2 = 144 dpi), and the largest page side drawn, in pixels.
PAGE_SCALE = 2.0
MAX_PAGE_PIXELS = 4000


class RecipeRefused(ParseError):
    """A recipe that is not one (unknown keys, a bad column), or that the document contradicts."""

    def __init__(
        self,
        message: str,
        where: Location | None = None,
        *,
        code: str = "",
        arguments: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, where or Location("recipe"), code=code, arguments=arguments)
        self.args = (message,)

    @classmethod
    def wrapping(cls, error: ParseError, where: Location | None = None) -> RecipeRefused:
        """The refusal of a recipe that ``error`` refused (its code and arguments), at ``where`` in the document."""
        return cls(error.message, where, code=error.code, arguments=error.arguments)

    def __str__(self) -> str:
        return self.message if self.where.path == "recipe" else f"{self.where}: {self.message}"

    def as_message(self, path: str | None = None) -> dict[str, Any] | None:
        # A recipe's own fault has no place in the document: its reason alone, as str() says it.
        return self.reason() if self.where.path == "recipe" else super().as_message(path)


@dataclass(frozen=True)
class Document:
    """A loaded document as the store lists it, and its bytes from the archive."""

    doc_id: str
    path: str
    status: str
    error: str | None
    data: bytes
    # A refused document's error as a message (``{code, args}``) to render in zh or en; None where it has none.
    refusal: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def is_text(self) -> bool:
        return Path(self.path).suffix.lower() in TEXT_SUFFIXES


def document(driver: Driver, database: str, folder: Path, doc_id: str) -> Document:
    """The document loaded as ``doc_id``, with its bytes; UnknownDocument when it is not loaded or not kept."""
    rows = run_query(driver, "documents", {"doc_id": doc_id}, database=database).rows
    if not rows:
        raise UnknownDocument(f"no document {doc_id[:12]}… is loaded")
    data = archive.fetch(folder, doc_id)
    if data is None:
        raise UnknownDocument(f"document {doc_id[:12]}… is not in the archive (loaded before it was kept)")
    row = rows[0]
    refusal = json.loads(row["refusal"]) if row.get("refusal") else None
    return Document(doc_id, row["path"] or "document", row["status"] or "verified", row["error"], data, refusal)


# The viewer.


def _cells(reading: RawDocument) -> list[dict[str, Any]]:
    return [
        {
            "index": table.index,
            "rows": [
                [
                    {
                        "text": c.text,
                        "row": c.row,
                        "col": c.col,
                        "line": c.line,
                        "page": c.page,
                        "box": None if c.box is None else list(c.box),
                        "confidence": c.confidence,
                    }
                    for c in row
                ]
                for row in table.rows
            ],
        }
        for table in reading.tables
    ]


def _reading(doc: Document) -> RawDocument | None:
    """The reading the plans were taken from (the recipe's, where one is kept), else the first the reader gave."""
    try:
        return read_plans(doc.data, doc.path, accept_unverified=True).document
    except ParseError:
        try:
            readings = document_readings(doc.data, doc.path)
        except ParseError:
            return None
        return readings[0] if readings else None


def view(driver: Driver, database: str, doc: Document) -> dict[str, Any]:
    """What the viewer shows: a text's lines; a PDF's or a scan's pages (their size in points); an Office file's
    cells as its reader laid them out; and the cells the graph cites (row, column, line, page, box in points from
    the page's top-left, OCR confidence), from the store: a scan is never read by OCR again to be looked at."""
    suffix = Path(doc.path).suffix.lower()
    kind = "text" if doc.is_text else "pages" if suffix in (".pdf", *_IMAGE_SUFFIXES) else "cells"
    cited = run_query(driver, "document_cells", {"doc_id": doc.doc_id}, database=database).rows
    reading = _reading(doc) if kind == "cells" else None
    return {
        "doc_id": doc.doc_id,
        "name": doc.name,
        "status": doc.status,
        "error": doc.error,
        "refusal": doc.refusal,
        "kind": kind,
        "reading": reading.format if reading else None,
        "lines": decode_text(doc.data, doc.path)[0].splitlines() if kind == "text" else None,
        "pages": _page_sizes(doc) if kind == "pages" else None,
        "tables": _cells(reading) if reading else [],
        "cited": cited,
    }


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


def _page_sizes(doc: Document) -> list[dict[str, float]]:
    if Path(doc.path).suffix.lower() != ".pdf":
        width, height = _image(doc).size
        points = _image_points()
        return [{"page": 1, "width": width * points, "height": height * points}]
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(doc.data)
    try:
        return [
            {"page": n, "width": pdf[n - 1].get_width(), "height": pdf[n - 1].get_height()}
            for n in range(1, len(pdf) + 1)
        ]
    finally:
        pdf.close()


def _image(doc: Document) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(doc.data))


def _image_points() -> float:
    """Points per pixel of an image read by OCR (its boxes are in points at the reader's resolution)."""
    from fundgraph.loaders.readers.ocr import DPI

    return 72 / DPI


def page_png(doc: Document, page: int) -> bytes:
    """A PDF's page (or an image) drawn as PNG at PAGE_SCALE pixels a point; UnknownDocument for a page it lacks."""
    suffix = Path(doc.path).suffix.lower()
    out = io.BytesIO()
    if suffix in _IMAGE_SUFFIXES:
        if page != 1:
            raise UnknownDocument(f"an image has one page, not {page}")
        image = _image(doc)
        image.thumbnail((MAX_PAGE_PIXELS, MAX_PAGE_PIXELS))
        image.convert("RGB").save(out, "PNG", compress_level=3)
        return out.getvalue()
    if suffix != ".pdf":
        raise UnknownDocument(f"{doc.name} has no pages to draw: it is shown as its lines or cells")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(doc.data)
    try:
        if not 1 <= page <= len(pdf):
            raise UnknownDocument(f"{doc.name} has {len(pdf)} page(s), not a page {page}")
        sheet = pdf[page - 1]
        scale = min(PAGE_SCALE, MAX_PAGE_PIXELS / max(sheet.get_width(), sheet.get_height(), 1))
        sheet.render(scale=scale).to_pil().save(out, "PNG", compress_level=3)
    finally:
        pdf.close()
    return out.getvalue()


# The review desk.


def candidates_of(doc: Document) -> dict[str, Any]:
    """What a recipe can name: each reading's tables with their first rows, and a text's runs of lines that split
    into cells (fundgraph.loaders.explain), with the document's status and error."""
    readings = document_readings(doc.data, doc.path)
    return {
        "doc_id": doc.doc_id,
        "name": doc.name,
        "status": doc.status,
        "error": doc.error,
        "refusal": doc.refusal,
        "candidates": [
            {
                "reading": c.reading,
                "table": c.table,
                "rows": c.rows,
                "first_rows": [[vars(x) for x in r] for r in c.first_rows],
            }
            for c in candidates(readings)
        ],
        "line_blocks": [
            {"separator": b.separator, "lines": list(b.lines), "first": b.first}
            for b in line_blocks(doc.data, doc.path)
        ],
        "lines": decode_text(doc.data, doc.path)[0].splitlines() if doc.is_text else None,
        "units": list(UNIT_TO_WAN),
    }


def recipe_from(doc_id: str, fields: dict[str, Any]) -> Recipe:
    """A recipe for ``doc_id`` from a reviewer's choices, validated as a recipe file is; RecipeRefused when it has a
    key no recipe has or a value no recipe takes."""
    unknown = sorted(set(fields) - RECIPE_KEYS)
    if unknown:
        raise RecipeRefused.of("recipe_unknown_keys", Location("recipe"), keys=unknown)
    data = {k: v for k, v in fields.items() if v is not None}
    if isinstance(data.get("columns"), dict):
        data["columns"] = {k: v for k, v in data["columns"].items() if v is not None}
    data["document"] = doc_id
    try:
        recipe = Recipe.from_yaml(_yaml(data), f"{doc_id}.yaml")
    except ParseError as error:
        raise RecipeRefused.wrapping(error) from None
    if recipe.extra:
        raise RecipeRefused.of("recipe_unknown_keys", Location("recipe"), keys=sorted(recipe.extra))
    return recipe


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None)


def _read(doc: Document, recipe: Recipe) -> list[Plan]:
    try:
        return read_plans(doc.data, doc.path, recipe=recipe).plans
    except RecipeRefused:
        raise
    except ParseError as error:
        where = Location(
            doc.name, error.where.table, error.where.row, error.where.col, error.where.line, error.where.page
        )
        raise RecipeRefused.wrapping(error, where) from None


def preview(doc: Document, recipe: Recipe) -> dict[str, Any]:
    """The plan the recipe reads — its rows, totals, status and problems — without saving or writing anything;
    RecipeRefused, located, when the document contradicts it."""
    return {"doc_id": doc.doc_id, "recipe": recipe_text(recipe), "plans": [_plan(p) for p in _read(doc, recipe)]}


def _plan(plan: Plan) -> dict[str, Any]:
    stated = plan.stated_total
    return {
        "title": plan.title,
        "unit": plan.unit,
        "status": plan.status,
        "read_by": plan.read_by,
        "stated_total": None if stated is None else format_wan(stated),
        "computed_total": format_wan(plan.computed_total),
        "reconciled": stated is not None and stated == plan.computed_total,
        "problems": [{"code": p.code, "message": p.message} for p in plan.problems],
        "rows": [
            {
                "seq": p.seq,
                "name": p.name,
                "applicant": p.applicant,
                "implementer": p.implementer,
                "amount": None if p.amount is None else format_wan(p.amount),
                "amount_text": p.amount_text,
                "row": p.source.row,
                "line": p.source.line,
            }
            for p in plan.projects
        ],
    }


def recipe_text(recipe: Recipe) -> str:
    """The recipe as its YAML file says it."""
    data: dict[str, Any] = {"document": recipe.document}
    if recipe.lines is not None:
        data["lines"] = list(recipe.lines)
        if recipe.separator is not None:
            data["separator"] = recipe.separator
    else:
        if recipe.reading is not None:
            data["reading"] = recipe.reading
        data["table"] = recipe.table
    if recipe.header_row != 1:
        data["header_row"] = recipe.header_row
    data["columns"] = dict(recipe.columns)
    data["unit"] = recipe.unit
    if recipe.total is not None:
        data["total"] = str(recipe.total)
    return _yaml(data)


def save(driver: Driver, doc: Document, recipe: Recipe, folder: Path, archived: Path) -> dict[str, Any]:
    """Read the document with the recipe (refused, with nothing saved, when it contradicts it), write the recipe as
    ``<doc_id>.yaml`` in the recipes folder, and load the document from the archive's bytes."""
    plans = _read(doc, recipe)
    text = recipe_text(recipe)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{doc.doc_id}.yaml"
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, prefix=".incoming-") as out:
        out.write(text)
    os.replace(out.name, target)
    report: LoadReport = load_bytes(driver, doc.data, doc.path, recipe=Recipe.load(target), archived=archived)
    return {
        "doc_id": doc.doc_id,
        "recipe": text,
        "saved_as": target.name,
        "plans": [_plan(p) for p in plans],
        "loaded": [r.as_dict() | {"path": Path(r.path).name} for r in report.loaded],
    }
