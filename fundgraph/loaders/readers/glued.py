"""A table flattened onto one line with nothing between its cells, as aggregator sites copy notices:
``序号乡镇补助单位资金安排备注1凤城镇社会事务服务中心2.5检测与监管补助2城厢镇…``.

The header is split into header words by the reviewed vocabulary (fewest pieces, known words first); the rest is
cut into number and text tokens and aligned to the header like any cell stream
(:mod:`fundgraph.loaders.readers.streams`). Two things a flattened table adds:

- texts of adjacent text columns run together (凤城镇社会事务服务中心 = 乡镇 + 补助单位; 东莞市…有限公司企石 = 企业 +
  镇街): they are split where a place or a body name ends;
- numbers of adjacent number columns run together (``40032.36`` under 立项金额, 上期拨付, 本期拨付). Such a run is split
  only where a total stated in the notice decides the amount (本期共拨付32.36万元: 400 | | 32.36); the other columns
  are then not guessed. Where nothing decides, the table is refused.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import combinations, takewhile
from typing import Any

from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine
from fundgraph.loaders.readers.streams import StreamCell, align_rows, cell_kind, column_kind, header_role, is_prose
from fundgraph.loaders.roles import (
    allocation_weight,
    fold,
    header_unit,
    header_words,
    is_header_word,
    is_total_label,
    recipient_kind,
)
from fundgraph.money import UNIT_TO_WAN, parse_number

_TOKEN = re.compile(r"\d+(?:\.\d+)*|[^\d]+")
_PIECE = re.compile(r"[^()（）\d]{1,12}(?:[（(][^()（）]{1,8}[)）])?")
_PLACE_END = re.compile(r"^(.{1,6}?(?:街道|镇|乡|区|县|市))(.+)$")
_BODY_END = re.compile(r"^(.+(?:有限公司|公司|中心|局|厂|社|院|所|站|协会|学校|银行))(.{1,6})$")
_NUMBER_PART = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d{1,4})?$")
_DIGIT_RUN = re.compile(r"^\d+(?:\.\d+)*$")
MIN_LINE = 40
MAX_SPLITS = 20000
MAX_STATES = 20000  # partial sums of the glued rows beyond which nothing is decided


def looks_glued(lines: list[str]) -> bool:
    return any(len(line) >= MIN_LINE and re.search(r"序号\S{4,}", fold(line)) for line in lines)


def split_header(text: str) -> list[str] | None:
    """Header words run together, split into the fewest pieces, known words cheapest; None when no split fits.

    >>> split_header("序号乡镇补助单位资金安排备注")
    ['序号', '乡镇', '补助单位', '资金安排', '备注']
    >>> split_header("序号企业名称镇街立项金额(万元)上期拨付(万元)本期拨付(万元)")
    ['序号', '企业名称', '镇街', '立项金额(万元)', '上期拨付(万元)', '本期拨付(万元)']
    """
    n = len(text)
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        for j in range(i + 1, min(n, i + 20) + 1):
            piece = text[i:j]
            if not _PIECE.fullmatch(piece):
                continue
            if is_header_word(piece):
                cost = 1.0
            elif header_role(piece).role is not None:
                # A piece that is no known word but holds known words is several cells run together.
                cost = 2.5 + 2.0 * sum(1 for word in header_words() if len(word) >= 2 and word in fold(piece))
            else:
                continue
            candidate = (here[0] + cost, [*here[1], piece])
            if best[j] is None or candidate[0] < best[j][0]:  # type: ignore[index]
                best[j] = candidate
    end = best[n]
    return None if end is None or len(end[1]) < 3 else end[1]


def _split_text(text: str, left: str | None, right: str | None) -> tuple[str, str] | None:
    """A text that holds two adjacent text columns' cells: a place then a body, or a body then a place."""
    if left == "place":
        match = _PLACE_END.match(text)
        if match and len(match.group(2)) >= 2:
            return match.group(1), match.group(2)
    if right == "place":
        match = _BODY_END.match(text)
        if match:
            return match.group(1), match.group(2)
    return None


