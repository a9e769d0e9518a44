"""Spreadsheets: sheet rows and columns are kept as the provenance; numbers stored as binary floats are turned back
into the decimal of 15 significant digits that Excel shows, which is what was typed."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument, Table, clean_cell_text
from fundgraph.loaders.readers.office import CORRUPT_OFFICE_FILE, corruption
from fundgraph.money import format_wan

# openpyxl turns a part's XML attributes into keyword arguments: a damaged attribute name is a TypeError.
_CORRUPT_ON_LOAD: tuple[type[BaseException], ...] = (*CORRUPT_OFFICE_FILE, TypeError)


def read_xlsx(data: bytes, path: str, doc_id: str) -> RawDocument:
    # As for .docx: the ways a broken zip, stream or XML part fails are refused; anything else is a bug here.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except _CORRUPT_ON_LOAD as exc:
        # Only the loading is guarded so: a TypeError in reading the loaded cells would be a bug here.
        raise ParseError.of("office_unreadable", Location(path), kind=".xlsx", why=corruption(exc)) from exc
    try:
        return _read(workbook, path, doc_id)
    except CORRUPT_OFFICE_FILE as exc:
        raise ParseError.of("office_unreadable", Location(path), kind=".xlsx", why=corruption(exc)) from exc


def _read(workbook: Any, path: str, doc_id: str) -> RawDocument:
    tables: list[Table] = []
    for index, sheet in enumerate(workbook.worksheets, start=1):
        table = Table(index=index)
        for row in sheet.iter_rows():
            cells = [
                Cell(text, cell.row, cell.column)
                for cell in row
                if cell.value is not None
                and (text := clean_cell_text(cell_text(cell.value)))
                and isinstance(cell.row, int)
                and isinstance(cell.column, int)
            ]
            if cells:
                table.rows.append(cells)
        if table.rows:
            tables.append(table)
    return RawDocument(path=path, doc_id=doc_id, format="xlsx", tables=tables)


def cell_text(value: object) -> str:
    """What the cell shows, with numbers exact.

    Excel keeps and shows 15 significant digits, so float noise past them is not part of the amount.

    >>> cell_text(725.4014), cell_text(49.282), cell_text(3901), cell_text(0.1 + 0.2)
    ('725.4014', '49.282', '3901', '0.3')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format_wan(Decimal(format(value, ".15g")))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)
