"""Tables given as a stream of cells: one cell per line (blank lines or not, ``|`` closing each cell or not), or a
whole table flattened onto one line with nothing between its cells.

A web page copied as text loses the grid: an empty cell vanishes, a merged cell appears once, a 合计 row is shorter
than the others. Cutting the stream by the header's width then shifts every row after the first gap. Instead each
header cell gets a kind (序号, text or number, :mod:`fundgraph.loaders.roles`) and the stream is aligned to the
header: rows start at the next 序号 (1, 2, 3 …) where the table has one, and otherwise where a text follows the
numbers; inside a row each cell goes to the next column of its kind, a column with no cell is left empty. Each
alignment is the cheapest one (a skipped column costs 1), found by dynamic programming; where the rows could begin
elsewhere (a cell equal to the next 序号, a column blank in every row) several hypotheses are aligned and the one
whose cells fit their columns' kinds and whose columns add up to the total row is kept (:func:`align_rows`).

A stream that ends without its closing ``|`` (or inside a table, with nothing after it) is marked cut, so the plan
reports ``truncated`` and never takes a cut number for an amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine
from fundgraph.loaders.roles import HeaderRole, fold, is_header_word, is_total_label, role_of, vocabulary
from fundgraph.money import parse_number

_NUMERIC_ROLES = frozenset({"money", "rate", "quantity", "code"})
_AMOUNT_LIKE = re.compile(r"^\s*[+-]?[\d０-９][\d０-９,，.．]*\s*(?:元|千元|万元|亿元)?\s*(?:[（(].*)?$", re.S)
_DASH = frozenset({"-", "—", "－", "–", "/"})
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|注[:：]|附件)")
_TITLE_END = re.compile(r"(?:表|单|名单|清单|一览|汇总|方案|计划|通知|公告|公示)$")
_PLACE_ONLY = re.compile(r"^(?:县|区|市|乡|镇|街道?|村|地区|省|州|盟|旗|行政区划|区域|园区|所在|名称|名|[、和及与/])+$")

# What it costs to leave a column without a cell. A merged cell shows once, on its first row: rates (每亩补助 18.34)
# and the group a row belongs to (县(区) before 乡镇) are the columns that go missing, money almost never.
SKIP_COST = {"seq": 1.0, "money": 1.2, "rate": 0.3, "quantity": 1.0, "code": 0.8}
NAME_SKIP_COST = 1.5  # a row names what it funds: a lone text is its name before its place or its description
TEXT_SKIP_COST = 1.0
GROUP_TEXT_SKIP_COST = 0.9  # a text column followed by another text column: the coarser one, often merged
TRAILING_SKIP_COST = 0.5  # a trailing 备注 or other text cell that is empty simply vanishes in copied text
TEXT_AS_NUMBER_COST = 3.0
EMPTY_DROP_COST = 0.1  # copied text closes a row with stray empty cells (`||`)
MID_ROW_EMPTY_DROP_COST = 1.0  # an empty cell written inside a row is that row's cell
EMPTY_COST = {"money": 0.6}  # an empty cell fills any column, a money column reluctantly
EMPTY_FILL_COST = 0.05


@dataclass(frozen=True)
class StreamCell:
    text: str
    line: int
    terminated: bool = True  # False for the last cell of a stream that closes cells with `|` but not this one


def cell_kind(text: str) -> str:
    """``empty``, ``int``, ``num`` (a number, with a unit or a note in brackets) or ``text``.

    >>> [cell_kind(t) for t in ("", "12", "2.5", "30(含劳务)", "-", "凤城镇")]
    ['empty', 'int', 'num', 'num', 'num', 'text']
    """
    stripped = text.strip()
    if not stripped:
        return "empty"
    if stripped in _DASH:
        return "num"
    if re.fullmatch(r"\d{1,4}", stripped):
        return "int"
    return "num" if _AMOUNT_LIKE.match(stripped) and parse_number(_leading_number(stripped)) is not None else "text"


def _leading_number(text: str) -> str:
    match = re.match(r"\s*([+-]?[\d０-９][\d０-９,，.．]*)", text)
    return match.group(1) if match else text


def header_role(text: str) -> HeaderRole:
    """A cell's role as a header in a stream, stricter than a header row's: a place header is only place words
    (县(区), 乡镇、村), not a place's name (临翔区); a title (…分配表) or a long phrase is never a header."""
    role = role_of(text)
    if role.role is None:
        return role
    if _SECTION.match(fold(text)) or _is_heading(text):
        return HeaderRole(None, None, "a numbered heading, not a header")
    stem = re.sub(r"[（(][^）)]*[)）]", "", fold(text))
    if len(stem) > 14 or (_TITLE_END.search(stem) and role.role not in {"name", "body"}):
        return HeaderRole(None, None, "a title, not a header")
    if role.role == "place" and not _PLACE_ONLY.match(stem):
        return HeaderRole(None, None, "a place's name, not a header")
    named_thing = len(stem) > 8 or re.search(r"公司|项目$", stem) is not None
    short_project_header = stem.endswith("项目") and len(stem) <= 4
    if role.role in {"name", "body"} and not is_header_word(text) and named_thing and not short_project_header:
        return HeaderRole(None, None, "a project's or a body's name, not a header")
    if re.search(r"\d{4}年", stem) and role.role not in _NUMERIC_ROLES:
        return HeaderRole(None, None, "a dated phrase, not a header")
    return role


