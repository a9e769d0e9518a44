"""CSV in UTF-8 (with or without BOM), GBK or GB18030, comma- or tab-separated, detected rather than assumed."""

from __future__ import annotations

import csv
import io

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument, Table, clean_cell_text
from fundgraph.loaders.readers.decoding import decode_text


def read_csv(data: bytes, path: str, doc_id: str) -> RawDocument:
    text, _encoding = decode_text(data, path)
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
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
        raise ParseError(
            f"not readable as CSV: {exc}", Location(path, 1, row_number + 1, None, reader.line_num)
        ) from exc
    return RawDocument(path=path, doc_id=doc_id, format="csv", tables=[table])
