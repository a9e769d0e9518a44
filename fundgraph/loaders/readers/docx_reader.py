"""Word documents: paragraphs around the tables are prose; merged cells are read once, at their first grid column."""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine, clean_cell_text
from fundgraph.loaders.readers.office import CORRUPT_OFFICE_FILE, corruption


def read_docx(data: bytes, path: str, doc_id: str) -> RawDocument:
    # A corrupt archive fails inside python-docx in the ways a broken zip, stream or XML part does; those are the
    # document's fault and refused. Any other exception is a bug here and is not disguised as a refusal.
    try:
        return _read(docx.Document(io.BytesIO(data)), path, doc_id)
    except CORRUPT_OFFICE_FILE as exc:
        raise ParseError.of("office_unreadable", Location(path), kind=".docx", why=corruption(exc)) from exc


def _read(document: Any, path: str, doc_id: str) -> RawDocument:
    tables: list[Table] = []
    before: list[TextLine] = []
    after: list[TextLine] = []
    paragraph_number = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            paragraph_number += 1
            text = item.text.strip()
            if text:
                (after if tables else before).append(TextLine(text, line=paragraph_number))
        elif isinstance(item, DocxTable):
            tables.append(_read_table(item, len(tables) + 1))
    return RawDocument(path=path, doc_id=doc_id, format="docx", tables=tables, before=before, after=after)


def _read_table(source: DocxTable, index: int) -> Table:
    table = Table(index=index)
    above: dict[int, tuple[object, Cell]] = {}  # grid column -> the cell of the row above and what it was read as
    for row_number, row in enumerate(source.rows, start=1):
        cells: list[Cell] = []
        previous = None
        for col_number, cell in enumerate(row.cells, start=1):
            if previous is not None and cell._tc is previous:  # a horizontally merged cell repeats
                continue
            previous = cell._tc
            carried = above.get(col_number)
            # A vertically merged cell repeats down the rows it covers, keeping the row it was written in (as an
            # HTML rowspan): a header cell spanning two header rows is the first row's.
            read = carried[1] if carried is not None and carried[0] is cell._tc else None
            read = read or Cell(clean_cell_text(cell.text), row_number, col_number)
            above[col_number] = (cell._tc, read)
            cells.append(read)
        table.rows.append(cells)
    return table
