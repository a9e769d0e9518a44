"""A notice as data: its own 文号, its signing bodies, its date, and the 文号s and titles it cites.

A pure function over the document's text lines. The vocabulary (bracket forms, labels, suffixes of a body's name)
is ``notice.yaml``; the rules here are the kind's, never one document's:

- a 文号 is an issuer code, a year in brackets (〔〕 [] () 【】 ﹝﹞, full-width or not), a number and 号; written
  over two lines it is joined, damaged (``广财教〔201311号``) it is kept as written;
- the notice's own 文号 is the value of a 文件编号 / 发文字号 field, or a line that holds nothing else (its head);
  every other 文号 in the text is cited, each once;
- its date is the signature's (a date alone on its line under the signing bodies), else a 成文日期 field; a page's
  发布时间 is when the page was posted and is never taken;
- the signing bodies are the names alone on the lines above that date.

>>> n = read_text("湘财农〔2024〕7号\\n根据《关于下达资金的通知》（财农〔2024〕12号），现下达。"
...               "\\n湖南省财政厅\\n2024年3月5日")
>>> n.wenhao.text, n.wenhao.code, n.wenhao.year, n.wenhao.number, n.date, n.issuers
('湘财农〔2024〕7号', '湘财农', 2024, 7, datetime.date(2024, 3, 5), ('湖南省财政厅',))
>>> [(c.wenhao.text, c.title, c.line) for c in n.cites if c.wenhao]
[('财农〔2024〕12号', '关于下达资金的通知', 2)]
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml

from fundgraph.loaders.cells import TextLine, fold_forms

_CJK = "\u3400-\u9fff"
# Machine conversion of traditional text leaves pinyin in brackets after a character: 農(nóng).
_PINYIN = r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüḿńňǹ]{1,7}\)"
_RUN = re.compile(rf"(?:[{_CJK}]|{_PINYIN})+$")
_PINYIN_RE = re.compile(_PINYIN)
_MAX_CODE = 16  # an issuer code is a few characters (粤工信规划政策函 is 8); a longer run is a sentence
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "O": 0, "o": 0, "○": 0, "0": 0}
_CN_YEAR, _CN_DAY = "[〇零Oo○0一二三四五六七八九]{4}", "[一二三四五六七八九十]{1,3}"
_DATE_CN = re.compile(f"^({_CN_YEAR})年({_CN_DAY})月({_CN_DAY})日$")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_GLUED = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_FILLER = re.compile(r"[\s:|•·]*")
# A navigation list (相关文件 on a line of its own) runs at most this many lines: a page lists a handful.
_NAVIGATION_LIST = 12


@dataclass(frozen=True)
class Wenhao:
    """A document number as written (whitespace dropped) and its parts; ``year`` is None where none is written."""

    text: str
    code: str
    year: int | None
    number: int

    @property
    def key(self) -> tuple[str, int | None, int]:
        """The same number however it is bracketed or written: 平财预[2022]376号 is 平财预〔2022〕376号, 豫財農(nóng)水
        is 豫财农水 (traditional characters, and the pinyin their machine conversion leaves, folded away)."""
        return (fold_forms(_PINYIN_RE.sub("", self.code)), self.year, self.number)

    @property
    def key_text(self) -> str:
        """:attr:`key` as one string (``code|year|number``), the graph's key of a notice by its 文号.

        >>> Wenhao("豫財農(nóng)水〔2022〕88號", "豫財農(nóng)水", 2022, 88).key_text
        '豫财农水|2022|88'
        """
        code, year, number = self.key
        return f"{code}|{'' if year is None else year}|{number}"


@dataclass(frozen=True)
class Citation:
    """A cited notice: its 文号 (None where only its title is given), its title in 《》 if any, and its line."""

    wenhao: Wenhao | None
    title: str | None
    line: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"wenhao": self.wenhao.text if self.wenhao else None, "title": self.title, "line": self.line}


@dataclass(frozen=True)
class Notice:
    """A notice's own data. ``issuers`` is None where the text does not show who signs (cut inside its signature,
    or bodies named only among contact lines), () where it names none."""

    wenhao: Wenhao | None
    issuers: tuple[str, ...] | None
    date: datetime.date | None
    cites: tuple[Citation, ...]
    wenhao_line: int | None = None
    date_line: int | None = None

    @property
    def cited_wenhao(self) -> list[str]:
        return [c.wenhao.text for c in self.cites if c.wenhao is not None]

    @property
    def cited_titles(self) -> list[str]:
        return [c.title for c in self.cites if c.wenhao is None and c.title is not None]

    def as_dict(self) -> dict[str, Any]:
        """The fields of the corpus's ``notice`` labels, and each citation with its line."""
        return {
            "wenhao": self.wenhao.text if self.wenhao else None,
            "date": self.date.isoformat() if self.date else None,
            "issuers": list(self.issuers) if self.issuers is not None else None,
            "cites": self.cited_wenhao,
            "cites_titles": self.cited_titles,
            "citations": [c.as_dict() for c in self.cites],
        }


