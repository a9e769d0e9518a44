"""A spreadsheet dumped as text, as forums and aggregators copy one: cells separated by `` , `` and runs of ``,,``,
pieces of rows on lines between blank lines, and the row boundaries lost — the next row's name follows the last
figure of the row before on the same line (``0.24 , 市实验学校``) — with the empty cells gone, so that a figure can no
longer be put back in its column. Numbers may carry binary-float noise (``0.240000152587891`` for 0.24) or be broken
over two lines (``0.`` then ``06``).

What such a dump still says faithfully is each row's name and its row total: the figure that equals the sum of all
the figures before it in the row (本次下达 after each category's 核定下达 and 应抵扣 — the spreadsheet's own formula).
Each row is read as its name, that figure, and the row's figures as written (kept for whoever checks it). A row in
which no figure adds up (a sign lost, a figure missing) keeps its name and has no amount: never a guess. Where rows
have one figure each, that figure is the amount. Where most rows add up to nothing, the table is refused: its
columns cannot be told apart.

>>> doc = read_comma_dump(EXAMPLE, "t.txt", "d")
>>> [[c.text for c in row[:2]] for row in doc.tables[0].rows]
[['地区', '本次下达'], ['甲区', '30'], ['乙县', ''], ['合计', '30']]
>>> doc.tables[0].rows[2][2].text
'-0.180000152587891 0.18'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine
from fundgraph.loaders.roles import allocation_weight, is_header_word, is_total_label, role_of
from fundgraph.money import format_wan, parse_number

EXAMPLE = """附件1 资金安排表 单位:万元 地区 , 小学 ,, 初中 ,, 本次下达 甲区 ,,

10.000009765625 ,, 20 , 30 , 乙县 ,,

-0.180000152587891 0.18 , 合计 ,

10 , 20 , 30
"""

_SEPARATOR = re.compile(r"\s,\s|,,|^\s*,|,\s*$")
# A comma inside brackets belongs to a header (大专(免学费和生活费,户籍地部分)), not between cells.
_CUT = re.compile(r",(?![^()（）]*[)）])")
_BROKEN_NUMBER = re.compile(r"^-?\d+\.$")
_DIGITS = re.compile(r"^\d+$")
_LEFT_ROLES = frozenset({"seq", "name", "recipient"})
FIGURES_COLUMN = "数字(照录)"
MIN_MARKED_LINES = 8
MIN_BROKEN_ROWS = 2
_FIGURE_THEN_NAME = re.compile(r"(?:^|[\s,])-?\d+(?:\.\d+)?(?:\s*,\s*|\s+)[\u4e00-\u9fff]")
NOISE_DECIMALS = 6
NOISE_SHARE = Decimal("1e-5")


def looks_like_comma_dump(lines: list[str]) -> bool:
    """Many lines cut by `` , `` or ``,,`` (a CSV file is read as CSV; a dump keeps blank and broken cells), and
    rows that break mid-line: a figure, then the next row's name on the same line. One cell a line closed by a
    comma is not a dump: the cell-stream reader aligns it."""
    marked = sum(1 for line in lines if _SEPARATOR.search(line))
    if marked < MIN_MARKED_LINES or not any(",," in line for line in lines):
        return False
    return sum(1 for line in lines if _FIGURE_THEN_NAME.search(line)) >= MIN_BROKEN_ROWS


@dataclass
class _Token:
    text: str
    line: int
    last_on_line: bool
    figure: Decimal | None = None


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = [word for piece in _CUT.split(line) for word in piece.split()]
        for at, word in enumerate(words):
            previous = tokens[-1] if tokens else None
            broken = previous is not None and previous.last_on_line and _BROKEN_NUMBER.match(previous.text)
            if at == 0 and previous is not None and broken and _DIGITS.match(word):  # 0. | 06: a number over lines
                previous.text += word
                previous.last_on_line = at == len(words) - 1
                continue
            tokens.append(_Token(word, number, at == len(words) - 1))
    for token in tokens:
        token.figure = parse_number(token.text) if re.search(r"\d", token.text) else None
    return tokens


def _precision(figures: list[Decimal]) -> int:
    """The decimals the dump's clean figures show (at most four; noise shows many more)."""
    shown = [-int(f.as_tuple().exponent) for f in figures if -4 <= int(f.as_tuple().exponent) < 0]
    return max(shown, default=0)


def _value(figure: Decimal, places: int) -> Decimal:
    """A figure as the spreadsheet meant it. Binary-float noise — six or more decimals, off a non-zero value with the
    clean figures' decimals by less than half their last place and a hundred-thousandth of itself (the corpus's is
    6.6e-7 of it: single precision) — is rounded to that value; any other figure is exact as written. Where the noise
    is as large as a cent (single precision above ~10,000) it is not rounded: the row then adds up to nothing.

    >>> [str(_value(Decimal(t), 2)) for t in ("0.240000152587891", "237.12015625", "14.700009765625", "0.123456789")]
    ['0.24', '237.12', '14.70', '0.123456789']
    >>> str(_value(Decimal("-0.009990001"), 2))  # not noise of 0: a float holds 0 exactly
    '-0.009990001'
    """
    if -int(figure.as_tuple().exponent) < NOISE_DECIMALS:
        return figure
    clean = figure.quantize(Decimal(1).scaleb(-places))
    off = abs(figure - clean)
    if clean != 0 and off < Decimal(5).scaleb(-places - 1) and off <= abs(clean) * NOISE_SHARE:
        return clean
    return figure


