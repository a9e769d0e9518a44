"""Legacy Excel (.xls, BIFF) by xlrd: the same cells, positions and exact decimals as the .xlsx reader.

xlrd hands numbers over as binary floats; like Excel, the 15 significant digits it shows are what was typed, so
they go through the .xlsx reader's :func:`cell_text`. Dates become ISO dates, as openpyxl gives them.
"""

from __future__ import annotations

import io
import struct
from datetime import datetime

import xlrd
from xlrd.biffh import XLRDError
from xlrd.compdoc import CompDocError

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument, Table, clean_cell_text
from fundgraph.loaders.readers.xlsx_reader import cell_text

# What a damaged or foreign file raises inside xlrd: its own error, a broken compound document, a short read.
_CORRUPT_XLS: tuple[type[BaseException], ...] = (
    XLRDError,
    CompDocError,
    struct.error,
    EOFError,
    IndexError,
    AssertionError,  # xlrd checks record invariants with assert
    UnicodeDecodeError,
    RecursionError,  # a compound document whose directory points back into itself
    KeyError,  # a cell naming a format record the file does not have
    ValueError,  # a record too short for what it declares
)


def read_xls(data: bytes, path: str, doc_id: str) -> RawDocument:
    if not data:
        raise ParseError.of("xls_empty", Location(path))
    try:
        # xlrd writes its warnings to stdout by default; they would mix into `parse --json`. It reads every sheet
        # here, so only this call is guarded: reading the loaded cells below parses nothing more.
        book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())
    except _CORRUPT_XLS as exc:
        raise ParseError.of("xls_unreadable", Location(path), detail=str(exc or type(exc).__name__)) from exc
    return _read(book, path, doc_id)


def _read(book: xlrd.book.Book, path: str, doc_id: str) -> RawDocument:
    tables: list[Table] = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        table = Table(index=len(tables) + 1)
        for row in range(sheet.nrows):
            cells = []
            for col in range(sheet.ncols):
                text = clean_cell_text(_text(book, sheet.cell(row, col)))
                if text:
                    cells.append(Cell(text, row + 1, col + 1))
            if cells:
                table.rows.append(cells)
        if table.rows:
            tables.append(table)
    return RawDocument(path=path, doc_id=doc_id, format="xls", tables=tables)


def _text(book: xlrd.book.Book, cell: xlrd.sheet.Cell) -> str:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        value = cell.value
        return cell_text(int(value) if float(value).is_integer() else float(value))
    if cell.ctype == xlrd.XL_CELL_DATE:
        moment = datetime(*xlrd.xldate_as_tuple(float(cell.value), book.datemode))
        return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat()
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return str(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return ""
    return str(cell.value)
