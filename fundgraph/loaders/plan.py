"""From a read table to a plan: header mapping, units, totals, notes and metadata.

Fatal input (nothing faithful can be made of it) raises :class:`~fundgraph.errors.ParseError` with its location; what an
auditor must see but does not stop loading (a total that disagrees, a duplicated 序号) becomes a
:class:`~fundgraph.loaders.model.Problem`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from fundgraph.errors import EmptyTableError, Location, ParseError
from fundgraph.loaders.cells import Cell, RawDocument, Table, TextLine, fold_forms
from fundgraph.loaders.measures import measures
from fundgraph.loaders.model import Plan, Problem, Project, Source
from fundgraph.loaders.roles import (
    SHORT_UNITS,
    allocation_weight,
    drop_pinyin,
    fold,
    header_unit,
    is_total_label,
    recipient_kind,
    role_of,
    strip_unit,
    vocabulary,
)
from fundgraph.loaders.targets import split_targets
from fundgraph.money import CLAUSE_COMMA, LARGEST_PLAUSIBLE_WAN, UNIT_TO_WAN, format_wan, parse_number, to_wan

_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(?:[^元万亿千]{0,6}[、,，])?(新台币|人民币)?(元|千元|万元|亿元)")
_HEADING = re.compile(r"^(?:[(（]?[一二三四五六七八九十]+[)）、.]|第[一二三四五六七八九十]+[类部分章节项])")
_PLACE_NAME = re.compile(r"(?:省|市|县|区|州|盟|旗|镇|乡|街道|村)$")
_UNIT_WORD = re.compile(r"\d\s*(?:元|千元|万元|亿元|万$|亿$)")
_CURRENCY = {"新台币": "TWD", "港币": "HKD", "澳门币": "MOP", "美元": "USD"}
_AMOUNT_CELL = re.compile(
    r"^\s*(?P<number>[+-]?[\d０-９,，.．\s]+?)\s*(?P<unit>元|千元|万元|亿元|万|亿)?\s*(?P<rest>[（(].*)?$", re.S
)
_ATTACHMENT = re.compile(r"^附件\s*([0-9０-９]+|[一二三四五六七八九十]+)\s*[:：]?\s*$")
_YEAR = re.compile(r"(20\d{2})\s*年")
_TITLE_WORDS = ("方案", "分配表", "安排表", "明细表", "计划表", "汇总表", "清单", "一览表", "分配", "安排")
_FUND = re.compile(
    r"^(?:\d{4}\s*年度?)?(?P<region>[\u4e00-\u9fff]{2,6}?(?:省|自治区|市|县|区))?"
    # Any kind of bracket: a scan reads （ as 〈 or (.
    r"(?P<fund>[\u4e00-\u9fff]+?(?:专项资金|资金))(?:[（(〈〔【［](?P<programme>[^）)〉〕】］]+)[）)〉〕】］])?"
)
_NOTE = re.compile(r"^(注|备注|说明)\s*[:：\d]")
_CORE_FIELDS = ("seq", "name", "applicant", "implementer", "summary", "targets", "amount", "approval", "place")
_GROUP_SEQ = re.compile(r"^[(（]?[一二三四五六七八九十]+[)）、.]?$|^[A-Z][.、]?$")
_MONEY_IN_TEXT = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*(亿元|千元|万元|元)")


MAX_HEADER_CHARS = 40  # header cells and total labels are short; longer cells are never folded to compare


def header_key(text: str) -> tuple[str, str | None]:
    """A header cell's folded name and the unit it names, if any.

    >>> header_key("拟分配金额（万元）")
    ('拟分配金额', '万元')
    """
    return strip_unit(text), header_unit(text)


@dataclass
class HeaderMap:
    """Which column holds which field; ``amount_cols`` keeps every money column, the allocation first."""

    row_index: int
    data_start: int = -1
    columns: dict[str, int] = field(default_factory=dict)
    amount_cols: list[tuple[int, str]] = field(default_factory=list)
    unit: str | None = None
    names: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    why: dict[int, str] = field(default_factory=dict)


def map_header(row: list[Cell], row_index: int, numeric: frozenset[int] = frozenset()) -> HeaderMap | None:
    """Map a candidate header row, or None when it does not name both a project (or recipient) and an amount.

    Each cell's role comes from :func:`fundgraph.loaders.roles.role_of` (the reviewed synonyms, then the header's head
    noun). Who is funded: a project name column is the name; without one, a body column (名称, 企业名称, 单位), an
    applicant or implementer column (项目单位, 实施单位) and then the finest place column (乡镇 after 县区) name the
    row. A body column is the applicant, and the implementer
    when no column names one.
    """
    header = HeaderMap(row_index=row_index)
    bodies: list[int] = []
    places: list[int] = []
    for cell in row:
        if not cell.text or len(cell.text) > MAX_HEADER_CHARS:
            continue
        role = role_of(cell.text)
        header.names[cell.col] = cell.text
        header.why[cell.col] = role.why
        kind = role.role
        if kind == "recipient":
            kind = recipient_kind(cell.text)
        if cell.col in numeric and kind in _TEXT_ROLES:
            # The header names a recipient (補助台北市政府) but the column holds numbers: money for that recipient.
            money = re.search(r"补助|补贴|资金|金额|经费|奖励|拨付|下达|安排", fold(cell.text)) is not None
            kind = "money" if money else "quantity"
            header.why[cell.col] = f"{role.why}, but its cells are numbers"
        if kind is None:
            continue
        header.roles[cell.col] = kind
        if kind == "money":
            header.amount_cols.append((cell.col, header_key(cell.text)[0]))
            header.unit = header.unit or role.unit
        elif kind == "body":
            bodies.append(cell.col)
        elif kind == "place":
            places.append(cell.col)
        elif kind in {"rate", "quantity", "code"}:
            continue
        else:
            header.columns.setdefault(kind, cell.col)
    if "name" not in header.columns:
        # Who is funded, finest first: a body, the applicant or implementer (项目单位), then the finest place.
        named = [header.columns[k] for k in ("applicant", "implementer") if k in header.columns]
        recipient = bodies[0] if bodies else named[0] if named else (places[-1] if places else None)
        if recipient is None:
            return None
        header.columns["name"] = recipient
        header.columns["recipient"] = recipient
    if bodies:
        header.columns.setdefault("applicant", bodies[0])
        header.columns.setdefault("implementer", bodies[0])
    if places:
        header.columns.setdefault("place", places[-1])
    if not header.amount_cols:
        return None
    header.amount_cols.sort(key=_amount_order)
    header.columns["amount"] = header.amount_cols[0][0]
    header.data_start = row_index + 1
    return header


_TEXT_ROLES = frozenset({"name", "body", "place", "applicant", "implementer"})


def _amount_order(col_key: tuple[int, str]) -> tuple[int, int, int, int]:
    """This notice's money first (本次, 下达 … by weight), then the reviewed preference list, then a sub-column named
    like a total (资金安排/合计) before its siblings, then left to right."""
    vocab = vocabulary()
    rank = {name: i for i, name in enumerate(vocab.amount_preference)}
    parent, _, sub = col_key[1].partition("/")
    total_first = 0 if not sub or sub in vocab.total_labels else 1
    return (-allocation_weight(col_key[1]), rank.get(parent, len(rank)), total_first, col_key[0])


def extend_with_subheader(header: HeaderMap, row: list[Cell]) -> bool:
    """Fold a second header row into ``header`` (资金安排 over 合计 / 省级 / 中央); False when ``row`` is data.

    Sub-columns under a money header become amount columns named ``parent/sub``; one named like a total (合计)
    is taken as the allocation, the others are kept.
    """
    # A header cell spanning both rows (rowspan: 序号, 项目名称) is carried into the second with the row it was
    # written in: it is the first row's, not a sub-column.
    own = max((c.row for c in row), default=0)
    filled = [c for c in row if c.text and c.row == own]
    if not filled or any(parse_number(c.text) is not None for c in filled):
        return False
    name_col = header.columns.get("name")
    if any(c.col == name_col for c in filled):
        return False
    vocab = vocabulary()
    money_parents = {col: key for col, key in header.amount_cols}
    parent_names = dict(header.names)
    header_cols = sorted(parent_names)
    changed = False
    for cell in filled:
        key, unit = header_key(cell.text)
        parent_col = max((c for c in header_cols if c <= cell.col), default=None)
        field_name = vocab.synonyms.get(key)
        if parent_col in money_parents:
            parent_key = money_parents[parent_col]
            # The parent stops being a value column of its own once it has sub-columns.
            header.amount_cols = [(c, k) for c, k in header.amount_cols if (c, k) != (parent_col, parent_key)]
            header.amount_cols.append((cell.col, f"{parent_key}/{key}"))
            header.names[cell.col] = f"{parent_names.get(parent_col, parent_key)}/{cell.text}"
            header.unit = header.unit or unit
            changed = True
        elif field_name is not None and field_name not in header.columns:
            header.columns[field_name] = cell.col
            header.names[cell.col] = cell.text
            changed = True
    if changed:
        header.amount_cols.sort(key=_amount_order)
        header.columns["amount"] = header.amount_cols[0][0]
    return changed


def build_plan(document: RawDocument) -> Plan:
    """The one plan a document holds; raises ParseError when it holds none (or several: use :func:`build_plans`)."""
    plans = build_plans(document)
    if len(plans) > 1:
        raise ParseError.of("several_tables", Location(document.path), count=len(plans))
    return plans[0]


def build_plans(document: RawDocument) -> list[Plan]:
    """One plan per table that has a header naming something funded and money; ParseError when there is none.

    Where a table has several money columns, the allocation is the first (by :func:`_amount_order`) whose rows add up
    to the stated total; when none does, the first that reads, with a problem saying the choice is not verified.
    """
    located = find_headers(document)
    if not located:
        raise ParseError.of("no_header", Location(document.path))
    several = len(located) > 1
    plans: list[Plan] = []
    unread: list[ParseError] = []
    for table, header in located:
        try:
            plans.append(_best_plan(document, table, header, table.index if several else None))
        except ParseError as error:
            if not several:
                raise
            unread.append(error)
    if not plans:
        raise unread[0]
    announced = _announced_but_missing(document)
    if announced is not None:
        plans[-1] = replace(plans[-1], problems=(*plans[-1].problems, announced))
    # A table that cannot be read faithfully is not guessed at; the plans read beside it say so.
    problems = tuple(Problem.of("table_unread", _source_of(document, e), reason=_reason(e)) for e in unread)
    return [replace(plan, problems=(*plan.problems, *problems)) for plan in plans]


def prose_total(lines: list[TextLine]) -> tuple[Decimal, TextLine, str] | None:
    """The total a notice states in its text, in 万元, with its line and clause.

    Of the clauses that name money with a total word (or 资金N万元), the one that most says it is this notice's money
    wins (现将…259万元拨付 over 总计应拨付544万元 and 已拨付285万元); the first among equals.

    >>> prose_total([TextLine("总计应拨付544万元,已拨付285万元。现将第二批资金259万元拨付给你们", line=3)])[0]
    Decimal('259')
    """
    best: tuple[int, Decimal, TextLine, str] | None = None
    words = vocabulary().whole_words
    for line in lines:
        for clause in _whole_clauses(drop_pinyin(fold_forms(line.text))):
            if not any(w in clause for w in words) and not _ALLOCATED.search(clause):
                continue
            match = _MONEY_IN_TEXT.search(clause)
            if match is None or (number := parse_number(match.group(1))) is None:
                continue
            weight = allocation_weight(clause)
            if best is None or weight > best[0]:
                best = (weight, to_wan(number, match.group(2)), line, clause.strip())
    return None if best is None else best[1:]


def _whole_clauses(text: str) -> list[str]:
    """The clauses of a text that may state its whole: those after 其中 up to the sentence's end are its parts
    (总投资1259万元,其中:基础设施3项,总资金938万元;产业发展2项,总资金307万元。).

    >>> _whole_clauses("共下达100万元,其中:甲60万元;乙40万元。另安排5万元")
    ['共下达100万元', '另安排5万元']
    """
    clauses: list[str] = []
    for sentence in text.split("。"):
        for clause in re.split(rf"[；;]|{CLAUSE_COMMA}", sentence):
            if clause.lstrip().startswith("其中"):
                break
            clauses.append(clause)
    return clauses


def _announced_but_missing(document: RawDocument) -> Problem | None:
    """The text announces a table (…表列如下:) in its last lines, or ends in the next table's title and 单位 line
    (…安排表 单位:万元), before any table follows: it was cut. An attachment list (附件:…分配表) has no 单位 line."""
    tail = document.after[-3:]
    for number, line in enumerate(tail):
        if re.search(r"如下\s*[:：]\s*$", line.text) and len(tail) - number <= 2:
            return Problem.of(
                "truncated",
                Source(document.doc_id, None, None, None, line.line),
                template="problem_truncated_announced",
                text=line.text[-30:],
            )
    if tail and _NEXT_TABLE_HEADING.search(fold(tail[-1].text)):
        return Problem.of(
            "truncated",
            Source(document.doc_id, None, None, None, tail[-1].line),
            template="problem_truncated_next_table",
            text=tail[-1].text[-40:],
        )
    return None


_NEXT_TABLE_HEADING = re.compile(r"表(?:[(（][^()（）]{0,12}[)）])?\s*单位\s*[:：][^。;；]{0,12}$")


def _source_of(document: RawDocument, error: ParseError) -> Source:
    return Source(document.doc_id, error.where.table, error.where.row, error.where.col, error.where.line)


def _reason(error: ParseError) -> dict[str, Any] | str:
    """A refusal's reason to pass on inside another message: the message itself, or its English text."""
    return error.reason() or error.message