def _row_total(values: list[Decimal]) -> int | None:
    """The figure that equals the sum of all the figures before it, counted from the row's end: it is the last one,
    or followed only by zeros (其中中央资金 0 after a 小计's total). A last non-zero figure that does not add up ends
    the search: an earlier figure that happens to equal the ones before it (5, 5, then a total whose sign was lost)
    is a category, not the total.

    >>> five = Decimal(5)
    >>> _row_total([five, five, Decimal(10), Decimal(0)]), _row_total([five, five, Decimal(-10)])
    (2, None)
    """
    for at in range(len(values) - 1, 0, -1):
        if values[at] == sum(values[:at], Decimal(0)):
            return at
        if values[at] != 0:
            return None
    return None


def read_comma_dump(text: str, path: str, doc_id: str) -> RawDocument:
    tokens = _tokens(text)
    document = RawDocument(path=path, doc_id=doc_id, format="comma-dump", tables=[])
    start = next(
        (
            i
            for i, t in enumerate(tokens[:-1])
            if t.figure is None and role_of(t.text).role in _LEFT_ROLES and tokens[i + 1].figure is None
        ),
        None,
    )
    if start is None:
        return document
    # The first row's name: after 序号 in the header, the text after the first number 1; else the first text
    # followed by a figure that is not a header word.
    numbered = role_of(tokens[start].text).role == "seq"
    first = next(
        (
            i
            for i in range(start + 1, len(tokens) - 1)
            if tokens[i].figure is None
            and (
                tokens[i - 1].figure == 1
                if numbered
                else tokens[i + 1].figure is not None
                and (is_total_label(tokens[i].text) or not is_header_word(tokens[i].text))
            )
        ),
        None,
    )
    if first is None:
        return document
    header = [t for t in tokens[start:first] if t.figure is None]
    money = [t for t in header if role_of(t.text).role == "money"]
    names = [t for t in header if role_of(t.text).role in {"name", "recipient"}]
    if not money or not names:
        return document
    amount_header = max(reversed(money), key=lambda t: allocation_weight(t.text))
    document.before = _lines(tokens[:start])

    rows: list[tuple[list[_Token], list[_Token]]] = []
    at = first
    while at < len(tokens):
        label: list[_Token] = []
        while at < len(tokens) and tokens[at].figure is None:
            label.append(tokens[at])
            at += 1
        figures: list[_Token] = []
        while at < len(tokens) and tokens[at].figure is not None:
            figures.append(tokens[at])
            at += 1
        if not figures:
            document.after = _lines(label)
            break
        rows.append((label, figures))

    seqs = _numbers(rows, tokens[first - 1]) if numbered else None  # a numbered first row follows its 1
    shift = 1 if seqs is not None else 0
    table = Table(index=1, at_end=not document.after)
    table.rows.append(
        [
            *([Cell(header[0].text, 1, 1, header[0].line)] if seqs is not None else []),
            Cell(names[0].text, 1, 1 + shift, names[0].line),
            Cell(amount_header.text, 1, 2 + shift, amount_header.line),
            Cell(FIGURES_COLUMN, 1, 3 + shift, header[-1].line),
        ]
    )
    places = _precision([t.figure for _, figures in rows for t in figures if t.figure is not None])
    single = all(len(figures) == 1 for _, figures in rows)
    added_up = 0
    for number, (label, figures) in enumerate(rows, start=2):
        values = [_value(t.figure, places) for t in figures if t.figure is not None]
        total = 0 if single else _row_total(values)
        added_up += total is not None
        amount = "" if total is None else format_wan(values[total])
        where = figures[total] if total is not None else figures[0]
        seq = seqs[number - 2] if seqs is not None else None
        table.rows.append(
            [
                *([Cell(seq.text if seq else "", number, 1, seq.line if seq else label[0].line)] if shift else []),
                Cell(" ".join(t.text for t in label), number, 1 + shift, label[0].line),
                Cell(amount, number, 2 + shift, where.line),
                Cell(" ".join(t.text for t in figures), number, 3 + shift, figures[0].line),
            ]
        )
    document.decisions.append(
        f"a spreadsheet dumped as text, its empty cells gone: each row's amount is its total, the figure that equals "
        f"the sum of the figures before it ({added_up} of {len(rows)} rows have one; the row's figures are kept in "
        f"{FIGURES_COLUMN})"
        if not single
        else "a spreadsheet dumped as text: each row has one figure, its amount"
    )
    if added_up * 3 < len(rows) * 2:
        table.unreadable = {"code": "unreadable_dump", "args": {"failing": len(rows) - added_up, "rows": len(rows)}}
    document.tables.append(table)
    return document


def _numbers(rows: list[tuple[list[_Token], list[_Token]]], lead: _Token) -> list[_Token | None]:
    """Each row's 序号, where the header starts with one: ``lead``, the 1 before the first row's name, is the first
    row's; a row's last figure that is the next number in turn is the next row's 序号, not a figure of its own (taken
    out of it)."""
    seqs: list[_Token | None] = [lead, *([None] * (len(rows) - 1))]
    following = 2
    for at in range(1, len(rows)):
        label, _ = rows[at]
        before = rows[at - 1][1]
        if is_total_label(" ".join(t.text for t in label)) or len(before) < 2 or before[-1].figure != following:
            continue
        seqs[at] = before.pop()
        following += 1
    return seqs


def _lines(tokens: list[_Token]) -> list[TextLine]:
    """Tokens back into the lines they came from, for the prose around the table (title, 单位 line)."""
    lines: dict[int, list[str]] = {}
    for token in tokens:
        lines.setdefault(token.line, []).append(token.text)
    return [TextLine(" ".join(words), line=line) for line, words in lines.items()]
