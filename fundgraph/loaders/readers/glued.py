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
from itertools import combinations

from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine
from fundgraph.loaders.readers.streams import StreamCell, align_rows, column_kind, header_role
from fundgraph.loaders.roles import (
    allocation_weight,
    fold,
    header_unit,
    header_words,
    is_header_word,
    recipient_kind,
)
from fundgraph.money import UNIT_TO_WAN, parse_number

_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\d]+")
_PIECE = re.compile(r"[^()（）\d]{1,12}(?:[（(][^()（）]{1,8}[)）])?")
_PLACE_END = re.compile(r"^(.{1,6}?(?:街道|镇|乡|区|县|市))(.+)$")
_BODY_END = re.compile(r"^(.+(?:有限公司|公司|中心|局|厂|社|院|所|站|协会|学校|银行))(.{1,6})$")
_NUMBER_PART = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d{1,4})?$")
MIN_LINE = 40
MAX_SPLITS = 20000


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
        cells = [StreamCell(t.strip("。;；，, "), number) for t in tokens]
        table = Table(index=1)
        table.rows.append([Cell(name, 1, col, number) for col, name in enumerate(names, start=1)])
        aligned = align_rows(cells, roles, total_labels)
        rows = [[(cells[i].text, col) for i, col in row] for row in aligned]
        rows = [_split_glued_texts(row, roles) for row in rows]
        problem = _split_glued_numbers(rows, names, roles, total_labels, total)
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


def _split_glued_numbers(
    rows: list[list[tuple[str, int]]],
    names: list[str],
    roles: list[str | None],
    total_labels: frozenset[str],
    total: Decimal | None,
) -> str | None:
    """Split a number that fills a run of number columns alone; a reason to refuse the table when nothing decides."""
    kinds = [column_kind(r) for r in roles]
    runs: list[list[int]] = []
    for col, kind in enumerate(kinds):
        if kind == "num" and runs and runs[-1][-1] == col - 1:
            runs[-1].append(col)
        elif kind == "num":
            runs.append([col])
    money_runs = [run for run in runs if len(run) > 1]
    for run in money_runs:
        glued = [
            (r, value, col) for r, row in enumerate(rows) for value, col in row if col in run and parse_number(value)
        ]
        lonely = [g for g in glued if sum(1 for _, c in rows[g[0]] if c in run) == 1]
        if not lonely:
            continue
        money = [c for c in run if roles[c] == "money"]
        amount = max(money, key=lambda c: (allocation_weight(names[c]), -c)) if money else None
        if amount is None or total is None:
            return (
                f"numbers are run together under {', '.join(names[c] for c in run)} ({lonely[0][1]}) and no total "
                "stated in the notice decides where one ends"
            )
        scale = UNIT_TO_WAN.get(header_unit(names[amount]) or "万元", Decimal(1))
        data_rows = [g for g in lonely if not any(fold(v) in total_labels for v, _ in rows[g[0]])]
        total_rows = [g for g in lonely if g not in data_rows]
        choices: dict[int, set[str]] = {}
        for r, value, _ in lonely:
            options = {p[run.index(amount)] for p in _splits(value, len(run))}
            choices[r] = {o for o in options if o}
        fixed = Decimal(0)
        for r, row in enumerate(rows):
            if r not in choices and not any(fold(v) in total_labels for v, _ in row):
                fixed += sum((Decimal(v) * scale for v, c in row if c == amount and parse_number(v)), Decimal(0))
        # The amount column must add up to the stated total: rows and the 合计 row alike.
        decided: dict[int, str] = {}
        for r, _, _ in total_rows:
            matching = [o for o in choices[r] if Decimal(o) * scale == total]
            if len(matching) != 1:
                return f"the 合计 row's run-together numbers ({rows[r]}) do not split to the stated total {total}"
            decided[r] = matching[0]
        free = [r for r, _, _ in data_rows]
        if len(free) == 1:
            matching = [o for o in choices[free[0]] if fixed + Decimal(o) * scale == total]
            if len(matching) != 1:
                return f"the run-together numbers of row {free[0] + 1} do not split to the stated total {total}"
            decided[free[0]] = matching[0]
        elif free:
            return "several rows have run-together numbers; the stated total alone cannot decide each split"
        for r, value in decided.items():
            rows[r] = [(v, c) for v, c in rows[r] if c not in run] + [(value, amount)]
            rows[r].sort(key=lambda vc: vc[1])
    return None