def _is_number_cell(text: str) -> bool:
    match = _AMOUNT_CELL.match(fold_forms(text))
    return match is not None and parse_number(match.group("number")) is not None


_SENTENCE_END = re.compile(r"[。;；:：,，!！?？]$")


def _best_plan(document: RawDocument, table: Table, header: HeaderMap, index: int | None) -> Plan:
    if table.unreadable is not None:
        first = table.rows[header.row_index][0]
        raise ParseError.of(
            "table_unreadable",
            Location(document.path, table.index, first.row, None, first.line),
            table=table.index,
            why=table.unreadable,
        )
    built: list[tuple[int, Plan]] = []
    first_error: ParseError | None = None
    row_total = _row_total_column(table, header)
    if row_total is None:
        row_total = _named_part_total_column(table, header)
    keys = dict(header.amount_cols)
    if (
        row_total is not None
        and not _names_a_total(header.names.get(row_total, ""))
        and any(
            allocation_weight(k) >= allocation_weight(keys.get(row_total, ""))
            for c, k in keys.items()
            if c != row_total
        )
    ):
        # The sum of the other money columns under a name that is no total (补助金额 = 提前下达 + 实际下达) is what
        # the year comes to, not this notice's money: it adds up as well as its parts do, so it is tried last. A
        # sum whose header outweighs every part (调整后 = 原安排 + 调整数) is the allocation its parts make.
        header = replace(header, amount_cols=sorted(header.amount_cols, key=lambda ck: ck[0] == row_total))
        row_total = None
    if row_total is not None:
        header = replace(header, amount_cols=sorted(header.amount_cols, key=lambda ck: ck[0] != row_total))
    for col, _ in header.amount_cols:
        chosen = replace(header, columns={**header.columns, "amount": col})
        try:
            plan = _PlanBuilder(document, table, chosen, index).build()
        except ParseError as error:
            first_error = first_error or error
            continue
        if col == row_total and plan.stated_total is not None and plan.stated_total != plan.computed_total:
            # Its header names the rows' total and each row is the sum of its parts: that is the allocation, and a
            # part that adds up to its own total is still a part. The disagreement is the notice's, and reported.
            why = f"column {col} ({header.names.get(col)}) is each row's sum of the other money columns"
            plan = _blank_row_totals_disagree(table, header, col, plan)
            return replace(plan, decisions=(*plan.decisions, *document.decisions, why), amount_column=col)
        if (
            plan.stated_total is not None
            and plan.stated_total == plan.computed_total
            and _may_choose(plan.stated_total_text, header)
        ):
            why = f"column {col} ({header.names.get(col)}) adds up to the stated total"
            if col == row_total:
                why += ", and is each row's sum of other money columns"
            else:
                plan = _unless_another_adds_up(document, table, header, index, col, plan)
            return replace(plan, decisions=(*plan.decisions, *document.decisions, why), amount_column=col)
        built.append((col, plan))
    if not built:
        assert first_error is not None
        raise first_error
    col, plan = built[0]
    if len(header.amount_cols) > 1:
        others = ", ".join(header.names.get(c, str(c)) for c, _ in header.amount_cols if c != col)
        problem = Problem.of(
            "amount_column_unverified",
            Source(document.doc_id, table.index),
            header=str(header.names.get(col)),
            col=col,
            others=others,
        )
        plan = replace(plan, problems=(*plan.problems, problem))
    why = f"column {col} ({header.names.get(col)}) is the first money column by its header words"
    if col == row_total:
        why = f"column {col} ({header.names.get(col)}) is each row's sum of the other money columns"
    return replace(plan, decisions=(*plan.decisions, *document.decisions, why), amount_column=col)


