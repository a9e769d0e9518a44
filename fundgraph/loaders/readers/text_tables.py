"""Plain-text layouts that web pages and copied documents produce, each found among the prose around it.

- pipe tables: ``a | b | c |`` (or ``| a | b |``), Markdown separator lines skipped;
- (one cell per line is read by :mod:`fundgraph.loaders.readers.streams`, which aligns cells to the header by kind);
- space-separated rows: the header splits on white space, rows on runs of two or more spaces (or single spaces
  when that gives the header's width; extra words join the name column).

Lines are numbered from 1 and kept as the provenance of every cell.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from fundgraph.errors import Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine, clean_cell_text
from fundgraph.loaders.plan import map_header
from fundgraph.loaders.readers.streams import cell_kind
from fundgraph.loaders.roles import fold, is_total_label, role_of, vocabulary
from fundgraph.money import parse_number

_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ROW_START = re.compile(r"^\d{1,4}(\s*\|)?(\s*[^\s|。;:,]{0,8})?$")
_NOTE = re.compile(r"^(注|备注|说明)\s*[:：\d]")


def looks_like_pipe_table(lines: list[str]) -> bool:
    """Three pipe lines, or two where one is a header (a table of one row): 序 号 | 项 目 名 称 | 金额 |."""
    piped = [line for line in lines if line.count("|") >= 2]
    if len(piped) >= 3:
        return True
    return len(piped) == 2 and any(map_header(_pipe_row(line), 0) for line in piped)


def _pipe_row(line: str) -> list[Cell]:
    return [Cell(text, 1, col, number) for col, (number, text) in enumerate(_pipe_cells(0, line), start=1)]


def read_pipe_table(text: str, path: str, doc_id: str) -> RawDocument:
    """The block of pipe lines that holds a header; lines around it are prose."""
    lines = text.splitlines()
    blocks: list[list[tuple[int, str]]] = []
    for number, line in enumerate(lines, start=1):
        pipes = line.count("|")
        if pipes >= 1 and blocks and blocks[-1][-1][0] == number - 1:
            blocks[-1].append((number, line))  # a line of one `|` next to the block: a row's last cells, or a row
        elif pipes >= 2:
            blocks.append([(number, line)])
    for block in blocks:
        table = Table(index=1)
        # Rows written | a | b | open with a pipe; where they do not (1 | a | 120 |), a line that does opens with an
        # empty cell (| 其中:城关镇 | 70 |, under its item).
        opened = sum(line.strip().startswith("|") for _, line in block) * 2 > len(block)
        for cells in _merge_short_lines([_pipe_cells(number, line, opened) for number, line in block]):
            row = len(table.rows) + 1
            table.rows.append([Cell(text, row, col, number) for col, (number, text) in enumerate(cells, start=1)])
        if any(map_header(row, i) for i, row in enumerate(table.rows)):
            first, last = block[0][0], block[-1][0]
            closed = [line.rstrip().endswith("|") for _, line in block]
            # Rows close with `|`; a last line that does not, with nothing after it, was cut inside its last cell.
            rest = [line.strip() for line in lines[last:] if line.strip()]
            # One short fragment starting with a number, last in the text (… | 400 |, then 21): the next row's 序号,
            # the text cut just after it.
            next_row_cut = len(rest) == 1 and rest[0] == lines[-1].strip() and _ROW_START.match(rest[0]) is not None
            table.at_end = not rest or next_row_cut
            table.next_row_cut = next_row_cut
            table.cut_inside = next_row_cut or (table.at_end and not closed[-1] and sum(closed) * 2 > len(closed))
            return _document(path, doc_id, "pipe-table", table, lines, first, last)
    return _document(path, doc_id, "pipe-table", Table(index=1), lines, len(lines) + 1, len(lines))


def _pipe_cells(number: int, line: str, opened: bool = True) -> list[tuple[int, str]]:
    if _PIPE_SEPARATOR.match(line):
        return []
    parts = line.strip().split("|")
    if opened and parts and not parts[0].strip() and line.strip().startswith("|"):
        parts = parts[1:]
    if parts and not parts[-1].strip():
        parts = parts[:-1]
    return [(number, clean_cell_text(p)) for p in parts]


def _merge_short_lines(rows: list[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
    """A row whose cells break over lines (补贴标准 (元/亩) | then 资金计划 (元) | then 备注 |): short lines that
    together make exactly the block's usual width are one row. A line that does not is kept as it is."""
    widths = [len(r) for r in rows if len(r) >= 2]
    if not widths:
        return [r for r in rows if r]
    usual = max(set(widths), key=widths.count)
    merged: list[list[tuple[int, str]]] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        if 0 < len(row) < usual:
            end, width = index + 1, len(row)
            while end < len(rows) and 0 < len(rows[end]) < usual and width + len(rows[end]) <= usual:
                width += len(rows[end])
                end += 1
            if width == usual and end > index + 1:
                merged.append([cell for part in rows[index:end] for cell in part])
                index = end
                continue
        if row:
            merged.append(row)
        index += 1
    return merged