def column_kind(role: str | None) -> str:
    if role == "seq":
        return "seq"
    return "num" if role in _NUMERIC_ROLES else "text"


@dataclass
class _Header:
    start: int  # index of the first header cell in the stream
    end: int  # index after the last
    roles: list[str | None]
    columns: list[int]  # the cells that are columns (a 其中 parent is not)


def find_headers(cells: list[StreamCell]) -> list[_Header]:
    """Runs of header cells that name a money column and something funded (a project, body or place)."""
    roles = [header_role(c.text).role if c.text else None for c in cells]
    for i, cell in enumerate(cells):
        # 合计 followed by numbers starts a total row; a header's 合计/小计 is followed by more header cells.
        if roles[i] is not None and is_total_label(cell.text):
            following = next((c.text for c in cells[i + 1 :] if c.text), "")
            if cell_kind(following) != "text":
                roles[i] = None
    # 其中:… heads sub-columns in a flattened two-row header; it is part of the header but no column of its own.
    parent = [fold(c.text).startswith("其中") and len(c.text) <= 20 for c in cells]
    # A short word no vocabulary knows (建设地点, 帮扶对象) between two header cells is a column of its own: a header
    # is not cut by one unknown title, which would leave its money column outside the run.
    bridge = [
        0 < x < len(cells) - 1
        and roles[x] is None
        and roles[x - 1] is not None
        and roles[x + 1] is not None
        and cell_kind(cells[x].text) == "text"
        and 2 <= len(fold(cells[x].text)) <= MAX_UNKNOWN_HEADER
        for x in range(len(cells))
    ]
    headers: list[_Header] = []
    i = 0
    while i < len(cells):
        if roles[i] is None:
            i += 1
            continue
        j = i
        while j < len(cells) and (roles[j] is not None or parent[j] or bridge[j]):
            j += 1
        # A second name or body column in a run is a row's first cell (项目名称 then 海丰道路硬化项目): the run ends.
        seen: set[str | None] = set()
        for x in range(i, j):
            if roles[x] in {"name", "body"} and roles[x] in seen:
                j = x
                break
            seen.add(roles[x])
        run = [roles[x] for x in range(i, j) if not parent[x]]
        named = {"name", "body", "place", "recipient", "applicant", "implementer"} & set(run)
        # A later table's header follows its title, 单位 line or 附件 line, or starts with 序号; elsewhere a body and
        # an amount among the rows (职业学校 | 贫困生职业教育补助) are a row's cells, not a new header.
        announced = not headers or run[0] == "seq" or (i > 0 and _TABLE_LEAD.search(fold(cells[i - 1].text)))
        if len(run) >= 2 and "money" in run and named and announced:
            headers.append(_Header(i, j, run, [x for x in range(i, j) if not parent[x]]))
        i = j
    return headers


MAX_UNKNOWN_HEADER = 8
_TABLE_LEAD = re.compile(r"^单位|^附件|表$|表[(（][^()（）]*[)）]$")


_NOTE = re.compile(r"^(备注|注|说明)\s*[:：]")