@dataclass(frozen=True)
class _Vocabulary:
    opens: str
    closes: str
    number_words: str
    numbered_without_year: tuple[str, ...]
    lead_words: tuple[str, ...]
    lead_chars: str
    joiners: str
    wenhao_labels: tuple[str, ...]
    date_labels: tuple[str, ...]
    issuer_labels: tuple[str, ...]
    navigation_labels: tuple[str, ...]
    org_suffixes: tuple[str, ...]
    contact_words: tuple[str, ...]
    title_ends: tuple[str, ...]
    own_attachment_words: tuple[str, ...]
    law_prefixes: tuple[str, ...]
    law_suffixes: tuple[str, ...]
    not_law_suffixes: tuple[str, ...]
    clause_ends: str


@cache
def _vocabulary() -> _Vocabulary:
    data = yaml.safe_load(resources.files("fundgraph.loaders").joinpath("notice.yaml").read_text(encoding="utf-8"))
    brackets: dict[str, str] = data["brackets"]
    return _Vocabulary(
        opens="".join(brackets),
        closes="".join(brackets.values()),
        number_words="".join(data["number_words"]),
        numbered_without_year=tuple(data["numbered_without_year"]),
        lead_words=tuple(data["lead_words"]),
        lead_chars="".join(data["lead_chars"]),
        joiners="".join(data["abbreviation_joiners"]),
        wenhao_labels=tuple(data["wenhao_labels"]),
        date_labels=tuple(data["date_labels"]),
        issuer_labels=tuple(data["issuer_labels"]),
        navigation_labels=tuple(data["navigation_labels"]),
        org_suffixes=tuple(data["org_suffixes"]),
        contact_words=tuple(data["contact_words"]),
        title_ends=tuple(data["title_ends"]),
        own_attachment_words=tuple(data["own_attachment_words"]),
        law_prefixes=tuple(data["law_prefixes"]),
        law_suffixes=tuple(data["law_suffixes"]),
        not_law_suffixes=tuple(data["not_law_suffixes"]),
        clause_ends=data["clause_ends"],
    )


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    v = _vocabulary()
    hao = f"[{re.escape(v.number_words)}]"
    # The close bracket may be missing (damaged: 广财教〔201311号); the year's digits may be split over lines.
    core = re.compile(
        rf"(?P<open>[{re.escape(v.opens)}])\s*(?P<year>\d(?:\s*\d){{3}})\s*(?P<close>[{re.escape(v.closes)}])?"
        rf"\s*(?P<num>\d{{1,5}})\s*{hao}"
    )
    minutes = re.compile(rf"(?:{'|'.join(map(re.escape, v.numbered_without_year))})(?P<num>\d{{1,5}})\s*{hao}")
    abbreviated = re.compile(rf"\s*[{re.escape(v.joiners)}]\s*(?P<num>\d{{1,5}})\s*{hao}")
    return core, minutes, abbreviated


def _label(word: str) -> re.Pattern[str]:
    """A field label as typeset pages spread it (索 引 号)."""
    return re.compile(r"\s*".join(map(re.escape, word)))


def _fold(text: str) -> str:
    """Full-width forms, wide or no-break spaces and traditional characters as plain simplified ones, one character
    for one (:func:`fundgraph.loaders.cells.fold_forms`): what is matched; what is kept is as written."""
    return fold_forms(text)


