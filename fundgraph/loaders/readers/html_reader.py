"""HTML tables as web pages publish them: ``colspan`` keeps later cells in their grid column, ``rowspan`` repeats a
cell down the rows it covers (keeping the row it was written in); text around the table is prose."""

from __future__ import annotations

import itertools
import re

import lxml.html
from lxml import etree

from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine, clean_cell_text, fold_spaces
from fundgraph.loaders.plan import map_header

_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|div|h[1-6]|li|tr|caption|section|article|header|footer|nav)>")


def looks_like_html(text: str) -> bool:
    return re.search(r"(?i)<table[\s>]", text) is not None


def read_html(text: str, path: str, doc_id: str) -> RawDocument:
    root = lxml.html.fromstring(text)
    _mark_line_breaks(root)
    tables = [_read_table(element, index) for index, element in enumerate(root.iter("table"), start=1)]
    # Every table with a header is a plan; none, and the first table is tried (to be refused with its reason).
    chosen = [i for i, t in enumerate(tables) if any(map_header(row, n) for n, row in enumerate(t.rows))]
    chosen = chosen or ([0] if tables else [])
    if not chosen:
        return RawDocument(path=path, doc_id=doc_id, format="html", tables=[], before=_prose(text))
    spans = _table_spans(text)

    def span(i: int) -> tuple[int, int]:
        if i >= len(spans):
            return len(text), len(text)
        start, end = spans[i]
        return start, len(text) if end is None else end

    for previous, i in itertools.pairwise(chosen):
        # A later table's title and unit line: the prose between the table before it and this one.
        titles = _prose(text[span(previous)[1] : span(i)[0]])
        tables[i].rows[:0] = [[Cell(line.text, 0, 1)] for line in titles]
    last = chosen[-1]
    # A table with no closing tag: the text ends inside it, in its last cell.
    tables[last].cut_inside = tables[last].at_end = last >= len(spans) or spans[last][1] is None
    return RawDocument(
        path=path,
        doc_id=doc_id,
        format="html",
        tables=[tables[i] for i in chosen],
        before=_prose(text[: span(chosen[0])[0]]),
        after=_prose(text[span(last)[1] :]),
    )


def _table_spans(text: str) -> list[tuple[int, int | None]]:
    """Where each table's markup starts and ends (None: never closed, the text ends inside it), in the order the
    tables open (lxml's document order): a layout table around the notice holds the data table, so each close is
    matched with the table it closes."""
    spans: list[tuple[int, int | None]] = []
    open_at: list[int] = []  # indexes into spans of the tables still open
    for match in re.finditer(r"(?i)<(/?)table(?=[\s>])", text):
        if not match.group(1):
            open_at.append(len(spans))
            spans.append((match.start(), None))
        elif open_at:
            i = open_at.pop()
            end = text.find(">", match.end())
            spans[i] = (spans[i][0], None if end < 0 else end + 1)
    return spans


def _own_rows(element: etree._Element) -> list[etree._Element]:
    """The table's own rows: a table nested in a cell (a page's layout table around the notice's) has its own."""
    return [tr for tr in element.iter("tr") if next(tr.iterancestors("table"), None) is element]


def _read_table(element: etree._Element, index: int) -> Table:
    table = Table(index=index)
    carried: dict[int, tuple[int, Cell]] = {}  # col -> (rows still covered, the cell)
    for row_number, tr in enumerate(_own_rows(element), start=1):
        cells: list[Cell] = []
        col = 1
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in {"td", "th"}:
                continue
            while col in carried:
                cells.append(_carry(carried, col))
                col += 1
            cell = Cell(clean_cell_text(_text(td)), row_number, col)
            cells.append(cell)
            rowspan, colspan = _span(td, "rowspan"), _span(td, "colspan")
            if rowspan > 1:
                carried[col] = (rowspan - 1, cell)
            col += colspan
        while col in carried:
            cells.append(_carry(carried, col))
            col += 1
        table.rows.append(cells)
    return table


def _carry(carried: dict[int, tuple[int, Cell]], col: int) -> Cell:
    remaining, cell = carried[col]
    if remaining == 1:
        del carried[col]
    else:
        carried[col] = (remaining - 1, cell)
    return cell


def _span(td: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(str(td.get(name, "1"))), 1000))
    except ValueError:
        return 1


def _mark_line_breaks(root: etree._Element) -> None:
    """A ``<br>``, ``<p>`` or ``<div>`` ends a line of a cell's text. Marked once for the whole page: marking them per
    cell marked a nested table's breaks again for every cell around it (a mutated page took 15 s)."""
    for element in root.iter("br", "p", "div"):
        element.tail = "\n" + (element.tail or "")


def _text(td: etree._Element) -> str:
    return _itertext(td)


def _itertext(element: etree._Element) -> str:
    """The element's text, &nbsp; as a space (an entity is a character only once parsed)."""
    return fold_spaces("".join(t if isinstance(t, str) else t.decode("utf-8", "replace") for t in element.itertext()))


def _prose(fragment: str) -> list[TextLine]:
    if not fragment.strip():
        return []
    marked = _BLOCK_END.sub("\n", re.sub(r"(?is)<(script|style|head)[^>]*>.*?</\1>", "", fragment))
    try:
        text = _itertext(lxml.html.fromstring(f"<div>{marked}</div>"))
    except (etree.ParserError, ValueError):
        return []
    return [TextLine(line.strip()) for line in text.splitlines() if line.strip()]
