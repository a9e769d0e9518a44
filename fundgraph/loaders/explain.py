"""`fundgraph parse --explain`: which reading of a document was taken, its header row, each column's role and why,
and how the amount column was chosen, so a user can see what was decided and disagree with it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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


@dataclass(frozen=True)
class ExplainedColumn:
    """A header cell: its column, its words, the role the plan gave it and why."""

    col: int
    header: str
    role: str | None
    why: str


@dataclass(frozen=True)
class ExplainedPlan:
    """One table's reading: where its header stands, its columns, the decisions taken, its totals and problems."""

    table: int
    title: str | None
    header_line: int | None
    header_row: int | None
    header_page: int | None
    columns: list[ExplainedColumn]
    decisions: list[str]
    rows: int
    unit: str
    currency: str
    stated_total: str | None
    computed_total: str
    problems: list[str]  # code: message, in English
    # Each problem as Problem.as_dict gives it (its template and args), to show in zh or en.
    problem_data: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class CandidateCell:
    col: int
    text: str


@dataclass(frozen=True)
class Candidate:
    """A table a reading laid out, with its first rows, for a recipe to name (``reading``, ``table``)."""

    reading: str
    table: int
    rows: int
    first_rows: list[list[CandidateCell]]


@dataclass(frozen=True)
class LineBlock:
    """A run of lines in a text that each split into cells at ``separator`` (a recipe's ``lines``)."""

    separator: str
    lines: tuple[int, int]
    first: str


@dataclass(frozen=True)
class Explanation:
    """What ``parse --explain`` reports: the reading taken and its plans, or why the document was refused and the
    candidates a recipe can name."""

    path: str
    doc_id: str | None
    plans: list[ExplainedPlan] = field(default_factory=list)
    reading: str | None = None
    other_readings: list[str] = field(default_factory=list)
    refused: str | None = None  # in English
    refusal: dict[str, Any] | None = None  # the refusal as a message (ParseError.as_message), to show in zh or en
    candidates: list[Candidate] = field(default_factory=list)
    line_blocks: list[LineBlock] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: a refusal without the reading's fields, a reading without the refusal's."""
        data = asdict(self)
        for block in data["line_blocks"]:
            block["lines"] = list(block["lines"])
        keep = ("refused", "refusal", "candidates", "line_blocks") if self.refused else ("reading", "other_readings")
        drop = {"refused", "refusal", "candidates", "line_blocks", "reading", "other_readings"} - set(keep)
        return {k: v for k, v in data.items() if k not in drop}


def explain_document(path: str | Path, recipe: Recipe | None = None) -> Explanation:
    """What was read and why; for a document that does not read, why not and the candidates a reading recipe can
    name (each reading's tables with their first rows, and a text's runs of lines that split into cells)."""
    data = read_file(path)
    try:
        reading = read_plans(data, str(path), recipe=recipe)
    except ParseError as error:
        readings = document_readings(data, str(path))
        return Explanation(
            path=str(path),
            doc_id=readings[0].doc_id if readings else None,
            refused=str(error),
            refusal=error.as_message(),
            candidates=candidates(readings),
            line_blocks=line_blocks(data, str(path)),
        )
    return _explained(path, reading)


def candidates(readings: list[RawDocument]) -> list[Candidate]:
    """Each reading's tables, with their first rows as the reader laid them out (column numbers from 1)."""
    found = []
    for reading in readings:
        for table in reading.tables:
            if not table.rows:
                continue
            first_rows = [[CandidateCell(c.col, c.text) for c in row] for row in table.rows[:SHOWN_ROWS]]
            found.append(Candidate(reading.format, table.index, len(table.rows), first_rows))
    return found


def line_blocks(data: bytes, path: str) -> list[LineBlock]:
    """In a text, the runs of three or more lines that each split into at least three cells at one separator: what
    a recipe's `lines` can name."""
    if Path(path).suffix.lower() not in TEXT_SUFFIXES:
        return []
    lines = decode_text(data, path)[0].splitlines()
    blocks: list[LineBlock] = []
    for separator in SEPARATORS:
        start = None
        for number, line in enumerate([*lines, ""], start=1):
            parts = [p for p in (line.split(separator) if separator != "  " else line.strip().split("  ")) if p.strip()]
            if len(parts) >= 3:
                start = start or number
                continue
            if start is not None and number - start >= 3:
                blocks.append(LineBlock(separator, (start, number - 1), lines[start - 1]))
            start = None
    return blocks


def _explained(path: str | Path, reading: Reading) -> Explanation:
    headers = {table.index: (table, header) for table, header in find_headers(reading.document)}
    chosen = f"read as {reading.document.format}"
    others = [o for o in reading.others if not o.startswith(f"{reading.document.format}:")]
    plans = []
    for plan in reading.plans:
        table, header = headers[plan.table or next(iter(headers))]
        header_row = table.rows[header.row_index]
        columns = [
            ExplainedColumn(
                col=cell.col,
                header=cell.text,
                role="amount"
                if cell.col == plan.amount_column
                else _field_of({k: v for k, v in header.columns.items() if k != "amount"}, cell.col)
                or header.roles.get(cell.col),
                why=header.why.get(cell.col, "not a header word"),
            )
            for cell in header_row
            if cell.text
        ]
        plans.append(
            ExplainedPlan(
                table=table.index,
                title=plan.title,
                header_line=header_row[0].line if header_row else None,
                header_row=header_row[0].row if header_row else None,
                header_page=header_row[0].page if header_row else None,
                columns=columns,
                decisions=list(plan.decisions),
                rows=len(plan.projects),
                unit=plan.unit,
                currency=plan.currency,
                stated_total=None if plan.stated_total is None else format_wan(plan.stated_total),
                computed_total=format_wan(plan.computed_total),
                problems=[f"{p.code}: {p.message}" for p in plan.problems],
                problem_data=[p.as_dict() for p in plan.problems],
            )
        )
    return Explanation(
        path=str(path), doc_id=reading.document.doc_id, plans=plans, reading=chosen, other_readings=others
    )


def _field_of(columns: dict[str, int], col: int) -> str | None:
    fields = [name for name, c in columns.items() if c == col]
    return "/".join(fields) if fields else None
