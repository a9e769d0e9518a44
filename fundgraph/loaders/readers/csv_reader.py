"""CSV in UTF-8 (with or without BOM), GBK or GB18030, comma- or tab-separated, detected rather than assumed."""

from __future__ import annotations

import csv
import io
from contextlib import suppress

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument, Table, clean_cell_text
from fundgraph.loaders.readers.decoding import decode_text
from fundgraph.money import parse_number

MIN_RUN = 3  # a header and two rows
DELIMITERS = (",", ";", "\t")


def looks_delimited(text: str) -> str | None:
    r"""The delimiter of a text that is CSV (a spreadsheet saved as text, a .txt export), else None: a run of at
    least three consecutive records with the same number (three or more) of fields cut at commas (or semicolons, or
    tabs), plain numbers in two of them at least. Prose with commas and a dump whose rows break mid-line (separated
    by blank lines) have none.

    >>> looks_delimited("附件1\n序号,项目名称,金额\n1,甲,10\n2,乙,20\n合计,,30\n")
    ','
    >>> looks_delimited("序号;名称;金额\n1;甲;1\n2;乙;2\n")
    ';'
    >>> prose = "交通项目5个 , 总投资8799万元 , 安排资金1943万元 。\n"
    >>> looks_delimited(prose + prose.replace("交通", "水利") + prose.replace("交通", "林业")) is None
    True
    """
    for delimiter in DELIMITERS:
        if delimiter in text and _has_run(text, delimiter):
            return delimiter
    return None


def _has_run(text: str, delimiter: str) -> bool:
    run, width, numbered = 0, 0, 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            fields = len(record)
            numeric = any(parse_number(field) is not None for field in record)
            if fields >= 3 and fields == width:
                run, numbered = run + 1, numbered + numeric
            else:
                run, numbered = (1, int(numeric)) if fields >= 3 else (0, 0)
            width = fields
            # Rows have plain numbers in their cells; clauses of prose (项目总投资8799万元) do not.
            if run >= MIN_RUN and numbered >= MIN_RUN - 1:
                return True
    except csv.Error:
        return False
    return False


def read_csv(data: bytes, path: str, doc_id: str, delimiter: str | None = None) -> RawDocument:
    """The rows of a CSV file; its delimiter sniffed unless the caller has found it (CSV inside a text)."""
    text, _encoding = decode_text(data, path)
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    if delimiter is None:
        with suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;|")
    reader = csv.reader(io.StringIO(text, newline=""), dialect, delimiter=delimiter or dialect.delimiter)
    table = Table(index=1)
    start_line = 1
    row_number = 0
    try:
        for row_number, record in enumerate(reader, start=1):
            cells = [
                Cell(clean_cell_text(value), row_number, col, start_line)
                for col, value in enumerate(record, start=1)
                if value.strip()
            ]
            start_line = reader.line_num + 1
            if cells:
                table.rows.append(cells)
    except csv.Error as exc:
        where = Location(path, 1, row_number + 1, None, reader.line_num)
        raise ParseError.of("csv_unreadable", where, detail=str(exc)) from exc
    # A file that ends without its last line's break was cut: a last row that lacks a cell it needs was cut short.
    table.at_end = bool(text) and not text.endswith(("\n", "\r"))
    return RawDocument(path=path, doc_id=doc_id, format="csv", tables=[table])
