"""Plain-text reports drawn with box-drawing characters (─ ┬ │ ┼ ┴), as statistical offices print them.

Column titles are split over several header lines and the lines do not all have the same cells (``─┬───┤`` splits
one title cell into two), so header text is placed by where it stands on the line: each fragment goes to the data
column its display span overlaps most (CJK characters are two columns wide). A ruling line with ``┼`` ends the
header; the data rows follow, one per line, until the closing rule.
"""

from __future__ import annotations

import re
import unicodedata

from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine

_VERTICAL = "│┃|"
_SPLIT = re.compile(r"[│┃|┤├┼┬┴]")
_RULE = re.compile(r"^[\s─━┬┼┴┤├┌┐└┘╋┏┓┗┛═\-]+$")


def looks_like_box_drawing(lines: list[str]) -> bool:
    return sum(1 for line in lines if "│" in line or "┃" in line) >= 3 and any("┼" in line for line in lines)


def _words(fragment: str) -> str:
    return "".join(ch for ch in fragment if not ch.isspace() and ch not in "─━")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fields(line: str) -> list[tuple[int, int, str]]:
    """(display start, display end, text) of each field between vertical bars."""
    fields: list[tuple[int, int, str]] = []
    start = 0
    position = 0
    buffer = ""
    for ch in line:
        if _SPLIT.match(ch):
            fields.append((start, position, buffer))
            position += _width(ch)
            start, buffer = position, ""
        else:
            buffer += ch
            position += _width(ch)
    fields.append((start, position, buffer))
    return fields


def read_box_drawing(text: str, path: str, doc_id: str) -> RawDocument:
    lines = text.splitlines()
    cross = next((i for i, line in enumerate(lines) if "┼" in line), None)
    if cross is None:
        return RawDocument(path=path, doc_id=doc_id, format="box-drawing", tables=[])
    top = max(
        (i for i in range(cross) if _RULE.match(lines[i]) and "─" in lines[i] and "┼" not in lines[i]), default=-1
    )
    data: list[int] = []
    for i in range(cross + 1, len(lines)):
        if _RULE.match(lines[i]) or not any(v in lines[i] for v in _VERTICAL):
            break
        data.append(i)
    if not data:
        return RawDocument(path=path, doc_id=doc_id, format="box-drawing", tables=[])
    width = len(_fields(lines[data[0]]))
    titles = [""] * width
    for i in range(top + 1, cross):
        if _RULE.match(lines[i]):
            continue
        fragments = [_words(f) for _, _, f in _fields(lines[i])]
        # A header line with fewer cells than the data has a title spanning columns on its left (科目 over 款 and
        # 名稱, split below by ─┬─): its cells are matched from the right.
        offset = max(0, width - len(fragments))
        for col, words in enumerate(fragments[:width], start=offset):
            if words and col < width:
                titles[col] += words
    table = Table(index=1)
    header_line = cross  # the header's cells are placed by position; their line is the rule that closes them
    table.rows.append([Cell(title, 1, col, header_line) for col, title in enumerate(titles, start=1)])
    for i in data:
        row = len(table.rows) + 1
        cells = [f[2] for f in _fields(lines[i])]
        table.rows.append([Cell(value.strip(), row, col, i + 1) for col, value in enumerate(cells, start=1)])
    before = [
        TextLine(t.strip(), line=n) for n, t in enumerate(lines[: top + 1], start=1) if t.strip() and not _RULE.match(t)
    ]
    last = data[-1] + 1
    after = [
        TextLine(t.strip(), line=n)
        for n, t in enumerate(lines[last:], start=last + 1)
        if t.strip() and not _RULE.match(t)
    ]
    return RawDocument(path=path, doc_id=doc_id, format="box-drawing", tables=[table], before=before, after=after)