def looks_like_space_separated(lines: list[str]) -> bool:
    return any(map_header(_split_words(line, 0), 0) for line in lines if len(line.split()) >= 3)


def read_space_separated(text: str, path: str, doc_id: str) -> RawDocument:
    lines = text.splitlines()
    header_at = next(
        (i for i, line in enumerate(lines) if len(line.split()) >= 3 and map_header(_split_words(line, 0), 0)), None
    )
    if header_at is None:
        return _document(path, doc_id, "space-separated", Table(index=1), lines, len(lines) + 1, len(lines))
    header_cells = _split_words(lines[header_at], 1, header_at + 1)
    rows_from = header_at + 1
    two_rows = _two_row_header(header_cells, lines, header_at)
    if two_rows is not None:
        names, rows_from = two_rows
        header_cells = [Cell(name, 1, col, header_at + 1) for col, name in enumerate(names, start=1)]
    width = len(header_cells)
    header = map_header(header_cells, 0)
    name_index = header.columns["name"] - 1 if header is not None else 1
    table = Table(index=1, rows=[header_cells])
    last = rows_from
    gapped = False
    index = rows_from - 1
    while index + 1 < len(lines):
        index += 1
        line = lines[index]
        if not line.strip():
            continue
        words = re.split(r"\s{2,}|\u3000+", line.strip())
        if len(words) != width:
            words = _join_spaced_total(line.split())
        if is_total_label(words[0]):
            row = len(table.rows) + 1
            if two_rows is not None and len(words) < width and name_index > 0:
                # The label spans the columns before the figures (序号 and 乡镇 of a two-row header).
                words = [words[0], *[""] * (width - len(words)), *words[1:]]
            table.rows.append([Cell(w, row, col, index + 1) for col, w in enumerate(words, start=1)])
            last = index + 1
            continue
        if len(words) < width - 1 and words[0].isdigit():
            record = _gapped_record(lines, index, width)
            if record is not None:
                words, end = record
                row = len(table.rows) + 1
                table.rows.append([Cell(w, row, col, index + 1) for col, w in enumerate(words, start=1)])
                index = last = end
                last += 1
                gapped = True
                continue
            if not any(rest.strip() for rest in lines[index + 1 :]):
                # The text ends inside this row: the rows before it stand, this one is not a row.
                table.rows.append([Cell(w, len(table.rows) + 1, col, index + 1) for col, w in enumerate(words, 1)])
                table.last_row_cut = table.at_end = True
                last = index + 1
                break
            raise ParseError.of(
                "row_wider_than_header",
                Location(path, 1, len(table.rows) + 1, len(words) + 1, index + 1),
                seq=words[0],
                fields=len(words),
                width=width,
            )
        if len(words) < width - 1 or _NOTE.match(fold(line)):
            break
        if len(words) > width:
            extra = len(words) - width
            words = [
                *words[:name_index],
                " ".join(words[name_index : name_index + extra + 1]),
                *words[name_index + extra + 1 :],
            ]
        row = len(table.rows) + 1
        table.rows.append([Cell(w, row, col, index + 1) for col, w in enumerate(words, start=1)])
        last = index + 1
    if gapped:
        table.unreadable = _columns_disagree(table.rows[1:], [c.text for c in header_cells])
    return _document(path, doc_id, "space-separated", table, lines, header_at + 1, last)


