"""Reading recipes: a person's decision, in a few lines of YAML, for a document the machine cannot read on its own.

``fundgraph parse FILE --explain`` lists the candidate tables (each reading's tables, their rows and columns); a
recipe names one, which column is the name, the amount, the applicant and the implementer, the unit, and optionally
the total the document states outside the table::

    document: '5f0c…'    # the document's sha256 (its doc_id); a recipe is never applied to other bytes
    reading: pipe-table  # optional: the layout, as --explain names it (default: the first with that table)
    table: 1             # or, in a text, the lines that hold the table (header first) and what parts cells:
    # lines: [3, 6]      #   | or a tab or two spaces, found from the lines unless `separator` says
    header_row: 1        # optional: the table's row that holds the header (default 1; data follow it)
    columns: {name: 2, amount: 3, applicant: 2}
    unit: 万元
    total: "300"         # optional: the total the notice states, in that unit

The plan is then built as any plan is — totals found, rows checked, problems reported — and checked like any
reading: a recipe the document contradicts (its amount column holds text, its rows do not add up to the stated
total) is refused with the reason. Plans read this way say so (``read_by: recipe``) wherever they go. Recipes are
found by the document's sha256 in ``FUNDGRAPH_RECIPES`` (default ``data/recipes/``), or given with
``parse --recipe FILE``.

>>> r = Recipe.from_yaml("table: 1\\ncolumns: {name: 2, amount: 3}\\nunit: 万元\\n", "r.yaml")
>>> r.columns, r.unit, r.header_row
({'name': 2, 'amount': 3}, '万元', 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine, clean_cell_text
from fundgraph.loaders.model import Plan
from fundgraph.loaders.plan import HeaderMap, build_from_header
from fundgraph.money import UNIT_TO_WAN, to_wan

UNITS = tuple(UNIT_TO_WAN)

FIELDS = ("name", "amount", "applicant", "implementer", "summary", "approval", "seq")
SEPARATORS = ("|", "\t", "  ")
_DOC_ID = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Recipe:
    source: str  # the recipe file, for errors
    table: int
    columns: dict[str, int]
    unit: str
    document: str | None = None
    reading: str | None = None
    header_row: int = 1
    total: Decimal | None = None
    lines: tuple[int, int] | None = None
    separator: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_yaml(cls, text: str, source: str) -> Recipe:
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ParseError.of("recipe_not_yaml", Location(source), detail=str(exc)) from exc
        if not isinstance(raw, dict):
            raise ParseError.of("recipe_not_mapping", Location(source))
        where = Location(source)

        columns = raw.get("columns")
        if not isinstance(columns, dict) or not {"name", "amount"} <= set(columns):
            raise ParseError.of("recipe_columns", where)
        unknown = sorted(set(columns) - set(FIELDS))
        if unknown:
            raise ParseError.of("recipe_unknown_columns", where, unknown=unknown, fields=list(FIELDS))
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in columns.values()):
            raise ParseError.of("recipe_column_number", where)
        table = raw.get("table", 1)
        header_row = raw.get("header_row", 1)
        for name, value in (("table", table), ("header_row", header_row)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ParseError.of("recipe_number", where, name=name)
        unit = raw.get("unit")
        if unit not in UNITS:
            raise ParseError.of("recipe_unit", where, units=list(UNITS), unit=repr(unit))
        total: Decimal | None = None
        if raw.get("total") is not None:
            try:
                total = Decimal(str(raw["total"]))
            except InvalidOperation:
                raise ParseError.of("recipe_total", where, total=repr(raw["total"])) from None
        document = raw.get("document")
        if document is not None and not (isinstance(document, str) and len(document) == 64):
            raise ParseError.of("recipe_document", where)
        lines = raw.get("lines")
        if lines is not None and not (
            isinstance(lines, list)
            and len(lines) == 2
            and all(isinstance(n, int) and n >= 1 for n in lines)
            and lines[0] <= lines[1]
        ):
            raise ParseError.of("recipe_lines", where)
        separator = raw.get("separator")
        if separator is not None and separator not in SEPARATORS:
            raise ParseError.of("recipe_separator", where, separators=[repr(s) for s in SEPARATORS])
        known = {"document", "reading", "table", "lines", "separator", "header_row", "columns", "unit", "total"}
        return cls(
            source=source,
            table=table,
            columns=dict(columns),
            unit=unit,
            document=document,
            reading=raw.get("reading"),
            header_row=header_row,
            total=total,
            lines=None if lines is None else (lines[0], lines[1]),
            separator=separator,
            extra={k: v for k, v in raw.items() if k not in known},
        )

    @classmethod
    def load(cls, path: Path) -> Recipe:
        return cls.from_yaml(path.read_text(encoding="utf-8"), str(path))


def recipe_for(doc_id: str, folder: Path | None) -> Recipe | None:
    """The recipe kept for a document (``<sha256>.yaml`` in the folder, or any recipe naming it), if any."""
    if folder is None or not folder.is_dir():
        return None
    files = sorted(folder.glob("*.y*ml"))
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in files)
    return _recipes_by_document(folder, stamp).get(doc_id)


@lru_cache(maxsize=4)
def _recipes_by_document(folder: Path, stamp: tuple[tuple[str, int], ...]) -> dict[str, Recipe]:
    """The folder's recipes by the document each is for, read once while its files stay as they are (a load asks
    for every document it reads)."""
    named: dict[str, Recipe] = {}
    naming: dict[str, Recipe] = {}
    for name, _ in stamp:
        recipe = Recipe.load(folder / name)
        if _DOC_ID.fullmatch(Path(name).stem):
            named[Path(name).stem] = recipe
        if recipe.document is not None:
            naming.setdefault(recipe.document, recipe)
    # A file named after its document stands before one that only names it inside.
    return {**naming, **named}


def lines_reading(recipe: Recipe, text: str, path: str, doc_id: str) -> RawDocument:
    """The lines a recipe names as one table, each line a row cut at the separator; the lines around it prose."""
    assert recipe.lines is not None
    lines = text.splitlines()
    first, last = recipe.lines
    if last > len(lines):
        raise ParseError.of("recipe_lines_past_end", Location(path), first=first, last=last, count=len(lines))
    chosen = [(n, lines[n - 1]) for n in range(first, last + 1) if lines[n - 1].strip()]
    separator = recipe.separator or next(
        (s for s in SEPARATORS if sum(s in line for _, line in chosen) * 2 > len(chosen)), "  "
    )
    table = Table(index=1)
    for number, line in chosen:
        parts = [p.strip() for p in (re.split(r" {2,}", line.strip()) if separator == "  " else line.split(separator))]
        if separator == "|" and line.strip().startswith("|"):
            parts = parts[1:]
        if separator == "|" and line.strip().endswith("|"):
            parts = parts[:-1]
        row = len(table.rows) + 1
        table.rows.append([Cell(clean_cell_text(p), row, col, number) for col, p in enumerate(parts, start=1)])
    before = [TextLine(t.strip(), line=n) for n, t in enumerate(lines[: first - 1], start=1) if t.strip()]
    after = [TextLine(t.strip(), line=n) for n, t in enumerate(lines[last:], start=last + 1) if t.strip()]
    return RawDocument(path, doc_id, "recipe-lines", [table], before, after)


def apply_recipe(
    recipe: Recipe, readings: list[RawDocument], path: str, doc_id: str, text: str | None = None
) -> tuple[RawDocument, Plan]:
    """The plan the recipe describes, checked as any reading is; ParseError when the document contradicts it."""
    where = Location(path)
    if recipe.document is not None and recipe.document != doc_id:
        raise ParseError.of("recipe_other_document", where, recipe=recipe.source, document=recipe.document[:12])
    if recipe.lines is not None:
        if text is None:
            raise ParseError.of("recipe_lines_not_text", where, recipe=recipe.source)
        readings = [lines_reading(recipe, text, path, doc_id)]
        recipe = replace(recipe, table=1, reading=None)
    document = next(
        (
            r
            for r in readings
            if (recipe.reading is None or r.format == recipe.reading) and any(t.index == recipe.table for t in r.tables)
        ),
        None,
    )
    if document is None:
        layouts = ", ".join(f"{r.format} ({len(r.tables)} tables)" for r in readings) or "none"
        of_reading = {"code": "of_reading", "args": {"reading": recipe.reading}} if recipe.reading else ""
        raise ParseError.of(
            "recipe_no_table", where, recipe=recipe.source, table=recipe.table, of_reading=of_reading, readings=layouts
        )
    table = next(t for t in document.tables if t.index == recipe.table)
    if recipe.header_row > len(table.rows):
        raise ParseError.of("recipe_header_row", where, header_row=recipe.header_row, rows=len(table.rows))
    header_cells = {c.col: c.text for c in table.rows[recipe.header_row - 1]}
    widest = max((c.col for row in table.rows for c in row), default=0)
    for name, col in recipe.columns.items():
        if col > widest:
            raise ParseError.of("recipe_column_past", where, name=name, col=col, widest=widest)
    header = HeaderMap(
        row_index=recipe.header_row - 1,
        data_start=recipe.header_row,
        columns=dict(recipe.columns),
        amount_cols=[(recipe.columns["amount"], header_cells.get(recipe.columns["amount"], ""))],
        unit=recipe.unit,
        names=header_cells,
        roles={col: name for name, col in recipe.columns.items()},
        why={col: f"the recipe {Path(recipe.source).name}" for col in recipe.columns.values()},
    )
    given = None if recipe.total is None else to_wan(recipe.total, recipe.unit)
    plan = build_from_header(document, table, header)
    if given is not None and plan.stated_total is not None and given != plan.stated_total:
        stated = str(plan.stated_total)
        raise ParseError.of("recipe_total_differs", where, recipe=recipe.source, given=str(given), stated=stated)
    if given is not None and plan.stated_total is None:
        plan = replace(
            plan,
            stated_total=given,
            stated_total_text=f"{recipe.total}{recipe.unit} (the recipe)",
            problems=tuple(p for p in plan.problems if p.code != "no_stated_total"),
        )
    if plan.stated_total is not None and plan.stated_total != plan.computed_total:
        computed, stated = str(plan.computed_total), str(plan.stated_total)
        raise ParseError.of("recipe_rows_disagree", where, recipe=recipe.source, computed=computed, stated=stated)
    return document, replace(plan, read_by="recipe", decisions=(*plan.decisions, f"read by the recipe {recipe.source}"))