class _Text:
    """The lines joined by newlines, folded and as written, with each offset's line number."""

    def __init__(self, lines: Sequence[TextLine]) -> None:
        self.written = "\n".join(line.text for line in lines)
        self.folded = _fold(self.written)
        self.starts: list[int] = []
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line.text) + 1
        self.numbers = [line.line if line.line is not None else line.row for line in lines]
        self.lines = [_fold(line.text) for line in lines]

    @cached_property
    def navigation(self) -> frozenset[int]:
        """The indexes of the lines of a web page's navigation (上一篇：…, a 相关文件 list)."""
        labels = "|".join(map(re.escape, _vocabulary().navigation_labels))
        opener = re.compile(rf"\s*(?:[\[【](?:{labels})[\]】]|(?:{labels})\s*(?::|$))\s*(?P<rest>.*)$")
        lines: set[int] = set()
        for i, line in enumerate(self.lines):
            if (match := opener.match(line)) is None or i in lines:
                continue
            lines.add(i)
            if not (match.group("rest") or "").strip():
                j = i + 1
                while j < len(self.lines) and j <= i + _NAVIGATION_LIST and self.lines[j].strip():
                    lines.add(j)
                    j += 1
        return frozenset(lines)

    def index(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def line_number(self, pos: int) -> int | None:
        return self.numbers[self.index(pos)]

    def line_start(self, pos: int) -> int:
        return self.starts[self.index(pos)]


@dataclass(frozen=True)
class _Found:
    wenhao: Wenhao
    start: int
    end: int


def _code_before(text: _Text, pos: int) -> tuple[str, int] | None:
    """The issuer code written just before ``pos`` on its line, cut from the sentence that runs into it."""
    v = _vocabulary()
    line_start = text.line_start(pos)
    head = text.folded[line_start:pos]
    run = _RUN.search(head)
    code = run.group() if run else ""
    start = pos - len(code)
    if not code and not head.strip() and line_start > 0:
        # The bracket opens its line: a cited code in parentheses may end the line before ((粤财金⏎〔2024〕12号)).
        before = text.folded[text.line_start(line_start - 1) : line_start - 1].rstrip()
        previous = re.search(rf"[(\[]((?:[{_CJK}]|{_PINYIN})+)$", before)
        if previous is not None:
            code = previous.group(1)
            start = previous.start(1) + text.line_start(line_start - 1)
    if not code:
        return None
    # A code never holds 号: a run back to one is the end of a 文号 before it (88號和豫財農水〔2023〕31號).
    words = (*v.lead_words, *v.number_words)
    cut = max((code.rfind(word) + len(word) for word in words if word in code), default=0)
    if cut and code[cut - 1] in v.number_words and code[cut : cut + 1] in tuple(v.joiners):
        cut += 1  # 88號和豫財農水…: the conjunction between two 文号s
    while cut < len(code) - 1 and code[cut] in v.lead_chars:
        cut += 1
    cut = max(cut, len(code) - _MAX_CODE)
    code, start = code[cut:], start + cut
    if not re.search(f"[{_CJK}]", code):
        return None
    return _squash(text.written[start:pos]), start


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _find_wenhao(text: _Text) -> list[_Found]:
    core, minutes, abbreviated = _patterns()
    found: list[_Found] = []
    for match in core.finditer(text.folded):
        year = int(_squash(match.group("year")))
        if not 1949 <= year <= 2100:
            continue
        code = _code_before(text, match.start())
        if code is None:
            continue
        number = int(match.group("num"))
        end = match.end()
        found.append(_Found(Wenhao(_squash(text.written[code[1] : end]), code[0], year, number), code[1], end))
        # 450號、490號、495號: the abbreviated ones share the code and the year, and are kept as written.
        while (more := abbreviated.match(text.folded, end)) is not None:
            start = more.start("num")
            end = more.end()
            abbreviation = Wenhao(_squash(text.written[start:end]), code[0], year, int(more.group("num")))
            found.append(_Found(abbreviation, start, end))
    for match in minutes.finditer(text.folded):
        code = _code_before(text, match.start("num"))
        if code is not None:
            wenhao = Wenhao(_squash(text.written[code[1] : match.end()]), code[0], None, int(match.group("num")))
            found.append(_Found(wenhao, code[1], match.end()))
    return sorted(found, key=lambda f: f.start)


def _after_label(text: _Text, labels: Sequence[str]) -> list[int]:
    """Where each label's value starts: past the colon, pipes, bullets and spaces (on the next line if need be)."""
    positions = []
    for word in labels:
        for match in _label(word).finditer(text.folded):
            filler = _FILLER.match(text.folded, match.end())
            positions.append(filler.end() if filler else match.end())
    return sorted(positions)


def _own_wenhao(text: _Text, found: list[_Found]) -> _Found | None:
    starts = set(_after_label(text, _vocabulary().wenhao_labels))
    for f in found:
        if f.start in starts:
            return f
    for f in found:
        i = text.index(f.start)
        line = text.lines[i]
        at = f.start - text.starts[i]
        rest = line[:at] + line[at + (f.end - f.start) :]
        if text.index(f.end) == i and re.fullmatch(r"[\s\[\]【】|]*(?:\d{4}-\d{1,2}-\d{1,2}[\s\[\]【】|]*)?", rest):
            return f
    return None


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _line_date(line: str, glued: bool) -> datetime.date | None:
    """A date alone on its line: 2024年3月5日, 二OO九年六月十八日, or (under a signature) 20191227."""
    bare = re.sub(r"[\s|]+", "", line)
    if (m := _DATE.fullmatch(bare)) is not None:
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if (m := _DATE_CN.fullmatch(bare)) is not None:
        year = int("".join(str(_CN_DIGITS[c]) for c in m[1]))
        return _date(year, _cn_number(m[2]), _cn_number(m[3]))
    if glued and (m := _GLUED.fullmatch(bare)) is not None:
        return _date(int(m[1]), int(m[2]), int(m[3]))
    return None


def _is_org(name: str) -> bool:
    v = _vocabulary()
    bare = _PINYIN_RE.sub("", name)
    return (
        3 <= len(bare) <= 30 and re.fullmatch(f'[{_CJK}“”"()（）]+', bare) is not None and bare.endswith(v.org_suffixes)
    )


def _org_line(line: str) -> tuple[str, ...] | None:
    """The bodies a signature line names (one or several, spaced apart), or None if it is not one."""
    names = tuple(line[m.start() : m.end()] for m in re.finditer(r"[^\s、|]+", _fold(line)))
    return names if names and all(_is_org(_fold(n)) for n in names) else None


def _is_contact(line: str) -> bool:
    return any(word in line for word in _vocabulary().contact_words)


def _written_line(text: _Text, i: int) -> str:
    start = text.starts[i]
    return text.written[start : start + len(text.lines[i])]


def _signature(text: _Text) -> tuple[datetime.date, int, tuple[str, ...] | None] | None:
    """The signature's date, its line index and the bodies above it (None where unclear who signs)."""
    filled = [i for i, line in enumerate(text.lines) if line.strip()]
    candidates: list[tuple[datetime.date, int, tuple[str, ...] | None]] = []
    for k, i in enumerate(filled):
        above = filled[:k][::-1]
        signed = bool(above) and _org_line(text.lines[above[0]]) is not None
        date = _line_date(text.lines[i], glued=signed)
        if date is None:
            continue
        issuers: list[str] = []
        unclear = False
        for j in above:
            names = _org_line(_written_line(text, j))
            if names is not None and not unclear:
                issuers[:0] = names
            elif not issuers and _is_contact(text.lines[j]):
                unclear = True  # walk over a contact block: a body named in it is not shown to sign
            elif unclear and names is not None:
                return date, i, None
            else:
                break
        candidates.append((date, i, tuple(issuers)))
        if issuers:
            return date, i, tuple(issuers)
    return candidates[0] if candidates else None


def _inline_signature(text: _Text) -> tuple[datetime.date, int, tuple[str, ...]] | None:
    """Flattened text: the signing body's name runs into its date (…安排表安溪县农业农村局2023年6月14日)."""
    v = _vocabulary()
    for m in _DATE.finditer(text.folded):
        run = _RUN.search(text.folded[text.line_start(m.start()) : m.start()])
        if run is None:
            continue
        name = run.group()
        cut = max((name.rfind(w) + len(w) for w in v.title_ends if w in name), default=0)
        start = m.start() - len(name) + cut
        if _is_org(text.folded[start : m.start()]) and (date := _date(int(m[1]), int(m[2]), int(m[3]))):
            return date, text.index(m.start()), (text.written[start : m.start()],)
    return None


def _labelled_date(text: _Text) -> tuple[datetime.date, int] | None:
    for pos in _after_label(text, _vocabulary().date_labels):
        for pattern in (_ISO, _DATE):
            m = pattern.match(text.folded, pos)
            if m is not None and (date := _date(int(m[1]), int(m[2]), int(m[3]))):
                return date, text.index(pos)
    return None


def _labelled_issuers(text: _Text) -> tuple[str, ...] | None:
    for pos in _after_label(text, _vocabulary().issuer_labels):
        i = text.index(pos)
        value = text.written[pos : text.starts[i] + len(text.lines[i])]
        names = _org_line(value)
        if names:
            return names
    return None


def _cut_in_signature(text: _Text) -> bool:
    """The text ends just after a signing body under the body's prose, with no date: it was cut inside its
    signature. (A body's name ending a table is a cell: the line above it is a cell too, short or piped.)"""
    filled = [i for i, line in enumerate(text.lines) if line.strip()]
    for k in range(max(1, len(filled) - 2), len(filled)):
        above = text.lines[filled[k - 1]].strip()
        if _org_line(text.lines[filled[k]]) is not None and len(above) >= 8 and not above.endswith("|"):
            return _line_date(text.lines[filled[-1]], glued=False) is None
    return False


def _titles(text: _Text, found: list[_Found], table_lines: frozenset[int]) -> list[tuple[str, int, _Found | None]]:
    """Each title in 《》 a notice cites: with the 文号 that follows it in its clause, if any. A title the notice
    introduces as its own attachment (附件:《…》, 见《…》) or a law's (《中华人民共和国预算法》) is not cited, nor one
    in a table's cell (a project's text naming a book or a report)."""
    v = _vocabulary()
    titles = []
    for m in re.finditer(r"《([^《》]*)》", text.folded):
        if text.line_number(m.start()) in table_lines:
            continue
        title = text.written[m.start(1) : m.end(1)]
        bare = _squash(title)
        before = re.sub(r"[\s:]+$", "", text.folded[text.line_start(m.start()) : m.start()])
        if not bare or before.endswith(v.own_attachment_words):
            continue
        if bare.startswith(v.law_prefixes) or (bare.endswith(v.law_suffixes) and not bare.endswith(v.not_law_suffixes)):
            continue
        clause_end = m.end()
        while clause_end < len(text.folded) and text.folded[clause_end] not in v.clause_ends:
            clause_end += 1
        numbered = next((f for f in found if m.end() <= f.start < clause_end), None)
        titles.append((title.replace("\n", ""), m.start(), numbered))
    return titles


def read_notice(lines: Sequence[TextLine], *, table_lines: frozenset[int] = frozenset()) -> Notice:
    """The notice's own 文号, signing bodies, date and citations, from its text lines; ``table_lines`` are the
    numbers of the lines that are table cells."""
    text = _Text(lines)
    found = [f for f in _find_wenhao(text) if text.index(f.start) not in text.navigation]
    own = _own_wenhao(text, found)
    titles = [t for t in _titles(text, found, table_lines) if text.index(t[1]) not in text.navigation]
    titled = {id(f): title for title, _, f in titles if f is not None}
    cites: list[tuple[int, Citation]] = []
    seen: set[object] = {own.wenhao.key} if own else set()
    for f in found:
        if f.wenhao.key in seen:
            continue
        seen.add(f.wenhao.key)
        cites.append((f.start, Citation(f.wenhao, titled.get(id(f)), text.line_number(f.start))))
    for title, start, numbered in titles:
        if numbered is None and _squash(title) not in seen:
            seen.add(_squash(title))
            cites.append((start, Citation(None, title, text.line_number(start))))
    cites.sort(key=lambda c: c[0])

    date: datetime.date | None = None
    date_line: int | None = None
    issuers: tuple[str, ...] | None = ()
    signature = _signature(text) or _inline_signature(text)
    if signature is not None:
        date, index, issuers = signature
        date_line = text.numbers[index]
    else:
        if (labelled := _labelled_date(text)) is not None:
            date, date_line = labelled[0], text.numbers[labelled[1]]
        issuers = _labelled_issuers(text) or ()
        if not issuers and any(line.strip() for line in text.lines) and _cut_in_signature(text):
            issuers = None
    return Notice(
        wenhao=own.wenhao if own else None,
        issuers=issuers,
        date=date,
        cites=tuple(c for _, c in cites),
        wenhao_line=text.line_number(own.start) if own else None,
        date_line=date_line,
    )


def read_text(text: str) -> Notice:
    """:func:`read_notice` over a decoded text's lines, numbered from 1."""
    return read_notice([TextLine(line, line=n) for n, line in enumerate(text.splitlines(), start=1)])
