"""`fundgraph parse --explain`: which reading of a document was taken, its header row, each column's role and why,
and how the amount column was chosen, so a user can see what was decided and disagree with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fundgraph.errors import ParseError
from fundgraph.loaders import TEXT_SUFFIXES, Reading, document_readings, read_file, read_plans
from fundgraph.loaders.cells import RawDocument
from fundgraph.loaders.plan import find_headers
from fundgraph.loaders.readers.decoding import decode_text
from fundgraph.loaders.recipes import SEPARATORS, Recipe
from fundgraph.money import format_wan

SHOWN_ROWS = 6


def explain_document(path: str | Path, recipe: Recipe | None = None) -> dict[str, Any]:
    """What was read and why; for a document that does not read, why not and the candidates a reading recipe can
    name (each reading's tables with their first rows, and a text's runs of lines that split into cells)."""
    data = read_file(path)
    try:
        reading = read_plans(data, str(path), recipe=recipe)
    except ParseError as error:
        readings = document_readings(data, str(path))
        return {
            "path": str(path),
            "refused": str(error),
            "doc_id": readings[0].doc_id if readings else None,
            "candidates": candidates(readings),
            "line_blocks": line_blocks(data, str(path)),
            "plans": [],
        }
    return _explained(path, reading)


def candidates(readings: list[RawDocument]) -> list[dict[str, Any]]:
    """Each reading's tables, with their first rows as the reader laid them out (column numbers from 1)."""
    found = []
    for reading in readings:
        for table in reading.tables:
            if not table.rows:
                continue
            found.append(
                {
                    "reading": reading.format,
                    "table": table.index,
                    "rows": len(table.rows),
                    "first_rows": [[{"col": c.col, "text": c.text} for c in row] for row in table.rows[:SHOWN_ROWS]],
                }
            )
    return found


def line_blocks(data: bytes, path: str) -> list[dict[str, Any]]:
    """In a text, the runs of three or more lines that each split into at least three cells at one separator: what
    a recipe's `lines` can name."""
    if Path(path).suffix.lower() not in TEXT_SUFFIXES:
        return []
    lines = decode_text(data, path)[0].splitlines()
    blocks: list[dict[str, Any]] = []
    for separator in SEPARATORS:
        start = None
        for number, line in enumerate([*lines, ""], start=1):
            parts = [p for p in (line.split(separator) if separator != "  " else line.strip().split("  ")) if p.strip()]
            if len(parts) >= 3:
                start = start or number
                continue
            if start is not None and number - start >= 3:
                blocks.append({"separator": separator, "lines": [start, number - 1], "first": lines[start - 1]})
            start = None
    return blocks


def _explained(path: str | Path, reading: Reading) -> dict[str, Any]:
    headers = {table.index: (table, header) for table, header in find_headers(reading.document)}
    chosen = f"read as {reading.document.format}"
    others = [o for o in reading.others if not o.startswith(f"{reading.document.format}:")]
    plans = []
    for plan in reading.plans:
        table, header = headers[plan.table or next(iter(headers))]
        header_row = table.rows[header.row_index]
        columns = [
            {
                "col": cell.col,
                "header": cell.text,
                "role": "amount"
                if cell.col == plan.amount_column
                else _field_of({k: v for k, v in header.columns.items() if k != "amount"}, cell.col)
                or header.roles.get(cell.col),
                "why": header.why.get(cell.col, "not a header word"),
            }
            for cell in header_row
            if cell.text
        ]
        plans.append(
            {
                "table": table.index,
                "title": plan.title,
                "header_line": header_row[0].line if header_row else None,
                "header_row": header_row[0].row if header_row else None,
                "header_page": header_row[0].page if header_row else None,
                "columns": columns,
                "decisions": list(plan.decisions),
                "rows": len(plan.projects),
                "unit": plan.unit,
                "currency": plan.currency,
                "stated_total": None if plan.stated_total is None else format_wan(plan.stated_total),
                "computed_total": format_wan(plan.computed_total),
                "problems": [f"{p.code}: {p.message}" for p in plan.problems],
            }
        )
    return {
        "path": str(path),
        "doc_id": reading.document.doc_id,
        "reading": chosen,
        "other_readings": others,
        "plans": plans,
    }


def _field_of(columns: dict[str, int], col: int) -> str | None:
    fields = [name for name, c in columns.items() if c == col]
    return "/".join(fields) if fields else None
