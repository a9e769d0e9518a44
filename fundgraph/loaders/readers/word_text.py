"""The text a Word table exports to: each cell starts with a tab, a cell's later lines have none, a blank line ends a
row; lines before the first cell are prose (attachment label, title, 单位 line), and so are lines after the last row."""

from __future__ import annotations

from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine, clean_cell_text


def looks_like_word_text(text: str) -> bool:
    return sum(1 for line in text.splitlines() if line.startswith("\t")) >= 3


def read_word_text(text: str, path: str, doc_id: str) -> RawDocument:
    table = Table(index=1)
    before: list[TextLine] = []
    after: list[TextLine] = []
    row: list[tuple[int, int, list[str]]] = []  # (line, col, lines of the cell)

    def end_row() -> None:
        if row:
            number = len(table.rows) + 1
            table.rows.append([Cell(clean_cell_text("\n".join(parts)), number, col, line) for line, col, parts in row])
            row.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("\t"):
            for piece in raw.split("\t")[1:]:
                row.append((number, len(row) + 1, [piece]))
        elif not raw.strip():
            end_row()
        elif row:
            row[-1][2].append(raw)
        elif table.rows:
            after.append(TextLine(raw.strip(), line=number))
        else:
            before.append(TextLine(raw.strip(), line=number))
    end_row()
    table.at_end = not after  # nothing after the last row: a row that lacks its amount there was cut short
    return RawDocument(path=path, doc_id=doc_id, format="word-text", tables=[table], before=before, after=after)