def is_prose(text: str, long_text_ok: bool) -> bool:
    """Text that ends a table: a note, a 单位 line, a numbered section of prose (一、以…下达…如下:), a long sentence.
    A short numbered heading (一、产业发展类) is a group heading inside the table."""
    folded = fold(text)
    if _SECTION.match(folded) and (len(folded) > 20 or re.search(r"[。:：;；]|如下", folded)):
        return True
    if folded.startswith(("注", "附件")) and _SECTION.match(folded):
        return True
    if re.match(r"^单位[:：]", folded) or _NOTE.match(folded):
        return True
    if any(word in folded for word in vocabulary().page_furniture):
        return True
    return not long_text_ok and (len(folded) > 40 or "。" in folded)


def align_rows(
    cells: list[StreamCell],
    roles: list[str | None],
    total_labels: frozenset[str],
    kind_of: list[str] | None = None,
) -> list[list[tuple[int, int]]]:
    """Cut cells into rows and give each cell its column: a list of rows, each a list of (cell index, column).

    Several hypotheses are aligned and the most consistent one is kept (:func:`_consistency`): where a 序号 could be
    one of several cells (an amount equal to the next row's number), each choice of the sequence; where the table
    has no 序号, rows cut only where the costs say and rows cut at every text that follows the numbers (a column
    blank in every row makes each row pay for it, which must not merge rows). ``kind_of`` gives the cells' kinds
    where the caller knows better than :func:`cell_kind` (numbers run together are numbers).
    """
    kinds = [column_kind(r) for r in roles]
    if not kinds:
        return []
    kind_of = kind_of or [cell_kind(c.text) for c in cells]
    if kinds[0] == "seq":
        best: tuple[float, list[list[tuple[int, int]]]] | None = None
        earliest = _seq_anchors(cells, kind_of, kinds)
        for chain in (earliest, _latest_chain(earliest, cells, kind_of, kinds)):
            cost, rows = _align(cells, roles, total_labels, kind_of, chain, False)
            # Another cell holding the same number, between its neighbours in the sequence, may be the 序号 instead.
            for value, position in enumerate(list(chain)):
                low = chain[value - 1] if value > 0 else -1
                high = chain[value + 1] if value + 1 < len(chain) else len(cells)
                for other in _seq_candidates(cells[position].text, low, high, cells, kind_of, kinds):
                    if other == position:
                        continue
                    trial = [*chain[:value], other, *chain[value + 1 :]]
                    trial_cost, trial_rows = _align(cells, roles, total_labels, kind_of, trial, False)
                    if trial_cost < cost:
                        chain, cost, rows = trial, trial_cost, trial_rows
            if best is None or cost < best[0]:
                best = (cost, rows)
        return best[1] if best is not None else []
    cost, rows = _align(cells, roles, total_labels, kind_of, [], False)
    if kinds[0] == "text" and any(k == "num" for k in kinds):
        _, cut = _align(cells, roles, total_labels, kind_of, [], True)
        if cut and _consistency(cut, cells, kinds, kind_of, total_labels) < _consistency(
            rows, cells, kinds, kind_of, total_labels
        ):
            return cut
    return rows


def _consistency(
    rows: list[list[tuple[int, int]]],
    cells: list[StreamCell],
    kinds: list[str],
    kind_of: list[str],
    total_labels: frozenset[str],
) -> tuple[int, int]:
    """How well an alignment fits its header, lower is better: cells of the wrong kind for their column (a name in
    a money column, a number in a name column) and rows with no number at all; then, negated, the money columns
    whose rows add up to the total row's figure."""
    wrong = 0
    columns: dict[int, list[Decimal]] = {}
    stated: dict[int, Decimal] = {}
    for row in rows:
        is_total = fold(cells[row[0][0]].text) in total_labels
        if not is_total and not any(kind_of[i] in {"int", "num"} for i, _ in row):
            wrong += 1
        for i, col in row:
            kind = kind_of[i]
            if is_total and col <= 1 and kind == "text":
                continue
            if (kinds[col] == "num" and kind == "text") or (kinds[col] == "text" and kind in {"int", "num"}):
                wrong += 1
            value = parse_number(_leading_number(cells[i].text)) if kinds[col] == "num" else None
            if value is None:
                continue
            if not is_total:
                columns.setdefault(col, []).append(value)
            elif col not in stated:
                stated[col] = value
    agree = sum(1 for col, values in columns.items() if stated.get(col) == sum(values, Decimal(0)))
    return wrong, -agree