def _splits(digits: str, parts: int) -> list[list[str]]:
    """Every way to read a run of digits as ``parts`` numbers in order, any of them empty."""
    out: list[list[str]] = []
    n = len(digits)
    for cuts in combinations(range(n + 1), parts - 1):
        bounds = [0, *cuts, n]
        pieces = [digits[bounds[k] : bounds[k + 1]] for k in range(parts)]
        if all(not p or _NUMBER_PART.match(p) for p in pieces) and any(pieces):
            out.append(pieces)
        if len(out) > MAX_SPLITS:
            break
    return out


def read_glued(text: str, path: str, doc_id: str, total_labels: frozenset[str], total: Decimal | None) -> RawDocument:
    """``total`` is the notice's stated total in 万元 (from its prose), the one thing that can split glued numbers."""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        start = line.find("序号")
        if start < 0 or len(line) < MIN_LINE:
            continue
        data_at = re.search(r"\d", line[start:])
        if data_at is None:
            continue
        header_text = line[start : start + data_at.start()]
        names = split_header(header_text)
        if names is None:
            continue
        roles = [header_role(name).role for name in names]
        roles = [recipient_kind(name) if role == "recipient" else role for name, role in zip(names, roles, strict=True)]
        if "money" not in roles:
            continue
        tokens = [t.strip() for t in _TOKEN.findall(line[start + data_at.start() :])]
        tokens = [t for t in tokens if t and not re.fullmatch(r"[。.，,;；\s]+", t)]
        # The table ends where prose starts (a note after its total row).
        tokens = list(takewhile(lambda t: not is_prose(t, False), tokens))
        if roles[0] == "seq" and len(roles) > 1 and column_kind(roles[1]) == "text":
            tokens = _peel_next_numbers(tokens)
        cells = [StreamCell(t.strip("。;；，, "), number) for t in tokens]
        table = Table(index=1)
        table.rows.append([Cell(name, 1, col, number) for col, name in enumerate(names, start=1)])
        # Numbers run together (30.6911.11) are numbers, to be split once the rows are known.
        kind_of = ["num" if _DIGIT_RUN.match(c.text) and "." in c.text else cell_kind(c.text) for c in cells]
        aligned = align_rows(cells, roles, total_labels, kind_of)
        rows = [[(cells[i].text, col) for i, col in row] for row in aligned]
        rows = [_split_glued_texts(row, roles) for row in rows]
        problem = _split_glued_numbers(rows, names, roles, total_labels, total, table)
        if problem is not None:
            table.unreadable = problem
        for row in rows:
            index = len(table.rows) + 1
            table.rows.append([Cell(value, index, col + 1, number) for value, col in row])
        table.at_end = not any(rest.strip() for rest in lines[number:])
        before = [TextLine(t.strip(), line=n) for n, t in enumerate(lines[: number - 1], start=1) if t.strip()]
        if line[:start].strip():
            before.append(TextLine(line[:start].strip(), line=number))
        after = [TextLine(t.strip(), line=n) for n, t in enumerate(lines[number:], start=number + 1) if t.strip()]
        return RawDocument(path=path, doc_id=doc_id, format="flattened", tables=[table], before=before, after=after)
    return RawDocument(path=path, doc_id=doc_id, format="flattened", tables=[])


def _peel_next_numbers(tokens: list[str]) -> list[str]:
    """A row's last numbers and the next row's 序号 run together (``10036.22`` then 新兴县: 100 | 36.2, then row 2):
    where a run of digits is followed by a text, as a 序号 is by the row's first text, and ends in the next number of
    the sequence, that number is the next row's 序号.

    >>> _peel_next_numbers(["1", "东城镇", "10036.22", "西城镇", "5.53", "南城镇", "8", "合计", "13"])
    ['1', '东城镇', '10036.2', '2', '西城镇', '5.5', '3', '南城镇', '8', '合计', '13']
    """
    out: list[str] = []
    expected: int | None = None
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        # A row's first text, not a 合计 row's label.
        before_text = following is not None and not _DIGIT_RUN.match(following) and not is_total_label(following)
        if not _DIGIT_RUN.match(token) or not before_text:
            out.append(token)
            continue
        if expected is None or token == str(expected):
            if token.isdigit() and (expected is not None or int(token) in (0, 1)):
                expected = int(token) + 1
            out.append(token)
            continue
        seq = str(expected)
        rest = token[: -len(seq)]
        if token.endswith(seq) and rest and _DIGIT_RUN.match(rest):
            out += [rest, seq]
            expected += 1
        else:
            out.append(token)
    return out


