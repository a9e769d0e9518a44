"""Allocations written as prose, read into a table whose money columns are named by the words before each amount.

Three forms are seen in published notices:

- numbered items, one per project: ``(一)项目名称`` then lines such as ``资金规模:206.7万元。``,
  ``资金来源:少数民族发展项目资金173万元。``, ``责任单位:…`` (or all inline: ``一、下达宣汉县…3800万元; 二、…``);
- an enumeration on one line: ``补助标准:市中区1162万元、五通桥区3294万元、…``;
- one line per category with the same labelled amounts: ``住建项目14个, 项目总投资187950万元, 本批安排资金32929万元。``

Each amount's label (资金规模, 资金来源, 总投资, 已到位资金, 本批安排资金 …) becomes a money column, so the plan chooses
the allocation the same way as for any table: the column that adds up to the total the notice states, then the
header words (本批 over 总投资). Numbers that are not money (7.59千米, 14个) never become amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fundgraph.loaders.cells import Cell, CountDoubt, RawDocument, Table, TextLine
from fundgraph.loaders.roles import fold, role_of, vocabulary
from fundgraph.money import CLAUSE_COMMA

_MONEY = re.compile(r"(?<![\d.])(\d[\d,，]*(?:\.\d+)?)\s*(亿元|千元|万元|元)")
_MARKERS = (
    re.compile(r"[(（]([一二三四五六七八九十]{1,3})[)）]"),
    re.compile(r"(?<![\u4e00-\u9fff])([一二三四五六七八九十]{1,3})、"),
    re.compile(r"(?<![\d.])(\d{1,3})[、．.](?!\d)"),
    re.compile(r"[(（](\d{1,3})[)）]"),
)
# A part of an enumeration and the separator after it; a comma grouping a number's thousands is inside a part.
_PART = re.compile(rf"((?:(?![、;；。]|{CLAUSE_COMMA}).)+)([、;；。]|{CLAUSE_COMMA}|$)")
_TRAILING_NOTE = re.compile(r"(?<=元)\s*[(（][^()（）]*[)）]\s*$")
_CUT = re.compile(r"[,，;；。:：()（）!！【】\s]")
_KEY = re.compile(r"^\s*([\u4e00-\u9fff]{2,8})\s*[:：]\s*(.+)$")
_LEADING_VERB = re.compile(r"^(?:下达|安排|拨付|补助|用于|对|给予|支持|向)")
# Words before a recipient (对华星公司奖励, 下达宣汉县): taken off a name; 支持产业发展 names a purpose, as written.
_TO_RECIPIENT = re.compile(r"^(?:下达|拨付|对|给予|向)")
_TRAILING_VERB = re.compile(r"(?:奖励|补助|补贴|资助|支持|安排|下达|拨付|共计|合计|计)$")
_INLINE_BODY = re.compile(r"(实施单位|责任单位|申报单位|承担单位|建设单位|项目单位)\s*[:：]\s*([^\s,，;；。]+)")
# 以下5家企业各奖励10万元:A、B、C、D、E — one amount for each body listed after it.
_EACH = re.compile(
    r"以下\s*(\d+|[一二三四五六七八九十]+)\s*(?:家|个|所|户)[^各:：]{0,8}各[^\d:：]{0,6}"
    r"(\d[\d,，]*(?:\.\d+)?\s*(?:亿元|千元|万元|元))\s*[:：]\s*(.+)$"
)
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}
_BODY_KEYS = ("实施单位", "责任单位", "申报单位", "承担单位", "建设单位", "项目单位")
_COUNT = re.compile(r"\d+\s*(?:个|家|项|所|户|人)$")
MAX_LABEL = 10
MAX_NAME = 30  # a listed name is a place, a body or a project, never a sentence


@dataclass
class _Row:
    name: str
    line: int
    values: list[tuple[str, str, int]] = field(default_factory=list)  # (label, amount text, line)
    bodies: dict[str, tuple[str, int]] = field(default_factory=dict)
    doubt: CountDoubt | None = None  # a group's count that its names do not match
    lead: str = ""  # a list's first item: the words of its line before it (现将…共计350万元下达,其中:)
    trail: str = ""  # a list's last item: the words of its line after it


def label_of(before: str, key: str | None) -> str:
    """The words that name an amount: a short key before a colon, else the clause the amount ends.

    >>> label_of("少数民族发展项目资金", "资金来源"), label_of("项目总投资", None)
    ('资金来源', '项目总投资')
    >>> label_of("兴仁镇川裕村渠道改造项目", None)
    '金额'
    """
    if key is not None:
        return key
    keyed = re.search(r"([\u4e00-\u9fff]{2,8})\s*[:：]\s*$", before)
    if keyed is not None:
        return keyed.group(1)
    clause = _CUT.split(before)[-1].strip()
    clause = re.sub(r"^(?:其中|含)\s*", lambda m: "含" if "含" in m.group(0) else "", clause)
    if not clause or len(clause) > MAX_LABEL or _LEADING_VERB.match(clause):
        return "金额"
    return clause


def _amounts(text: str, line: int) -> list[tuple[str, str, int, int]]:
    """(label, amount text, line, start) for every money amount in one line of prose."""
    found = []
    key_match = _KEY.match(text)
    for match in _MONEY.finditer(text):
        before = text[: match.start()]
        key = None
        if key_match is not None and key_match.start(2) <= match.start():
            lead = text[key_match.start(2) : match.start()]
            # 资金来源:…173万元 labels the amount; 东山镇:补助资金120万元 names the item, and 补助资金 the amount.
            if not _CUT.search(lead.strip()) and role_of(key_match.group(1)).role == "money":
                key = key_match.group(1)
        found.append((label_of(before, key), match.group(0), line, match.start()))
    return found


def _name_from(text: str, first_money: int | None) -> str:
    """An item's name: its first clause up to its first amount, without a key (投资:), a verb before a recipient
    (下达, 对) or one after it (奖励), or an unclosed bracket; after a key that names the item (项目名称:), its value.

    >>> _name_from("城关镇至李家村道路硬化工程 投资:120万元", 16), _name_from("对华星机械有限公司奖励30万元", 11)
    ('城关镇至李家村道路硬化工程', '华星机械有限公司')
    >>> _name_from("项目名称:东村道路硬化工程", None), _name_from("支持产业发展2993.7万元", 6)
    ('东村道路硬化工程', '支持产业发展')
    """
    head = text[:first_money] if first_money is not None else text
    keyed = re.match(r"\s*([^:：]{2,8})\s*[:：]\s*(.+)$", head)
    if keyed is not None and role_of(keyed.group(1)).role in _NAME_KEYS:
        head = keyed.group(2)  # 项目名称:东村道路硬化工程 names the item by its value
    elif re.search(r"[:：]", head):
        head = re.split(r"[:：]", head)[0]  # 东山镇：补助资金120万元
    clauses = [c for c in re.split(r"[,，;；。]|\s{1,}", head) if c.strip()]
    name = clauses[0] if clauses else head
    name = re.sub(r"[(（][^)）]*$", "", name).strip(" :：")
    name = _TO_RECIPIENT.sub("", name).strip()
    return _TRAILING_VERB.sub("", name).strip() or name


# Keys whose value names the item (项目名称:…, 单位名称:…), by the role their header word has.
_NAME_KEYS = frozenset({"name", "recipient", "body"})


def _items(lines: list[tuple[int, str]], marker: re.Pattern[str]) -> list[_Row]:
    """Blocks that start at a marker of one style (at a line's start or after ; 。 :); each block with money is a
    row."""
    flat = ""
    line_at: list[tuple[int, int]] = []  # (offset where the line starts, line number)
    for line_no, text in lines:
        line_at.append((len(flat), line_no))
        flat += text + "\n"

    def line_of(offset: int) -> int:
        return next(n for start, n in reversed(line_at) if start <= offset)

    starts = [
        (m.start(), m.end())
        for m in marker.finditer(flat)
        # …分配如下:一、城关镇120万元;二、… — a colon announces the list, as a line's end does.
        if m.start() == 0 or flat[: m.start()].rstrip(" ").endswith(("\n", ";", "；", "。", ":", "："))
    ]
    # A block also ends where a line starts with a marker of another style (三、 after the (一) (二) items).
    line_starts = sorted(
        m.start() for other in _MARKERS for m in other.finditer(flat) if m.start() == 0 or flat[m.start() - 1] == "\n"
    )
    # A line stating the total (以上共计270万元, 合计…) closes the item before it: it is no part of it.
    line_starts += [m.start() for m in re.finditer(r"(?m)^(?:以上|上述)?\s*(?:合计|共计|总计)", flat)]
    line_starts.sort()
    rows: list[_Row] = []
    for number, (marker_at, body_at) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(flat)
        end = min([end, *(x for x in line_starts if body_at < x < end)])
        block: list[tuple[int, str]] = []
        offset = body_at
        for piece in flat[body_at:end].split("\n"):
            if piece.strip():
                block.append((line_of(offset), piece.strip()))
            offset += len(piece) + 1
        if not block:
            continue
        first_line, first_text = block[0]
        amounts = [a for line_no, text in block for a in _amounts(text, line_no)]
        if not amounts:
            continue
        first_money = next((a[3] for a in amounts if a[2] == first_line), None)
        # The words before an item on its line (现将…200万元分配如下:) stand before the list, as prose.
        lead = flat[flat.rfind("\n", 0, marker_at) + 1 : marker_at]
        row = _Row(_name_from(first_text, first_money), first_line, lead=lead)
        if not row.name:
            continue
        # The words before the item's first amount on its first line are its name (按1%提取项目管理费46.3万元), not
        # the label of a money column of their own.
        row.values = [
            ("金额" if line_no == first_line and _is_name(label, row.name) else label, amount, line_no)
            for label, amount, line_no, _ in amounts
        ]
        for line_no, text in block:
            for key in _INLINE_BODY.finditer(text):
                row.bodies.setdefault(key.group(1), (key.group(2).strip(" 。;；"), line_no))
        each = _EACH.search(" ".join(text for _, text in block))
        if each is not None:
            rows.extend(_each_row(each, first_line))
            continue
        rows.append(row)
    return rows


# A…、B…等20家企业属于…,各奖励30万元: the bodies named before 等N家, each given the amount after 各.
_COUNTED = re.compile(
    r"([^,，;；:：。]+?)等\s*(\d+|[一二三四五六七八九十]+)\s*(?:家|个|所|户|人)[^各,，;；。]{0,30}[,，]?\s*各[^\d,，;；。]{0,6}"
    r"(\d[\d,，]*(?:\.\d+)?\s*(?:亿元|千元|万元|元))"
)


def _counted_groups(lines: list[tuple[int, str]]) -> list[_Row]:
    """Groups of bodies named before 等N家 and given 各X万元 each, every body listed read; where the names listed
    are not as many as the count says, the rows say so (the text contradicts itself: nothing is guessed away)."""
    rows: list[_Row] = []
    for line_no, text in lines:
        end = 0
        for group in _COUNTED.finditer(text):
            names = [n.strip() for n in re.split(r"[、]", group.group(1)) if n.strip()]
            count_text = group.group(2)
            count = int(count_text) if count_text.isdigit() else _cn_number(count_text)
            if len(names) < 2 or any(len(n) > MAX_NAME for n in names):
                continue
            doubt = None
            if count != len(names):
                doubt = CountDoubt(count_text, len(names), names[0], names[-1], line_no)
            for name in names:
                rows.append(_Row(name, line_no, [("金额", group.group(3), line_no)], doubt=doubt))
            end = group.end()
        if end and rows:
            rows[-1].trail = text[end:].lstrip("、,，;；。 ")  # …各奖励10万元,总计680万元: the whole after them
    return rows


def _is_name(label: str, name: str) -> bool:
    return label != "金额" and (label == name or _name_from(label, None) == name)


def _each_row(each: re.Match[str], line: int) -> list[_Row]:
    """以下N家…各X万元:A、B、C: one row for each body named, when as many are named as the count says."""
    count_text = each.group(1)
    count = int(count_text) if count_text.isdigit() else _cn_number(count_text)
    names = [n.strip(" 。;；") for n in re.split(r"[、,，]", each.group(3).split("。")[0]) if n.strip(" 。;；")]
    if count is None or len(names) != count:
        return []  # the list does not match its count: nothing is read rather than a guess
    return [_Row(name, line, [("金额", each.group(2), line)]) for name in names]


def _cn_number(text: str) -> int | None:
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    if text.startswith("十"):
        return 10 + (_CN_DIGITS.get(text[1:], 0) if len(text) > 1 else 0)
    if len(text) == 2 and text.endswith("十"):
        return _CN_DIGITS[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10 + _CN_DIGITS[text[2]]
    return None


def _enumeration(lines: list[tuple[int, str]]) -> list[_Row]:
    """The longest run of two or more ``name amount`` parts separated by 、 , ; 。 or line ends: on one line
    (补助标准:市中区1162万元、…, 东城区:45.5万元;西城区:62万元), one a line (甲区:省级专项资金400万元;), or
    inside a sentence after the whole it divides (现将…共计350万元下达,其中:东城镇200万元、西城镇150万元).

    A part whose words state a whole (共计, 下达 …) is no item. The parts after 其中 that follow an item are that
    item's parts, not rows. A label after a name's colon (甲区:省级专项资金400万元) names the money column.
    """
    parts: list[tuple[int, int, int, str, str]] = []  # (line, start, end, text, separator after)
    for line_no, text in lines:
        for piece in _PART.finditer(text):
            if piece.group(1).strip():
                parts.append((line_no, piece.start(1), piece.end(1), piece.group(1).strip(), piece.group(2) or "\n"))
        if parts and parts[-1][0] == line_no:
            parts[-1] = (*parts[-1][:4], "\n")
    text_of = dict(lines)
    best: list[_Row] = []
    run: list[_Row] = []
    nested = False  # inside the 其中 parts of the item before
    for line_no, start, end, text, sep in parts:
        whole = re.match(r"^其中\s*[:：]?\s*", text)
        if nested or (whole is not None and run):
            nested = sep not in "；;。\n"  # an item's parts run to the end of its clause
            continue
        item = _list_item(text[whole.end() :] if whole is not None else text, line_no)
        if item is None:
            run = []
            continue
        if not run:
            item.lead = text_of[line_no][:start] + item.lead
            if not _announces(item.lead, whole is not None):
                continue  # amounts inside a sentence (标准为每亩86.9元,实际发放…元) are no list
        run.append(item)
        if len(run) >= 2 and len(run) > len(best):
            best = list(run)
            best[-1].trail = text_of[line_no][end:].lstrip("、,，;；。 ")
    labels = {label for row in best for label, _, _ in row.values}
    if len(labels) > 1:
        for row in best:
            row.values = [("金额", amount, line) for _, amount, line in row.values]
    return best


def _announces(lead: str, after_qizhong: bool) -> bool:
    """A list starts a line, or follows the words announcing it: a colon (分配如下:) or 其中.

    >>> _announces("", False), _announces("现下达共计150万元,具体为:", False), _announces("经研究,", False)
    (True, True, False)
    """
    return after_qizhong or not lead.strip() or lead.rstrip().endswith((":", "："))


def _list_item(part: str, line_no: int) -> _Row | None:
    """One ``name amount`` part of a list, its name and the label of its amount; None when it is no item.

    >>> row = _list_item("甲区:省级专项资金400万元", 3)
    >>> row.name, row.values
    ('甲区', [('省级专项资金', '400万元', 3)])
    >>> _list_item("补助标准:市中区1162万元", 1).name, _list_item("下达资金共计350万元", 1)
    ('市中区', None)
    """
    # A note in brackets after the amount (城关镇:120万元(用于水厂维修)) is the item's remark, not its end.
    part = _TRAILING_NOTE.sub("", part)
    match = next(reversed(list(_MONEY.finditer(part))), None)
    if match is None or match.end() != len(part.rstrip()) or match.start() == 0:
        return None
    pieces = [x.strip() for x in re.split(r"[:：]", part[: match.start()])]
    label = "金额"
    name = pieces[-1]
    if len(pieces) > 1 and (not name or role_of(name).role == "money"):
        name, label = pieces[-2], name or "金额"  # 东城区:45.5万元; 甲区:省级专项资金400万元
    if (
        not name
        or len(name) > MAX_NAME
        or _MONEY.search(name)
        or any(word in fold(name) for word in vocabulary().whole_words)
    ):
        return None
    # The words before a name's key (现下达共计150万元:城关镇100万元) stand before the list.
    return _Row(name, line_no, [(label, match.group(0), line_no)], lead=part[: part.rfind(name, 0, match.start())])


def _labelled_lines(lines: list[tuple[int, str]]) -> list[_Row]:
    """Consecutive lines, each a category's name followed only by the same two or more labelled amounts."""
    best: list[_Row] = []
    run: list[_Row] = []
    labels: tuple[str, ...] | None = None
    for line_no, text in lines:
        clauses = [c.strip() for c in re.split(rf"[;；。!！】【]|{CLAUSE_COMMA}", text) if c.strip()]
        tail = 0
        while tail < len(clauses) and _MONEY.fullmatch(_money_part(clauses[-1 - tail])):
            tail += 1
        head = clauses[: len(clauses) - tail]
        amounts = [a for c in clauses[len(clauses) - tail :] for a in _amounts(c, line_no)]
        these = tuple(a[0] for a in amounts)
        if tail < 2 or not head or "金额" in these:
            run, labels = [], None
            continue
        row = _Row(_COUNT.sub("", head[-1]).strip(), line_no, [(a[0], a[1], a[2]) for a in amounts])
        if these != labels:
            run, labels = [], these
        run.append(row)
        if len(run) > len(best):
            best = list(run)
    return best if len(best) >= 2 else []


def _money_part(clause: str) -> str:
    """The amount a clause ends in, once its label is taken off (项目总投资187950万元 -> 187950万元)."""
    match = _MONEY.search(clause)
    if match is None or match.end() != len(clause) or match.start() > MAX_LABEL:
        return ""
    return clause[match.start() :]


def _without_funding_sources(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines outside a section on where the money comes from (一、资金来源 … up to the next 二、): its amounts
    (中央资金480万元, 省级资金366.67万元) add up to the notice's total as the allocation does, but fund no one."""
    words = vocabulary().funding_source_headings
    kept: list[tuple[int, str]] = []
    section: re.Pattern[str] | None = None  # the marker style of the source section being skipped
    for line_no, text in lines:
        marker = next((m for m in _MARKERS if (found := m.match(text)) is not None and found.start() == 0), None)
        if section is not None and marker is section:
            section = None
        if marker is not None and len(text) <= 20 and any(w in fold(text) for w in words):
            section = marker
        if section is None:
            kept.append((line_no, text))
    return kept


def read_prose(text: str, path: str, doc_id: str) -> RawDocument:
    """The prose form that yields the most rows, as a table; an empty table when the text holds none."""
    lines = [(n, line.strip().rstrip("|").strip()) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, t) for n, t in lines if t]
    candidates: list[tuple[tuple[int, int], list[_Row], str]] = []
    allocated = _without_funding_sources(lines)
    # Items nest (一、 sections hold (一) items): with as many rows, the style whose rows start later is the inner one.
    for marker in _MARKERS:
        rows = _items(allocated, marker)
        if rows:
            candidates.append(((len(rows), rows[0].line), rows, "prose-items"))
    for rows, layout in (
        (_enumeration(allocated), "prose-list"),
        (_labelled_lines(allocated), "prose-lines"),
        (_counted_groups(allocated), "prose-groups"),
    ):
        if rows:
            candidates.append(((len(rows), rows[0].line), rows, layout))
    if not candidates:
        return RawDocument(path=path, doc_id=doc_id, format="prose", tables=[])
    _, rows, layout = max(candidates, key=lambda c: c[0])
    document = _as_document(rows, lines, path, doc_id, layout)
    titled = _titled_table(lines)
    if titled is not None:
        # Prose is read where no layout found a table; a text that shows one was not read, and its amounts are
        # not to be guessed from the sentences around it (资金来源 adds up to the total as the table does).
        document.tables[0].unreadable = {
            "code": "unreadable_prose_table",
            "args": {"line": titled[0], "text": titled[1][:40]},
        }
    return document


def _titled_table(lines: list[tuple[int, str]]) -> tuple[int, str] | None:
    """A table's title (…分配表, …安排表) followed within three lines by its 单位 line or its 序号 header cell."""
    for index, (line_no, text) in enumerate(lines):
        if len(text) > 60 or not fold(text).endswith("表"):
            continue
        following = [fold(t.replace("|", "")) for _, t in lines[index + 1 : index + 4]]
        if any(t.startswith(("序号", "单位")) for t in following):
            return line_no, text
    return None


def _as_document(rows: list[_Row], lines: list[tuple[int, str]], path: str, doc_id: str, layout: str) -> RawDocument:
    labels: list[str] = []
    for row in rows:
        for label, _, _ in row.values:
            if label not in labels:
                labels.append(label)
    bodies: list[str] = []
    for row in rows:
        for key in row.bodies:
            if key not in bodies:
                bodies.append(key)
    columns = ["项目名称", *bodies, *(_money_header(label) for label in labels)]
    first = rows[0].line
    table = Table(index=1, rows=[[Cell(name, 1, col, first) for col, name in enumerate(columns, start=1)]])
    for row in rows:
        number = len(table.rows) + 1
        cells = [Cell(row.name, number, 1, row.line)]
        for offset, key in enumerate(bodies, start=2):
            if key in row.bodies:
                cells.append(Cell(row.bodies[key][0], number, offset, row.bodies[key][1]))
        seen: set[str] = set()
        for label, amount, line_no in row.values:
            if label in seen:
                continue  # the same label twice in one item: the first names the item's money
            seen.add(label)
            cells.append(Cell(amount, number, 2 + len(bodies) + labels.index(label), line_no))
        table.rows.append(cells)
    for row in rows:
        if row.doubt is not None and row.doubt not in table.doubts:
            table.doubts.append(row.doubt)
    last = max(line for row in rows for _, _, line in row.values)
    before = [TextLine(t, line=n) for n, t in lines if n < first]
    if rows[0].lead.strip():
        before.append(TextLine(rows[0].lead.strip(), line=first))
    after = [TextLine(t, line=n) for n, t in lines if n > last]
    if rows[-1].trail.strip():
        after.insert(0, TextLine(rows[-1].trail.strip(), line=last))
    return RawDocument(path=path, doc_id=doc_id, format=layout, tables=[table], before=before, after=after)


def _money_header(label: str) -> str:
    return label if role_of(label).role == "money" or fold(label) == "金额" else f"{label}金额"