def _seq_candidates(
    number: str, low: int, high: int, cells: list[StreamCell], kind_of: list[str], kinds: list[str]
) -> list[int]:
    """The cells strictly between ``low`` and ``high`` that could be the 序号 ``number``."""
    return [
        x
        for x in range(low + 1, high)
        if kind_of[x] == "int" and cells[x].text.strip() == number.strip() and _followed_as_seq(x, kind_of, kinds)
    ]


def _latest_chain(earliest: list[int], cells: list[StreamCell], kind_of: list[str], kinds: list[str]) -> list[int]:
    """The same 序号 sequence taken as late as it can be: each number the last cell holding it before the next
    number's (an amount equal to the next 序号 comes before that 序号, as a row's amount ends the row)."""
    chain: list[int] = []
    high = len(cells)
    for position in reversed(earliest):
        found = _seq_candidates(cells[position].text, position - 1, high, cells, kind_of, kinds)
        chain.append(found[-1] if found else position)
        high = chain[-1]
    return chain[::-1]


def _followed_as_seq(i: int, kind_of: list[str], kinds: list[str]) -> bool:
    """Whether the cell after ``i`` can follow a 序号: a text where the column after 序号 is text."""
    if not (len(kinds) > 1 and kinds[1] == "text"):
        return True
    following = next((kind_of[x] for x in range(i + 1, len(kind_of)) if kind_of[x] != "empty"), None)
    return following in ("text", None)