def _split_glued_texts(row: list[tuple[str, int]], roles: list[str | None]) -> list[tuple[str, int]]:
    taken = {col for _, col in row}
    kinds = [column_kind(r) for r in roles]
    out: list[tuple[str, int]] = []
    for value, col in row:
        split = None
        if kinds[col] == "text" and col + 1 < len(roles) and kinds[col + 1] == "text" and col + 1 not in taken:
            split = _split_text(value, roles[col], roles[col + 1])
            if split:
                out += [(split[0], col), (split[1], col + 1)]
                continue
        if kinds[col] == "text" and col > 0 and kinds[col - 1] == "text" and col - 1 not in taken:
            split = _split_text(value, roles[col - 1], roles[col])
            if split:
                out += [(split[0], col - 1), (split[1], col)]
                continue
        out.append((value, col))
    return out


Split = tuple[dict[int, str], str]  # a row's run columns filled, and the fragment left unread after them


def _split_glued_numbers(
    rows: list[list[tuple[str, int]]],
    names: list[str],
    roles: list[str | None],
    total_labels: frozenset[str],
    total: Decimal | None,
    table: Table,
) -> dict[str, Any] | None:
    """Split numbers that fill a run of number columns alone; a reason to refuse the table when nothing decides.

    Every row's split is decided at once, by the sums: the table's total row (each of its figures the sum of its
    column), or where it has none the total stated in the notice (the amount column's sum). A split is taken only
    where exactly one way of splitting every row at once adds up. Where none does, the last row before the total
    row may end in a fragment of a cell that is no column's (a footnote, a hidden cell): it is left unread and said.
    Where the table's sums leave several, the total stated in the notice decides among them. The amount column must
    come out one way; the other columns keep their figures only where every way that adds up splits that row alike.
    """
    kinds = [column_kind(r) for r in roles]
    runs: list[list[int]] = []
    for col, kind in enumerate(kinds):
        if kind == "num" and runs and runs[-1][-1] == col - 1:
            runs[-1].append(col)
        elif kind == "num":
            runs.append([col])
    for run in [run for run in runs if len(run) > 1]:
        in_run = [[(v, c) for v, c in row if c in run] for row in rows]
        lonely = {r for r, cells in enumerate(in_run) if len(cells) == 1 and _DIGIT_RUN.match(cells[0][0])}
        if not lonely:
            continue
        listed = ", ".join(names[c] for c in run)
        money = [c for c in run if roles[c] == "money"]
        amount = max(money, key=lambda c: (allocation_weight(names[c]), -c)) if money else None
        is_total = [any(fold(v) in total_labels for v, _ in row) for row in rows]
        totals = [r for r in range(len(rows)) if is_total[r]]
        if amount is None or len(totals) > 1 or (not totals and total is None):
            example = in_run[min(lonely)][0][0]
            return {"code": "unreadable_glued_no_total", "args": {"columns": listed, "example": example}}
        scale = UNIT_TO_WAN.get(header_unit(names[amount]) or "万元", Decimal(1))
        total_row = totals[0] if totals else None
        last_row = total_row - 1 if total_row else None
        viable: list[set[int]] | None = None
        options: list[list[Split]] = []
        for stray in (False, True):
            if stray and last_row not in lonely:
                break
            options = [
                _row_options(cells, run, amount, r in lonely, stray and r == last_row) for r, cells in enumerate(in_run)
            ]
            viable = _viable_splits(options, total_row, amount, scale, total, None)
            if viable is None or any(viable):
                break
        if viable is None:
            return {"code": "unreadable_glued_too_many", "args": {"columns": listed}}
        if not _one_amount(viable, options, amount) and total is not None and total_row is not None:
            # The table's sums leave several readings: the total the notice states decides among them.
            viable = _viable_splits(options, total_row, amount, scale, total, total / scale)
            if viable is None:
                return {"code": "unreadable_glued_too_many", "args": {"columns": listed}}
        if not any(viable) or not _one_amount(viable, options, amount):
            how = "unreadable_glued_no_way" if not any(viable) else "unreadable_glued_several_ways"
            return {"code": how, "args": {"columns": listed}}
        for r in lonely:
            chosen, fragment = options[r][min(viable[r])]
            keep = chosen if len(viable[r]) == 1 else {amount: chosen[amount]}
            rows[r] = [(v, c) for v, c in rows[r] if c not in run] + [(v, c) for c, v in keep.items() if v]
            rows[r].sort(key=lambda vc: vc[1])
            if fragment:
                table.left_unread.append((fragment, None))
    return None