def _blank_row_totals_disagree(table: Table, header: HeaderMap, col: int, plan: Plan) -> Plan:
    """A row-total column left blank in a row whose parts are written (中央 10 | 省级 blank | 合计 blank): the rows'
    totals as written do not make the stated total, and the blank is no unknown figure but a cell written empty
    beside its parts, so the disagreement is the notice's own: a ``total_mismatch`` that names the blank rows."""
    unverified = next((p for p in plan.problems if p.code == "total_unverified"), None)
    missing = [p for p in plan.projects if p.amount is None]
    if unverified is None or not missing:
        return plan
    parts = {c for c, _ in header.amount_cols if c != col}
    by_row = {row[0].row: row for row in table.rows if row}
    for project in missing:
        row = by_row.get(next((s.row for s in project.cells.values() if s.row is not None), -1), [])
        if any(c.col == col and c.text.strip() for c in row):
            return plan  # a cell that was written but is not a number is unknown, not blank
        if not any(c.col in parts and _number_or_zero(c.text) for c in row):
            return plan
    names = ", ".join(p.name for p in missing)[:200]
    problem = Problem.of(
        "total_mismatch",
        unverified.where,
        template="problem_total_column_blank",
        stated=format_wan(plan.stated_total or Decimal(0)),
        computed=format_wan(plan.computed_total),
        names=names,
    )
    return replace(plan, problems=tuple(problem if p is unverified else p for p in plan.problems))


def _may_choose(stated_text: str | None, header: HeaderMap) -> bool:
    """A total the text states only in words naming other money (项目总投资为150万元: the projects' whole cost, a
    whole word of negative allocation weight) verifies rows that hold one money column; among several (总投资 |
    补助资金) it would choose the cost for the allocation.

    >>> two = HeaderMap(1, amount_cols=[(2, "总投资"), (3, "补助资金")])
    >>> _may_choose("项目总投资为150万元", two), _may_choose("共下达150万元", two)
    (False, True)
    """
    if len(header.amount_cols) <= 1 or stated_text is None or _ALLOCATED.search(stated_text):
        return True
    words = [w for w in vocabulary().whole_words if w in stated_text]
    return not words or any(allocation_weight(w) >= 0 for w in words)


_ALLOCATED = re.compile(r"资金\s*[\d,，.]+\s*(?:亿元|千元|万元|元)")


def _unless_another_adds_up(
    document: RawDocument, table: Table, header: HeaderMap, index: int | None, col: int, plan: Plan
) -> Plan:
    """A money column that adds up to its total is the allocation only if no other does as well, or its header says
    more surely that it is this notice's money (本次下达 over 补助资金): two columns that both reconcile (补助资金
    and 奖励资金, each with its 合计) leave the choice to the reviewed preference list, which the notice does not
    confirm."""
    weight = allocation_weight(dict(header.amount_cols).get(col, ""))
    for other, key in header.amount_cols:
        if other == col or allocation_weight(key) < weight:
            continue
        try:
            chosen = replace(header, columns={**header.columns, "amount": other})
            rival = _PlanBuilder(document, table, chosen, index).build()
        except ParseError:
            continue
        if rival.stated_total is not None and rival.stated_total == rival.computed_total:
            problem = Problem.of(
                "amount_column_unverified",
                Source(document.doc_id, table.index),
                template="problem_amount_column_rival",
                header=str(header.names.get(col)),
                col=col,
                other_header=str(header.names.get(other)),
                other=other,
            )
            return replace(plan, problems=(*plan.problems, problem))
    return plan