def _align(
    cells: list[StreamCell],
    roles: list[str | None],
    total_labels: frozenset[str],
    kind_of: list[str],
    chain: list[int],
    cut_after_numbers: bool,
) -> tuple[float, list[list[tuple[int, int]]]]:
    """The cheapest alignment of cells to the columns, with rows starting at the 序号 cells in ``chain`` (a table
    with a 序号 column) and, if ``cut_after_numbers``, at every text following a number; its cost and its rows."""
    kinds = [column_kind(r) for r in roles]
    k = len(kinds)
    skip_cost = [
        SKIP_COST.get(r or "", 1.0)
        if kinds[c] != "text"
        else NAME_SKIP_COST
        if r == "name"
        else (GROUP_TEXT_SKIP_COST if c + 1 < k and kinds[c + 1] == "text" else TEXT_SKIP_COST)
        for c, r in enumerate(roles)
    ]
    has_seq = kinds[0] == "seq" if kinds else False
    n = len(cells)
    anchors = set(chain)
    previous = [next((kind_of[x] for x in range(i - 1, -1, -1) if kind_of[x] != "empty"), None) for i in range(n)]
    starts_row = [
        i in anchors
        or (fold(cells[i].text) in total_labels)
        or (has_seq and kind_of[i] == "text" and _is_heading(cells[i].text))
        or (cut_after_numbers and kind_of[i] == "text" and previous[i] in {"int", "num"})
        for i in range(n)
    ]
    inf = float("inf")

    def compat(i: int, col: int) -> float:
        kind, want = kind_of[i], kinds[col]
        if kind == "empty":
            return EMPTY_COST.get(roles[col] or "", EMPTY_FILL_COST)
        if want == "seq":
            return 0.0 if i in anchors else inf
        if roles[col] == "code":
            return 0.0  # a budget subject is a code (2070204) or its name (文物保护)
        if want == "num":
            # A text where a number belongs (待定) stays in its column, so the plan can say which cell is wrong.
            return 0.0 if kind in {"int", "num"} else TEXT_AS_NUMBER_COST
        if i in anchors:
            return inf
        return 0.0 if kind == "text" else TEXT_AS_NUMBER_COST

    def skip(a: int, b: int, trailing: bool) -> float:
        cost = 0.0
        for col in range(a, b):
            cost += TRAILING_SKIP_COST if trailing and kinds[col] == "text" else skip_cost[col]
        return cost

    # The search asks for the same few skips and fits hundreds of thousands of times: each computed once, in the
    # same order of addition (so the costs, and the ties between them, are those of the sum itself).
    inner = [[skip(a, b, False) for b in range(k + 1)] for a in range(k + 1)]
    closing = [skip(a, k, True) for a in range(k + 1)]
    fits = [[compat(i, col) for col in range(k)] for i in range(n)]

    # best[i][j]: cheapest alignment of cells[:i] with the current row filled up to column j (j == 0: no row open).
    best = [[inf] * (k + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, int] | None]] = [[None] * (k + 1) for _ in range(n + 1)]  # (prev j, col, new?)
    best[0][0] = 0.0
    for i in range(n):
        for j in range(k + 1):
            here = best[i][j]
            if here == inf:
                continue
            if kind_of[i] == "empty":
                # A stray empty cell closes a row (`||`); one inside a row is a cell, written there for its column.
                drop = here + (EMPTY_DROP_COST if j in (0, k) else MID_ROW_EMPTY_DROP_COST)
                if drop < best[i + 1][j]:
                    best[i + 1][j] = drop
                    back[i + 1][j] = (j, -1, 0)
            # Continue the open row (not at a cell that must start one).
            if j > 0 and not starts_row[i]:
                skips, fit = inner[j], fits[i]
                for col in range(j, k):
                    cost = here + skips[col] + fit[col]
                    if cost < best[i + 1][col + 1]:
                        best[i + 1][col + 1] = cost
                        back[i + 1][col + 1] = (j, col, 0)
            # Start a new row here.
            if kind_of[i] == "empty" and not starts_row[i]:
                continue
            if has_seq and not starts_row[i] and j > 0:
                continue  # with a 序号 column, rows start only at the next number, a total or a heading
            close = closing[j] if j > 0 else 0.0
            skips, fit = inner[0], fits[i]
            for col in range(k):
                cost = here + close + (0.0 if starts_row[i] and col <= 1 else skips[col]) + fit[col]
                if cost < best[i + 1][col + 1]:
                    best[i + 1][col + 1] = cost
                    back[i + 1][col + 1] = (j, col, 1)
    end_j = min(range(k + 1), key=lambda j: best[n][j] + (closing[j] if j else 0.0))
    if best[n][end_j] == inf:
        return inf, []
    placed: list[tuple[int, int, bool]] = []
    i, j = n, end_j
    while i > 0:
        step = back[i][j]
        if step is None:
            break
        prev_j, col, new = step
        if col >= 0:
            placed.append((i - 1, col, bool(new)))
        i, j = i - 1, prev_j
    placed.reverse()
    rows: list[list[tuple[int, int]]] = []
    for index, col, new in placed:
        if new or not rows:
            rows.append([])
        rows[-1].append((index, col))
    return best[n][end_j] + (closing[end_j] if end_j else 0.0), rows


def _is_heading(text: str) -> bool:
    return re.match(r"^[(（]?[一二三四五六七八九十]+[)）、.]", fold(text)) is not None


def _seq_anchors(cells: list[StreamCell], kind_of: list[str], kinds: list[str]) -> list[int]:
    """Cells that are the next 序号 (1, 2, 3 …) and are followed by text, as the column after 序号 is: the first such
    cell for each number (:func:`align_rows` tries the others)."""
    anchors: list[int] = []
    expected: int | None = None
    for i, cell in enumerate(cells):
        if kind_of[i] != "int":
            continue
        value = int(cell.text.strip())
        if expected is None and value not in (0, 1):
            continue
        if expected is not None and value != expected:
            continue
        if not _followed_as_seq(i, kind_of, kinds):
            continue
        anchors.append(i)
        expected = value + 1
    return anchors


