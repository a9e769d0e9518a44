"""`fundgraph parse --explain`: which reading of a document was taken, its header row, each column's role and why,
and how the amount column was chosen, so a user can see what was decided and disagree with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fundgraph.loaders import read_file, read_plans
from fundgraph.loaders.plan import find_headers
from fundgraph.money import format_wan


def explain_document(path: str | Path) -> dict[str, Any]:
    reading = read_plans(read_file(path), str(path))
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
    return {"path": str(path), "reading": chosen, "other_readings": others, "plans": plans}


def _field_of(columns: dict[str, int], col: int) -> str | None:
    fields = [name for name, c in columns.items() if c == col]
    return "/".join(fields) if fields else None