def _two_row_header(top: list[Cell], lines: list[str], at: int) -> tuple[list[str], int] | None:
    """A header over two lines: the top line's last cells are groups (新建, 改建, 合计), each over the same run of
    sub-columns, whose roles the next line repeats once a group (户数 补助资金 … 总户数 补助资金); the top line's
    first cells span both lines. The columns and the line the rows start after; None when the next line is no such
    repetition.

    >>> top = _split_words("序号 乡镇 新建 改建 合计", 1)
    >>> _two_row_header(top, ["", "户数 补助资金 户数 补助资金 户数 补助资金"], 0)
    (['序号', '乡镇', '新建 户数', '新建 补助资金', '改建 户数', '改建 补助资金', '合计 户数', '合计 补助资金'], 2)
    """
    below = next((i for i in range(at + 1, len(lines)) if lines[i].strip()), None)
    if below is None:
        return None
    subs = lines[below].split()
    roles = [role_of(word).role for word in subs]
    if not subs or None in roles:
        return None
    for period in range(1, len(subs) // 2 + 1):
        groups, rest = divmod(len(subs), period)
        if rest or any(roles[i] != roles[i % period] for i in range(len(subs))):
            continue
        if not 2 <= groups < len(top):
            return None
        spanning = [c.text for c in top[: len(top) - groups]]
        tops = [c.text for c in top[len(top) - groups :]]
        return [*spanning, *(f"{tops[i // period]} {sub}" for i, sub in enumerate(subs))], below + 1
    return None


def _join_spaced_total(words: list[str]) -> list[str]:
    """A total label spread with spaces (合  计 3 2.25 …) is one cell."""
    for size in (2, 3):
        if len(words) > size and all(len(w) == 1 for w in words[:size]) and is_total_label("".join(words[:size])):
            return ["".join(words[:size]), *words[size:]]
    return words


def _gapped_record(lines: list[str], index: int, width: int) -> tuple[list[str], int] | None:
    """A row whose empty cells a copied page renders as line breaks, one break an empty cell, its filled cells on
    the lines between (1 桂阳街道, a blank line, 3 6.3 …): its cells and the index of its last line, where that
    makes exactly the header's width and every line after the first holds numbers only; else None."""
    cells = lines[index].split()
    breaks, end, j = 1, index, index + 1
    while j < len(lines) and len(cells) < width:
        words = lines[j].split()
        if not words:
            breaks += 1
        elif all(cell_kind(w) in {"int", "num"} for w in words):
            cells += [""] * breaks + words
            breaks, end = 1, j
        else:
            break
        j += 1
    return (cells, end) if len(cells) == width else None


def _columns_disagree(rows: list[list[Cell]], names: list[str]) -> dict[str, Any] | None:
    """Where rows were read across gaps, every number column must add up to its total row's figure: a gap taken
    for the wrong number of empty cells would put a figure in another column. The reason to refuse, or None."""
    totals = [r for r in rows if r and is_total_label(r[0].text)]
    if len(totals) != 1:
        return {"code": "unreadable_gaps_no_total", "args": {}}
    data = [r for r in rows if r and not is_total_label(r[0].text)]
    # The label spans the columns before the figures, which stand under the last columns.
    figures = [c.text for c in totals[0][1:]]
    for col, stated in enumerate(figures, start=len(names) - len(figures)):
        figure = parse_number(stated) if stated else None
        if figure is None or col < 1:
            continue
        values = [parse_number(r[col].text) if col < len(r) and r[col].text else Decimal(0) for r in data]
        if any(v is None for v in values) or sum((v for v in values if v is not None), Decimal(0)) != figure:
            return {"code": "unreadable_gaps_disagree", "args": {"column": names[col], "stated": stated}}
    return None


def _split_words(line: str, row: int, number: int | None = None) -> list[Cell]:
    return [Cell(word, row, col, number) for col, word in enumerate(line.split(), start=1)]


def _document(
    path: str, doc_id: str, layout: str, table: Table, lines: list[str], first: int, last: int
) -> RawDocument:
    """Lines before line ``first`` and after line ``last`` (1-based) are prose."""
    before = [TextLine(t.strip(), line=n) for n, t in enumerate(lines[: first - 1], start=1) if t.strip()]
    after = [TextLine(t.strip(), line=n) for n, t in enumerate(lines[last:], start=last + 1) if t.strip()]
    return RawDocument(path=path, doc_id=doc_id, format=layout, tables=[table], before=before, after=after)


# A header cell or a row's piece: runs of text apart by two or more spaces (or an ideographic one).
_RUN = re.compile(r"\S+(?: \S+)*")


def _runs(line: str) -> list[tuple[int, int, str]]:
    """The line's runs of text with their start and end offsets: what stands apart by two or more spaces."""
    return [(m.start(), m.end(), m.group()) for m in _RUN.finditer(line.replace("\u3000", "  "))]


def _aligned_header(lines: list[str]) -> tuple[int, list[tuple[int, int, str]]] | None:
    for index, line in enumerate(lines):
        runs = _runs(line)
        if len(runs) >= 3 and map_header([Cell(t, 1, col) for col, (_, _, t) in enumerate(runs, start=1)], 0):
            return index, runs
    return None


def looks_like_aligned_columns(lines: list[str]) -> bool:
    """A header set out in columns, with a line under it that holds text in some columns but not the first: a row
    whose cells wrapped, as a table without ruling lines shows when its words are laid out by position."""
    found = _aligned_header(lines)
    if found is None:
        return False
    index, header = found
    first_end = header[1][0]
    return any(
        runs and runs[0][0] >= first_end - 1 for runs in (_runs(line) for line in lines[index + 1 : index + 200])
    )


def _column_of(start: int, end: int, header: list[tuple[int, int, str]]) -> int:
    """The header column a piece sits under: the one it overlaps most, else the nearest (1-based)."""

    def overlap(i: int) -> tuple[int, int]:
        left = header[i][0]
        right = header[i + 1][0] if i + 1 < len(header) else 1 << 30
        shared = min(end, right) - max(start, left)
        centre = (start + end) / 2
        return shared, -int(abs(centre - (header[i][0] + header[i][1]) / 2))

    return max(range(len(header)), key=overlap) + 1


def _header_block(
    lines: list[str], header_at: int, header: list[tuple[int, int, str]]
) -> tuple[list[tuple[int, int, str]], list[list[Cell]], int]:
    """The header's own lines under its first: the columns, the header rows as cells, and the line after them.

    A line of words only (no figure, nothing under the first column) is the header's: one piece a column continues
    the column's words (资金来源 over （万元）, a cell that wrapped); two or more under one column are its
    sub-columns (中央资金 · 省级资金 · 小计 under 资金来源), which then stand as columns of their own, the parent
    written over the first of them, as a table with merged header cells is read."""
    from fundgraph.loaders.readers.pdf_reader import join_pieces

    words: dict[int, list[str]] = {}
    subs: list[tuple[int, int, str]] = []
    last = header_at + 1
    for index in range(header_at + 1, min(len(lines), header_at + 6)):
        runs = _runs(lines[index])
        if not runs:
            continue
        placed = [_column_of(start, end, header) for start, end, _ in runs]
        if 1 in placed or subs or any(parse_number(t) is not None for _, _, t in runs):
            break
        if len(set(placed)) < len(placed):
            subs = runs
        else:
            for col, (_, _, piece) in zip(placed, runs, strict=True):
                words.setdefault(col, []).append(piece)
        last = index + 1
    names = [join_pieces([t, *words.get(col, [])]) for col, (_, _, t) in enumerate(header, start=1)]
    row = header_at + 1
    if not subs:
        return header, [[Cell(t, 1, col, row) for col, t in enumerate(names, start=1)]], last
    under = {col: [r for r in subs if _column_of(r[0], r[1], header) == col] for col in range(1, len(header) + 1)}
    columns: list[tuple[int, int, str]] = []
    top: list[str] = []
    second: list[str] = []
    for col, (start, end, _) in enumerate(header, start=1):
        parts = under[col] if len(under[col]) >= 2 else []
        if not parts:
            columns.append((start, end, names[col - 1]))
            top.append(names[col - 1])
            second.append(" ".join(t for _, _, t in under[col]))
            continue
        for number, part in enumerate(parts):
            columns.append(part if number else (min(start, part[0]), part[1], part[2]))
            top.append(names[col - 1] if number == 0 else "")
            second.append(part[2])
    head_rows = [
        [Cell(t, 1, col, row) for col, t in enumerate(top, start=1)],
        [Cell(t, 2, col, last) for col, t in enumerate(second, start=1) if t],
    ]
    return columns, head_rows, last


def read_aligned_columns(text: str, path: str, doc_id: str) -> RawDocument:
    """A table set out by position (its words laid out where the page shows them): the header's runs are the
    columns, every piece of a later line goes to the column it sits under, and a line with nothing in the first
    column continues the row above (its cells wrapped), joined as wrapped text is. The table ends after its total
    row, at a note, or at a line whose text runs across the columns."""
    from fundgraph.loaders.readers.pdf_reader import join_pieces

    lines = text.splitlines()
    found = _aligned_header(lines)
    if found is None:
        return _document(path, doc_id, "aligned-columns", Table(index=1), lines, len(lines) + 1, len(lines))
    header_at, header = found
    header_text = [t for _, _, t in header]
    header, head_rows, last = _header_block(lines, header_at, header)
    table = Table(index=1, rows=head_rows)
    cells: dict[int, tuple[list[str], int]] = {}

    def end_row() -> None:
        if cells:
            row = len(table.rows) + 1
            table.rows.append(
                [Cell(join_pieces(parts), row, col, line) for col, (parts, line) in sorted(cells.items())]
            )
            cells.clear()

    total_row = False
    for index in range(last, len(lines)):
        runs = _runs(lines[index])
        if not runs:
            continue
        if [t for _, _, t in runs] == header_text:
            continue  # the header repeated on the next page
        if _NOTE.match(fold(runs[0][2])) or total_row:
            break
        placed = [(_column_of(start, end, header), piece) for start, end, piece in runs]
        columns = [col for col, _ in placed]
        if len(set(columns)) < len(columns):
            break  # two pieces under one column: prose, or another table
        if 1 in columns or (not table.rows[1:] and not cells):
            end_row()
            total_row = fold(runs[0][2]) in vocabulary().total_labels
        for col, piece in placed:
            parts, line = cells.get(col, ([], index + 1))
            cells[col] = ([*parts, piece], line)
        last = index + 1
    end_row()
    return _document(path, doc_id, "aligned-columns", table, lines, header_at + 1, last)