def stream_document(
    cells: list[StreamCell], lines: list[str], path: str, doc_id: str, layout: str, total_labels: frozenset[str]
) -> RawDocument:
    """Tables found in a stream of cells, one per header; text between them is each table's title and notes."""
    headers = find_headers(cells)
    tables: list[Table] = []
    first_line = cells[headers[0].start].line if headers else len(lines) + 1
    last_line = 0
    for number, header in enumerate(headers, start=1):
        limit = headers[number].start if number < len(headers) else len(cells)
        long_text_ok = any(
            header_role(c.text).role in {"summary", "targets", "name", "remarks"}
            for c in cells[header.start : header.end]
        )
        end = header.end
        while end < limit and not is_prose(cells[end].text, long_text_ok):
            end += 1
        # Title lines of the next table stand just before its header: they are not rows of this one.
        if end == limit and number < len(headers):
            while end > header.end and cell_kind(cells[end - 1].text) == "text" and _titleish(cells[end - 1].text):
                end -= 1
        # A number cut by the end of the text is not a number, and a row cut inside a number is not a row.
        body = [c for c in cells[header.end : end] if c.terminated or cell_kind(c.text) == "text"]
        table = Table(index=number)
        table.last_row_cut = len(body) < end - header.end
        previous_end = headers[number - 2].end if number > 1 else 0
        if number > 1:
            # The table's own title and unit line: prose between the previous table's rows and this header.
            for cell in cells[previous_end : header.start]:
                if cell.text and cell_kind(cell.text) == "text":
                    table.rows.append([Cell(cell.text, len(table.rows) + 1, 1, cell.line)])
        header_row = len(table.rows) + 1
        names = [cells[x].text for x in header.columns]
        arranged = lay_out_header(names, header.roles, body, total_labels)
        if arranged is None:
            table.unreadable = {"code": "unreadable_header_rows", "args": {}}
            arranged = (names, header.roles, align_rows(body, header.roles, total_labels))
        names, _, aligned = arranged
        first_line_of_header = cells[header.start].line
        table.rows.append(
            [Cell(name, header_row, col, first_line_of_header) for col, name in enumerate(names, start=1)]
        )
        for row_cells in aligned:
            row = len(table.rows) + 1
            table.rows.append([Cell(body[i].text, row, col + 1, body[i].line) for i, col in row_cells])
        table.at_end = end == len(cells)
        table.cut_inside = any(not c.terminated for c in cells[header.end : end])
        tables.append(table)
        last_line = max(last_line, cells[end - 1].line if end > 0 else 0)
    before = [TextLine(t.strip(), line=n) for n, t in enumerate(lines[: first_line - 1], start=1) if t.strip()]
    after = [TextLine(t.strip(), line=n) for n, t in enumerate(lines[last_line:], start=last_line + 1) if t.strip()]
    return RawDocument(path=path, doc_id=doc_id, format=layout, tables=tables, before=before, after=after)


def lay_out_header(
    names: list[str], roles: list[str | None], body: list[StreamCell], total_labels: frozenset[str]
) -> tuple[list[str], list[str | None], list[list[tuple[int, int]]]] | None:
    """The columns of a header flattened from two rows, and the rows aligned to them; None when nothing fits.

    A two-row header read in order gives the top row, then the sub-columns: 县区, 村数, 比例, 补助合计, 代扣, 下达,
    小计, 有线, 无线, 卫星, 小计, 干线, 无线, 维修. Each group of sub-columns starts with 小计 and belongs to one top
    column, which it replaces. Which top columns are the parents is decided by arithmetic: the arrangement where every
    row's 小计 equals the sum of its group, and every row fills every column, is taken; if none or several fit, None.
    A header with no 小计 after its first cell is taken as it is.
    """
    subtotal_at = [i for i, name in enumerate(names) if i > 0 and fold(name) == "小计"]
    if not subtotal_at:
        return names, roles, align_rows(body, roles, total_labels)
    top = list(range(subtotal_at[0]))
    groups = [list(range(a, b)) for a, b in zip(subtotal_at, [*subtotal_at[1:], len(names)], strict=True)]
    fits = []
    for parents in combinations(top, len(groups)):
        order: list[int] = []
        for i in top:
            order.extend(groups[parents.index(i)] if i in parents else [i])
        new_names = [
            f"{names[parents[g]]}/{names[i]}" if (g := _group_of(i, groups)) is not None else names[i] for i in order
        ]
        new_roles = [roles[i] for i in order]
        aligned = align_rows(body, new_roles, total_labels)
        data_rows = [r for r in aligned if fold(body[r[0][0]].text) not in total_labels]
        if not data_rows or any(len(r) != len(order) for r in data_rows):
            continue
        if all(_subtotals_hold(r, body, order, groups) for r in data_rows):
            fits.append((new_names, new_roles, aligned))
    return fits[0] if len(fits) == 1 else None