def _one_amount(viable: list[set[int]], options: list[list[Split]], amount: int) -> bool:
    """Whether every reading that adds up gives each row the same amount."""
    return all(len({options[r][j][0].get(amount, "") for j in ways}) <= 1 for r, ways in enumerate(viable))


def _row_options(cells: list[tuple[str, int]], run: list[int], amount: int, glued: bool, stray: bool) -> list[Split]:
    """A row's ways to fill the run's columns (its amount never empty), each with the fragment left after them."""
    if not glued:
        return [({c: v for v, c in cells}, "")]
    value = cells[0][0]
    options: list[Split] = []
    for end in range(1, len(value) + 1) if stray else [len(value)]:
        if value[end - 1] == ".":
            continue
        for pieces in _splits(value[:end], len(run)):
            split = dict(zip(run, pieces, strict=True))
            if split[amount]:
                options.append((split, value[end:]))
    return options


def _figure(split: dict[int, str], col: int) -> Decimal:
    value = parse_number(split[col]) if split.get(col) else None
    return value if value is not None else Decimal(0)


def _viable_splits(
    options: list[list[Split]],
    total_row: int | None,
    amount: int,
    scale: Decimal,
    total: Decimal | None,
    amount_sum: Decimal | None,
) -> list[set[int]] | None:
    """For each row, the indices of its options that belong to some reading of every row at once whose sums check:
    each figure of the total row (each way it splits) the sum of its column, or with no total row the amount column
    adding up to the notice's ``total``; ``amount_sum`` (in the amount's unit) a further sum the amounts must make.
    Found by the partial sums reachable row by row, forwards then back; None when they are too many to follow."""
    data = [r for r in range(len(options)) if r != total_row]
    viable: list[set[int]] = [set() for _ in options]
    stated_ways = range(len(options[total_row])) if total_row is not None else [None]
    for way in stated_ways:
        if way is None or total_row is None:
            if total is None:
                return viable
            cols, target = [amount], [total / scale]
        else:
            stated = options[total_row][way][0]
            cols = [c for c in options[total_row][way][0] if stated.get(c)]
            target = [_figure(stated, c) for c in cols]
        if amount_sum is not None:
            cols, target = [*cols, amount], [*target, amount_sum]
        goal = tuple(target)
        reached: list[set[tuple[Decimal, ...]]] = [{tuple(Decimal(0) for _ in cols)}]
        for r in data:
            after = {
                tuple(s + _figure(split, c) for s, c in zip(sums, cols, strict=True))
                for sums in reached[-1]
                for split, _ in options[r]
            }
            if len(after) > MAX_STATES:
                return None
            reached.append(after)
        if goal not in reached[-1]:
            continue
        if way is not None and total_row is not None:
            viable[total_row].add(way)
        good = {goal}
        for k in range(len(data) - 1, -1, -1):
            r, before = data[k], set()
            for j, (split, _) in enumerate(options[r]):
                for sums in reached[k]:
                    if tuple(s + _figure(split, c) for s, c in zip(sums, cols, strict=True)) in good:
                        viable[r].add(j)
                        before.add(sums)
            good = before
    return viable