def build_from_header(document: RawDocument, table: Table, header: HeaderMap) -> Plan:
    """A plan from a header a person gave (a reading recipe, fundgraph.loaders.recipes): the builder's rules for
    rows, totals, units and problems, with no column guessed."""
    plan = _PlanBuilder(document, table, header, None).build()
    return replace(plan, decisions=(*plan.decisions, *document.decisions), amount_column=header.columns["amount"])


def _name_by_place_when_bodies_repeat(header: HeaderMap, rows: list[list[Cell]]) -> None:
    """In a recipient table whose body column says the same in most rows (社会事务服务中心 in every 乡镇), the
    place tells the rows apart: it names the row, and the body stays the applicant. A body named after its place
    (茶山街道养老服务中心 in 茶山街道, 仙岩养老服务中心 in 仙岩街道) is compared without that place."""
    name, place = header.columns.get("name"), header.columns.get("place")
    if place is None or name is None or name == place or header.columns.get("recipient") != name:
        return
    values: list[str] = []
    for row in rows:
        body = next((c.text for c in row if c.col == name and c.text), None)
        if body is not None:
            where = next((c.text for c in row if c.col == place and c.text), "")
            values.append(_without_place(fold(body), fold(where)))
    if len(values) >= 3 and len(set(values)) * 2 <= len(values) and all(values):
        header.columns["name"] = header.columns["recipient"] = place
        header.why[place] = f"{header.why.get(place, '')}; names the row, as the bodies repeat"


def _without_place(body: str, place: str) -> str:
    """The body less the place it starts with, whole or without its ending (街道, 镇): 茶山街道养老服务中心 in
    茶山街道 is 养老服务中心.

    >>> _without_place("仙岩养老服务中心", "仙岩街道"), _without_place("县医院", "")
    ('养老服务中心', '县医院')
    """
    if not place:
        return body
    stems = [place] + [place[: -len(end)] for end in vocabulary().place_suffixes if place.endswith(end)]
    for stem in stems:
        if len(stem) >= 2 and body.startswith(stem) and len(body) > len(stem):
            return body[len(stem) :]
    return body


def _numeric_columns(rows: list[list[Cell]]) -> frozenset[int]:
    """Columns whose filled cells are nearly all numbers (a dash counts as an empty amount)."""
    counts: dict[int, list[int]] = {}
    for row in rows:
        for cell in row:
            if cell.text:
                seen = counts.setdefault(cell.col, [0, 0])
                seen[0] += 1
                seen[1] += parse_number(cell.text) is not None or cell.text.strip() in {"-", "—", "－"}
    return frozenset(col for col, (filled, numbers) in counts.items() if filled >= 2 and numbers >= 0.8 * filled)


def _is_subheader(header: HeaderMap, row: list[Cell]) -> bool:
    """A second header row whose sub-columns fundgraph has no use for (考核等次 | 上次拨付明细 under 备注): two or more
    short texts, no number anywhere, nothing in the amount column."""
    filled = [c for c in row if c.text]
    amount_col = header.columns.get("amount")
    seq = next((c.text for c in filled if c.col == header.columns.get("seq")), None)
    if seq is not None and _GROUP_SEQ.match(fold(seq)):
        return False  # 一 | 第一类: a group heading
    return (
        len(filled) >= 2
        and all(len(c.text) <= 20 and not re.search(r"\d+(\.\d+)?$", c.text) for c in filled)
        and not any(c.col == amount_col for c in filled)
    )


def _row_total_column(table: Table, header: HeaderMap) -> int | None:
    """A money column that is, row by row, the sum of the other money columns (合計 after one column per recipient):
    the row's whole allocation. It must hold in two rows and at least two thirds of the rows that can be checked."""
    money = [col for col, _ in header.amount_cols]
    if len(money) < 3:
        return None
    for col in money:
        checked = held = 0
        for row in table.rows[header.data_start :]:
            values = {c.col: _number_or_zero(c.text) for c in row if c.col in money}
            if col not in values or values[col] is None or any(v is None for v in values.values()):
                continue
            parts = [v for c, v in values.items() if c != col and v is not None]
            if len(parts) < 2:
                continue
            checked += 1
            held += sum(parts, Decimal(0)) == values[col]
        if held >= 2 and held * 3 >= checked * 2:
            return col
    return None


def _named_part_total_column(table: Table, header: HeaderMap) -> int | None:
    """A money column named a total (集中+分散合計) that is, row by row, the sum of the money columns just before it
    (集中供養資金 | 分散供養資金), where columns after it split the money another way (供養資金 | 護理補貼): the row's
    whole allocation, as its header says. It must hold in two rows and at least two thirds of the rows checked."""
    money = sorted(col for col, _ in header.amount_cols)
    for col in money:
        if not _names_a_total(header.names.get(col, "")):
            continue
        parts = []
        for before in range(col - 1, 0, -1):
            if before not in money:
                break
            parts.append(before)
        for size in range(2, len(parts) + 1):
            checked = held = 0
            for row in table.rows[header.data_start :]:
                values = {c.col: _number_or_zero(c.text) for c in row if c.col in (col, *parts[:size])}
                if len(values) != size + 1 or any(v is None for v in values.values()):
                    continue
                checked += 1
                held += sum((v for c, v in values.items() if c != col and v is not None), Decimal(0)) == values[col]
            if held >= 2 and held * 3 >= checked * 2:
                return col
    return None


def _names_a_total(name: str) -> bool:
    """A header naming a row's total (资金合计, 合計, 总计): a total label in it, as headers.yaml lists them.

    >>> _names_a_total("资金合计"), _names_a_total("2017年補助金額")
    (True, False)
    """
    folded = fold(name)
    return any(label in folded for label in vocabulary().total_labels)


def _number_or_zero(text: str) -> Decimal | None:
    return Decimal(0) if text.strip() in {"-", "—", "－"} else parse_number(text)


def find_headers(document: RawDocument) -> list[tuple[Table, HeaderMap]]:
    """The first header row of each table that has one."""
    found: list[tuple[Table, HeaderMap]] = []
    for table in document.tables:
        for index, row in enumerate(table.rows):
            header = map_header(row, index)
            if header is not None:
                numeric = _numeric_columns(table.rows[index + 1 :])
                if numeric & {c for c, k in header.roles.items() if k in _TEXT_ROLES}:
                    header = map_header(row, index, numeric) or header
                _name_by_place_when_bodies_repeat(header, table.rows[index + 1 :])
                if index + 1 < len(table.rows) and (
                    extend_with_subheader(header, table.rows[index + 1]) or _is_subheader(header, table.rows[index + 1])
                ):
                    header.data_start = index + 2
                found.append((table, header))
                break
    return found