def _group_of(i: int, groups: list[list[int]]) -> int | None:
    return next((g for g, members in enumerate(groups) if i in members), None)


def _subtotals_hold(
    row: list[tuple[int, int]], body: list[StreamCell], order: list[int], groups: list[list[int]]
) -> bool:
    value = {order[col]: parse_number(body[i].text) for i, col in row}
    for members in groups:
        subtotal, parts = value.get(members[0]), [value.get(m) for m in members[1:]]
        if subtotal is None or any(p is None for p in parts):
            return False
        if subtotal != sum(p for p in parts if p is not None):
            return False
    return True


def _titleish(text: str) -> bool:
    folded = fold(text)
    return bool(_TITLE_END.search(folded)) or folded.startswith("单位") or len(folded) > 14


def cells_per_line(text: str) -> tuple[list[StreamCell], str]:
    """Each non-blank line a cell; with ``|`` closing cells, ``||`` is two empty cells and an unclosed last line cut.

    >>> cells, layout = cells_per_line("序号 |\\n名称 |\\n||\\n12")
    >>> [(c.text, c.terminated) for c in cells], layout
    ([('序号', True), ('名称', True), ('', True), ('', True), ('12', False)], 'cell-per-line')
    """
    lines = text.splitlines()
    filled = sum(1 for line in lines if line.strip())
    # Cells closed by `|`, or by `,` as some pages copy them (湘桥区, / 87.66, / ,): the closer most lines end with.
    closer, closed = max(((c, sum(1 for line in lines if line.rstrip().endswith(c))) for c in "|,"), key=lambda x: x[1])
    piped = closed >= 3 and closed * 2 >= filled - 10
    cells: list[StreamCell] = []
    last_filled = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=0)
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if piped and stripped.endswith(closer):
            pieces = stripped.split("|")[:-1] if closer == "|" else _comma_closed(stripped)
            cells.extend(StreamCell(p.strip(), number) for p in pieces)
        elif (one_line := _table_on_one_line(stripped, number)) is not None:
            cells.extend(one_line)
        else:
            cells.append(StreamCell(stripped, number, terminated=not (piped and number == last_filled)))
    if cells and cells[-1].terminated and re.search(r"\d[.,，．]$", cells[-1].text):
        cells[-1] = StreamCell(cells[-1].text, cells[-1].line, terminated=False)  # "725." was cut inside a number
    return cells, "cell-per-line"


ONE_LINE_MIN_WORDS = 6


def _table_on_one_line(line: str, number: int) -> list[StreamCell] | None:
    """A whole table flattened onto one line, its cells separated by single spaces (a title, the header, then the
    rows: ``…分配表 县区名称 资金分配额(万元) 备注 合计 4000 乐都区 819 …``): each word a cell, where the words hold a
    header followed on the same line by at least a row's worth of cells. A header alone on its line is left whole,
    its rows on their own lines being another layout's.

    >>> [c.text for c in _table_on_one_line("分配表 县区 补助资金 城关镇 12 河口乡 30", 1) or []][:3]
    ['分配表', '县区', '补助资金']
    >>> _table_on_one_line("序号 县区 补助资金", 1) is None
    True
    """
    words = line.split()
    if len(words) < ONE_LINE_MIN_WORDS:
        return None
    cells = [StreamCell(word, number) for word in words]
    headers = find_headers(cells)
    if not headers or len(words) - headers[0].end < len(headers[0].columns):
        return None
    return cells


def _comma_closed(line: str) -> list[str]:
    """A line closed by commas: its text is one cell (a comma inside it, 1,000户次, is the text's), each further
    trailing comma one empty cell.

    >>> _comma_closed("项目简介，含1,000户次,"), _comma_closed("湘桥区 ,,"), _comma_closed(",")
    (['项目简介，含1,000户次'], ['湘桥区', ''], [''])
    """
    body = line.rstrip(", ")
    closers = line[len(body) :].count(",")
    return [body, *[""] * (closers - 1)] if body else [""] * closers


def read_cell_stream(text: str, path: str, doc_id: str, total_labels: frozenset[str]) -> RawDocument:
    cells, layout = cells_per_line(text)
    return stream_document(cells, text.splitlines(), path, doc_id, layout, total_labels)