class _PlanBuilder:
    def __init__(self, document: RawDocument, table: Table, header: HeaderMap, index: int | None = None) -> None:
        self.document = document
        self.table = table
        self.header = header
        self.index = index
        self.own_title: list[TextLine] = []
        self.cut = table.cut_inside or (table.at_end and not document.after and table is document.tables[-1])
        self.problems: list[Problem] = []
        self.last_row_whole = False  # an unclosed last row whose amount completes the total stated before it
        self.prose_before: list[TextLine] = list(document.before)
        self.prose_after: list[TextLine] = list(document.after)
        self.notes: list[str] = []
        self.decisions: list[str] = []
        self.stated_total: Decimal | None = None
        self.stated_total_source: Source | None = None
        self.stated_total_text: str | None = None

    def source(self, cell: Cell | None = None, row: int | None = None) -> Source:
        if cell is None:
            return Source(self.document.doc_id, self.table.index, row, None, None)
        return Source(
            self.document.doc_id, self.table.index, cell.row, cell.col, cell.line, cell.page, cell.box, cell.confidence
        )

    def location(self, cell: Cell) -> Location:
        return Location(self.document.path, self.table.index, cell.row, cell.col, cell.line, cell.page)

    def build(self) -> Plan:
        for row in self.table.rows[: self.header.row_index]:
            self.own_title.extend(TextLine(c.text, line=c.line, row=c.row) for c in row if c.text)
        self.prose_before.extend(self.own_title)
        prose_unit, currency = self._unit_from_prose()
        units_in_cells = all(
            (cell := self._cell(row, "amount")) is None or not cell.text or _UNIT_WORD.search(fold_forms(cell.text))
            for row in self.table.rows[self.header.data_start :]
        )
        if self.header.unit is None and prose_unit is None and not units_in_cells:
            prose_unit = self._unit_from_magnitude()
        unit = self.header.unit or prose_unit or "万元"
        if self.header.unit is None and prose_unit is None and not units_in_cells:
            self.problems.append(
                Problem.of("unit_assumed", self.source(row=self.table.rows[self.header.row_index][0].row))
            )
        projects = self._rows(unit)
        if self.table.cut_inside and not self.last_row_whole and not any(p.code == "truncated" for p in self.problems):
            if self.table.next_row_cut:
                self._cut(Problem.of("truncated", self._last_row(), template="problem_truncated_next_row"))
            else:
                self._cut(Problem.of("truncated", self._last_row()))
        if not projects:
            header_row = self.table.rows[self.header.row_index]
            raise EmptyTableError.of(
                "empty_table",
                Location(self.document.path, self.table.index, header_row[0].row, None, header_row[0].line),
            )
        for doubt in self.table.doubts:
            at = Source(self.document.doc_id, None, None, None, doubt.line)
            self.problems.append(
                Problem.of("count_mismatch", at, said=doubt.said, named=doubt.named, first=doubt.first, last=doubt.last)
            )
        for fragment, at_line in self.table.left_unread:
            at = Source(self.document.doc_id, None, None, None, at_line)
            self.problems.append(Problem.of("left_unread", at, fragment=fragment))
        if self.stated_total is None:
            self._total_from_prose()
        for line in self.prose_after:
            if _NOTE.match(fold(line.text)):
                self.notes.append(line.text)
        title = self._title()
        meta = _FUND.match(fold(title)) if title else None
        year_match = _YEAR.search(title or "") or next(
            (m for line in self.prose_before if (m := _YEAR.search(line.text))), None
        )
        plan = Plan(
            doc_id=self.document.doc_id,
            path=self.document.path,
            format=self.document.format,
            title=title,
            attachment=self._attachment(),
            year=int(year_match.group(1)) if year_match else None,
            fund=meta.group("fund") if meta else None,
            programme=meta.group("programme") if meta else None,
            region=meta.group("region") if meta else None,
            unit=unit,
            stated_total=self.stated_total,
            stated_total_source=self.stated_total_source,
            stated_total_text=self.stated_total_text,
            notes=tuple(self.notes),
            projects=tuple(projects),
            problems=(),
            currency=currency,
            table=self.index,
        )
        self._reconcile(plan)
        return Plan(**{**plan.__dict__, "problems": tuple(self.problems), "decisions": tuple(self.decisions)})

    def _rows(self, unit: str) -> list[Project]:
        projects: list[Project] = []
        seen_seq: dict[str, Cell] = {}
        group: str | None = None
        subtotals: list[tuple[str, Decimal, Source, int]] = []
        widths: list[int] = []
        # Rows under an item that open with 其中 and carry no 序号 of their own (| 其中:城关镇 | 70 |): the item's
        # parts, held until the next numbered row shows whether they add up to the item.
        parts: list[tuple[Project, int]] = []
        # The rows since the last heading or 小计, and a 小计 that stood before its rows (潮州市辖区小计 first).
        block: tuple[int, tuple[Decimal, Cell] | None] = (0, None)
        data = self.table.rows[self.header.data_start :]
        last = max((i for i, row in enumerate(data) if any(c.text for c in row)), default=-1)
        for position, row in enumerate(data):
            filled = [c for c in row if c.text]
            if not filled:
                continue
            if self._total_label(row) is not None:
                subtotal = self._total_row(row, unit)
                if subtotal is not None:
                    if len(projects) > block[0] and block[1] is None:
                        self._close_block((block[0], subtotal), projects, after=True)
                        block = (len(projects), None)
                    else:
                        self._close_block(block, projects)
                        block = (len(projects), subtotal)  # before its rows
                continue
            if len(filled) == 1 and _HEADING.match(fold(filled[0].text)) and len(filled[0].text) <= 30:
                group = filled[0].text  # 一、产业发展类 on a row of its own
                self._close_block(block, projects)
                block = (len(projects), None)
                continue
            if len(filled) == 1 and position == last and self._cut_name_only(filled[0]):
                self._cut(Problem.of("truncated", self._last_row(), template="problem_truncated_after_name"))
                continue
            if len(filled) == 1 and parse_number(filled[0].text) is None:
                self.prose_after.append(TextLine(filled[0].text, line=filled[0].line, row=filled[0].row))
                continue
            name_cell = self._cell(row, "name")
            amount_cell = self._cell(row, "amount")
            label = next((c for c in filled if parse_number(c.text) is None), None)
            if (
                (name_cell is None or not name_cell.text)
                and self._text(row, "seq") is None
                and label is not None
                and amount_cell is not None
                and amount_cell.text
            ):
                # A group's own row (a region above its bodies) with the group's subtotal: checked, not a project.
                group = label.text
                subtotals.append((group, self._amount(amount_cell, unit), self.source(amount_cell), len(projects)))
                continue
            if self._is_group_heading(row):
                name_cell = self._cell(row, "name")
                group = name_cell.text if name_cell is not None and name_cell.text else filled[-1].text
                self._close_block(block, projects)
                block = (len(projects), None)
                continue
            cut_at = max(c.col for c in filled)
            if (
                position == last
                and (self.table.last_row_cut or (self.table.cut_inside and cut_at <= self.header.columns["amount"]))
                and not self._completes_the_stated_total(row, projects, unit)
            ):
                self._cut(Problem.of("truncated", self._last_row(), template="problem_truncated_in_number"))
                continue
            problems_before = len(self.problems)
            try:
                project = self._project(row, unit, len(projects) + 1, group)
            except ParseError as error:
                # Where the text surely ends inside the table any bad cell of the last row is the cut; where it
                # only may (nothing follows the table), only a missing cell is, and a malformed one is an error.
                missing = self._cell(row, "name") is None or not (self._text(row, "name") or "")
                if not (position == last and (self.table.cut_inside or (self.cut and missing))):
                    raise
                # The text ends inside this row: what is there is not a row (a cut amount is no amount).
                where = self._last_row()
                self._cut(Problem.of("truncated", where, template="problem_truncated_in_row", reason=_reason(error)))
                continue
            if project.amount is None and self.cut and position == last:
                del self.problems[problems_before:]
                self._cut(Problem.of("truncated", self._last_row(), template="problem_truncated_before_amount"))
                continue
            if position == last and self.cut and self._lacks_a_money_cell_every_row_had(row, data[:position]):
                self._cut(Problem.of("truncated", self._last_row(), template="problem_truncated_after_amount"))
            numbered = self._text(row, "seq") is not None
            if not numbered and (parts or (projects and fold(project.name).startswith("其中"))):
                parts.append((project, len(filled)))
                continue
            if parts:
                self._settle_parts(parts, projects, widths)
            if project.seq in seen_seq:
                earlier = seen_seq[project.seq]
                self.problems.append(
                    Problem.of("duplicate_seq", project.source, seq=project.seq, first_row=earlier.row)
                )
            else:
                seq_cell = self._cell(row, "seq")
                if seq_cell is not None:
                    seen_seq[project.seq] = seq_cell
            projects.append(project)
            widths.append(len(filled))
        if parts:
            self._settle_parts(parts, projects, widths)
        self._close_block(block, projects)
        self._check_subtotals(subtotals, projects)
        return self._group_rows(projects, widths)

    def _settle_parts(self, parts: list[tuple[Project, int]], projects: list[Project], widths: list[int]) -> None:
        """Rows after 其中 under an item: its parts when they add up to its amount exactly, and then not rows of
        their own; else rows as written (the total then says what is wrong)."""
        item = projects[-1]
        amounts = [p.amount for p, _ in parts]
        if item.amount is not None and None not in amounts and sum(a for a in amounts if a) == item.amount:
            names = "、".join(p.name for p, _ in parts)
            self.decisions.append(f"{names}: parts of 序号 {item.seq} ({item.name}) after 其中, adding up to it")
        else:
            projects.extend(p for p, _ in parts)
            widths.extend(w for _, w in parts)
        parts.clear()

    def _close_block(
        self, block: tuple[int, tuple[Decimal, Cell] | None], projects: list[Project], after: bool = False
    ) -> None:
        """Check a 小计 against the rows it covers: those before it since the last heading or 小计, or, when it
        stands first, those after it up to the next."""
        start, pending = block
        if pending is None:
            return
        value, cell = pending
        rows = projects[start:]
        if not rows:
            return
        got = sum((p.amount for p in rows if p.amount is not None), Decimal(0))
        truncated = any(p.code == "truncated" for p in self.problems)
        if got == value or truncated:
            return
        if after:
            problem = Problem.of(
                "subtotal_mismatch",
                self.source(cell),
                stated=format_wan(value),
                rows=len(rows),
                computed=format_wan(got),
            )
        else:
            # A 小计 that stands first covers the rows after it up to the next heading, 小计 or the total; where
            # places follow its bodies with no heading between (潮州市辖区小计, ten schools, then 湘桥区), the
            # first rows that add up to it exactly are its own.
            prefix = Decimal(0)
            for row in rows:
                if row.amount is None:
                    break
                prefix += row.amount
                if prefix == value:
                    return
            problem = Problem.of(
                "subtotal_mismatch",
                self.source(cell),
                template="problem_subtotal_before",
                stated=format_wan(value),
                rows=len(rows),
                computed=format_wan(got),
            )
        self.problems.append(problem)

    def _group_rows(self, projects: list[Project], widths: list[int]) -> list[Project]:
        """A row without a 序号 naming a place, with fewer cells than the body named in the row after it, whose amount
        the rows after it add up to exactly, is their group's own row (广元市 30 above 朝天区文管所 30)."""
        kept: list[Project] = []
        i = 0
        while i < len(projects):
            project = projects[i]
            if (
                "seq" not in project.cells
                and project.amount is not None
                and i + 1 < len(projects)
                and widths[i] < widths[i + 1]
                and _PLACE_NAME.search(project.name)
                and not _PLACE_NAME.search(projects[i + 1].name)
            ):
                total, j = Decimal(0), i + 1
                while j < len(projects) and total < project.amount:
                    total += projects[j].amount or Decimal(0)
                    j += 1
                if total == project.amount:
                    for member in projects[i + 1 : j]:
                        kept.append(replace(member, extra={**member.extra, "group": project.name}))
                    i = j
                    continue
            kept.append(project)
            i += 1
        return kept

    def _check_subtotals(self, subtotals: list[tuple[str, Decimal, Source, int]], projects: list[Project]) -> None:
        for number, (group, value, where, start) in enumerate(subtotals):
            end = subtotals[number + 1][3] if number + 1 < len(subtotals) else len(projects)
            rows = projects[start:end]
            got = sum((p.amount for p in rows if p.amount is not None), Decimal(0))
            if rows and got != value and not (self.cut and end == len(projects)):
                self.problems.append(
                    Problem.of(
                        "subtotal_mismatch",
                        where,
                        template="problem_group_mismatch",
                        group=group,
                        stated=format_wan(value),
                        rows=len(rows),
                        computed=format_wan(got),
                    )
                )

    def _last_row(self) -> Source:
        return self.source(row=self.table.rows[-1][0].row)

    def _cut(self, problem: Problem) -> None:
        self.problems.append(problem)

    def _cell(self, row: list[Cell], field_name: str) -> Cell | None:
        col = self.header.columns.get(field_name)
        return next((c for c in row if c.col == col), None) if col is not None else None

    def _text(self, row: list[Cell], field_name: str) -> str | None:
        cell = self._cell(row, field_name)
        return cell.text if cell is not None and cell.text else None

    def _is_group_heading(self, row: list[Cell]) -> bool:
        """A row that names a group (一、 第一类) and has no amount; a numbered row without one is an error."""
        amount = self._cell(row, "amount")
        if amount is not None and amount.text:
            return False
        # A row with figures of its own in other columns is a project whose amount is missing, not a heading —
        # unless it is named as one (一、…, 第二类).
        name_col = self.header.columns.get("name")
        name = self._text(row, "name")
        figures = any(
            c.col != name_col and c.text and all(parse_number(w) is not None for w in c.text.split()) for c in row
        )
        if figures and not (name is not None and _HEADING.match(fold(name))):
            return False
        seq = self._text(row, "seq")
        return seq is None or _GROUP_SEQ.match(fold(seq)) is not None

    def _project(self, row: list[Cell], unit: str, position: int, group: str | None = None) -> Project:
        name_cell = self._cell(row, "name")
        amount_cell = self._cell(row, "amount")
        anchor = name_cell or amount_cell or row[0]
        if name_cell is None or not name_cell.text:
            col = self.header.columns["name"]
            header = self.header.names.get(col, "project name")
            raise ParseError.of("row_without_name", self.location(anchor), header=header, col=col)
        if amount_cell is None or not amount_cell.text:
            # A blank amount is missing, not zero: the row is kept and the plan says so.
            col = self.header.columns["amount"]
            where = Source(self.document.doc_id, self.table.index, anchor.row, col, anchor.line)
            self.problems.append(
                Problem.of(
                    "amount_missing", where, project=name_cell.text, col=col, header=str(self.header.names.get(col))
                )
            )
            amount: Decimal | None = None
        else:
            amount = self._amount(amount_cell, unit)
        targets_text = self._text(row, "targets")
        cells = {name: self.source(cell) for name in _CORE_FIELDS if (cell := self._cell(row, name)) is not None}
        core = {self.header.columns[f] for f in _CORE_FIELDS if f in self.header.columns}
        extra = {self.header.names.get(c.col, f"column {c.col}"): c.text for c in row if c.text and c.col not in core}
        if group is not None:
            extra["group"] = group
        return Project(
            seq=self._text(row, "seq") or str(position),
            name=name_cell.text,
            applicant=self._text(row, "applicant"),
            implementer=self._text(row, "implementer"),
            amount=amount,
            amount_text=amount_cell.text if amount_cell is not None else "",
            approval=self._text(row, "approval"),
            place=self._text(row, "place") if self.header.columns.get("place") != self.header.columns["name"] else None,
            summary=self._text(row, "summary"),
            targets_text=targets_text,
            targets=tuple(
                target
                for number, item in enumerate(split_targets(targets_text or ""), start=1)
                for target in measures(item, number)
            ),
            source=self.source(name_cell),
            cells=cells,
            extra=extra,
        )

    def _amount(self, cell: Cell, unit: str) -> Decimal:
        match = _AMOUNT_CELL.match(fold_forms(cell.text))
        number = parse_number(match.group("number")) if match else None
        if match is None or number is None:
            raise ParseError.of("amount_not_a_number", self.location(cell), cell=cell.text)
        if abs(number) >= LARGEST_PLAUSIBLE_WAN:
            raise ParseError.of("amount_too_large", self.location(cell), cell=cell.text)
        # A cell's own unit; 万 and 亿 alone (120万) in a money column are 万元 and 亿元.
        written = match.group("unit")
        amount = to_wan(number, SHORT_UNITS.get(written, written) if written else unit)
        if amount.as_tuple().exponent < -6:  # type: ignore[operator]
            raise ParseError.of("amount_too_fine", self.location(cell), cell=cell.text)
        return amount

    def _total_row(self, row: list[Cell], unit: str) -> tuple[Decimal, Cell] | None:
        """Record a 合计 row's amount as the stated total; a 小计 row's amount is returned, to be checked."""
        label_cell = self._total_label(row) or next(c for c in row if c.text)
        is_grand = not strip_unit(label_cell.text).endswith("小计") or self._only_total_row()
        amount_cell = self._cell(row, "amount")
        if self._label_spans_seq_and_name(row, label_cell):
            # 合計 written once over 序號 and 地區 with one cell fewer than the rows: every figure sits one left.
            amount_cell = next((c for c in row if c.col == self.header.columns["amount"] - 1), amount_cell)
        if amount_cell is not None and amount_cell.text and not _is_number_cell(amount_cell.text):
            # The amount column holds no figure here (减少33.51亩: a cell left out before it): the row's figure that is
            # the column's sum is its total; with none, the row's first figure is, and disagrees as it should.
            column_sum = self._column_sum(unit)
            amount_cell = next(
                (c for c in row if _is_number_cell(c.text) and self._amount(c, unit) == column_sum), amount_cell
            )
        candidates = [amount_cell] if amount_cell is not None and amount_cell.text else []
        candidates += [c for c in row if c.col > label_cell.col and c.text and c is not amount_cell]
        for cell in candidates:
            match = _AMOUNT_CELL.match(fold_forms(cell.text))
            if match and parse_number(match.group("number")) is not None:
                if not is_grand:
                    return self._amount(cell, unit), cell
                self.stated_total = self._amount(cell, unit)
                self.stated_total_source = self.source(cell)
                self.stated_total_text = cell.text
                return None
        return None

    def _completes_the_stated_total(self, row: list[Cell], projects: list[Project], unit: str) -> bool:
        """The text ends in the last row's amount (…| 9800, no closing `|`), but the total stated above the rows is
        exactly the earlier rows and this amount: the figure is whole, the row is read and nothing was cut."""
        cell = self._cell(row, "amount")
        if self.stated_total is None or cell is None or not _is_number_cell(cell.text) or not self._text(row, "name"):
            return False
        earlier = sum((p.amount for p in projects if p.amount is not None), Decimal(0))
        self.last_row_whole = earlier + self._amount(cell, unit) == self.stated_total
        return self.last_row_whole

    def _only_total_row(self) -> bool:
        """The table's one total-labelled row is its grand total, whatever its label (小计 over every row)."""
        data = self.table.rows[self.header.data_start :]
        return sum(1 for r in data if self._total_label(r) is not None) == 1

    def _total_label(self, row: list[Cell]) -> Cell | None:
        """The cell that makes a row a total row: 合计 opening it, or standing as its name (一 | 东县 | 小计 | 500,
        the place it totals before it)."""
        filled = [c for c in row if c.text]
        # A row's label may say its unit again (合计（万元）); in a header that is a money column's name, not a row's.
        label = next((c for c in filled[:2] if is_total_label(strip_unit(c.text))), None)
        named = self._cell(row, "name")
        if label is None and named is not None and named.text and is_total_label(strip_unit(named.text)):
            return named
        return label

    def _amount_cells(self) -> Iterator[Cell]:
        """The written amount cell of each row under the header that is not a total row."""
        for row in self.table.rows[self.header.data_start :]:
            filled = [c for c in row if c.text]
            cell = self._cell(row, "amount")
            if filled and self._total_label(row) is None and cell is not None and cell.text:
                yield cell

    def _column_sum(self, unit: str) -> Decimal | None:
        total = Decimal(0)
        for cell in self._amount_cells():
            if not _is_number_cell(cell.text):
                return None
            total += self._amount(cell, unit)
        return total

    def _cut_name_only(self, cell: Cell) -> bool:
        """The text ends right after a short name in the name column (…常山县 | 48 | 龙): the start of a row cut."""
        return (
            self.cut
            and not self.document.after
            and cell.col == self.header.columns.get("name")
            and len(cell.text) <= 12
            and parse_number(cell.text) is None
            and any(ch.isalpha() for ch in cell.text)
            and not _SENTENCE_END.search(cell.text)
        )

    def _lacks_a_money_cell_every_row_had(self, row: list[Cell], before: list[list[Cell]]) -> bool:
        """The last row at the end of the text lacks a money cell that every row before it filled: the text ends
        inside it (its earlier cells are as written, the rest was cut)."""
        have = {c.col for c in row if c.text}
        rows = [r for r in before if self._cell(r, "amount") is not None and (self._text(r, "amount") or "")]
        if len(rows) < 2:
            return False
        money = {col for col, _ in self.header.amount_cols}
        return any(col not in have and all(any(c.col == col and c.text for c in r) for r in rows) for col in money)

    def _label_spans_seq_and_name(self, row: list[Cell], label_cell: Cell) -> bool:
        """A total row whose label stands in the 序号 column and that is one cell narrower than the table's rows,
        every cell filled: the label covers 序号 and the name, and the figures follow one column early."""
        seq, name = self.header.columns.get("seq"), self.header.columns.get("name")
        if seq is None or name is None or label_cell.col != seq or name != seq + 1 or not all(c.text for c in row):
            return False
        if [c.col for c in row] != list(range(row[0].col, row[0].col + len(row))):
            return False  # cells placed by position keep their columns: a gap is where the page shows one
        widths = [len(r) for r in self.table.rows[self.header.data_start :] if r and r[-1].text]
        usual = max(set(widths), key=widths.count) if widths else 0
        return len(row) == usual - 1

    def _total_from_prose(self) -> None:
        """A total stated only in the text ("现将…共计408万元下达"), used when the table has no 合计 row."""
        found = prose_total([*self.prose_before, *self.prose_after])
        if found is not None:
            self.stated_total, line, self.stated_total_text = found
            self.stated_total_source = Source(self.document.doc_id, None, line.row, None, line.line)

    def _unit_from_prose(self) -> tuple[str | None, str]:
        """The unit of a 单位 line (单位:万元, 单位:人、万元, 單位:新台幣千元) and the currency it names."""
        for line in self.prose_before:
            folded = fold(line.text)
            match = _UNIT_LINE.search(folded)
            if match and match.group(2) in UNIT_TO_WAN:
                return match.group(2), _CURRENCY.get(match.group(1) or "", "CNY")
            bracket = header_unit(line.text)
            if bracket is not None:
                return bracket, "CNY"
        return None, "CNY"

    def _unit_from_magnitude(self) -> str | None:
        """The unit in which the amount column comes to the total the text states (共发放补贴资金12.5万元 over a
        column that adds up to 125000: 元), the text's figure taken as rounded to the digits it shows. Only one unit
        may fit (万元 included: the text then confirms what would otherwise be assumed); a column with a figure that
        is no number, or no total in the text, decides nothing."""
        found = prose_total([*self.prose_before, *self.prose_after])
        match = _MONEY_IN_TEXT.search(found[2]) if found is not None else None
        if found is None or match is None:
            return None
        raw = Decimal(0)  # the figures as written, whatever unit a cell names
        for cell in self._amount_cells():
            number = _AMOUNT_CELL.match(fold_forms(cell.text))
            value = parse_number(number.group("number")) if number is not None else None
            if value is None:
                return None
            raw += value
        digits = len(match.group(1).partition(".")[2])
        half = Decimal(5) * Decimal(10) ** -(digits + 1) * UNIT_TO_WAN[match.group(2)]
        fits = [u for u, scale in UNIT_TO_WAN.items() if raw and abs(raw * scale - found[0]) <= half]
        if len(fits) != 1 or (fits[0] == "万元" and raw != found[0]):
            # The 万元 that would be assumed is confirmed only by the same figure: a text's total that differs from
            # the rows is a mismatch to report, and the unit stays a guess beside it.
            return None
        self.decisions.append(
            f"unit {fits[0]}: the amount column comes to {raw}, and the text states {match.group(0)} "
            f"(line {found[1].line}): no unit is written in the table, a 单位 line or the title"
        )
        return fits[0]

    def _title(self) -> str | None:
        own = [ln.text for ln in self.own_title if any(word in fold(ln.text) for word in _TITLE_WORDS)]
        if own:
            return own[-1]
        lines = [ln.text for ln in self.prose_before if not _ATTACHMENT.match(fold(ln.text))]
        lines = [t for t in lines if not _UNIT_LINE.match(fold(t))]
        titled = [t for t in lines if any(word in fold(t) for word in _TITLE_WORDS)]
        if titled:
            return titled[0]
        return max(lines, key=len) if lines else None

    def _attachment(self) -> str | None:
        for line in self.prose_before:
            match = _ATTACHMENT.match(fold(line.text))
            if match:
                return f"附件{match.group(1)}"
        return None

    def _reconcile(self, plan: Plan) -> None:
        computed = plan.computed_total
        if self.stated_total is None:
            self.problems.append(Problem.of("no_stated_total", self.source(row=None), computed=format_wan(computed)))
        elif self.stated_total != computed and self.stated_total_source is not None and plan.missing_amounts:
            # A mismatch is established only when every amount is known: the missing ones may make it up.
            names = ", ".join(p.name for p in plan.projects if p.amount is None)[:200]
            self.problems.append(
                Problem.of(
                    "total_unverified",
                    self.stated_total_source,
                    stated=format_wan(self.stated_total),
                    computed=format_wan(computed),
                    missing=plan.missing_amounts,
                    names=names,
                    needed=format_wan(self.stated_total - computed),
                )
            )
        elif self.stated_total != computed and self.stated_total_source is not None:
            self.problems.append(
                Problem.of(
                    "total_mismatch",
                    self.stated_total_source,
                    stated=format_wan(self.stated_total),
                    computed=format_wan(computed),
                    difference=format_wan(computed - self.stated_total),
                )
            )
