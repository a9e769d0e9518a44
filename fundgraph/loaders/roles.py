"""What a column holds, decided from its header's words: the reviewed synonyms first, then the header's head noun.

Headers vary without end (投资规模, 补助资金(万元), 資金合計, 建议分配金额, 补贴系统数, 本次下达, 单位, 市縣,
乡镇、村 …), so an exact list can never be complete. Chinese noun phrases end in their head noun, which says what
the column holds: 补助单位 is a body, 补助资金 money, 补助标准 a rate. The word lists live in ``headers.yaml``
with the synonyms.

>>> role_of("补助单位").role, role_of("奖补资金").role, role_of("补助标准 (元/人/月)").role
('body', 'money', 'rate')
>>> role_of("每亩补助资金(元)").role, role_of("县市区").role, role_of("鎮(zhèn)街(園區(qū))").role
('rate', 'place', 'place')
>>> role_of("項目名稱").role, role_of("粮食种植面积(亩)").role, role_of("单位:万元").role
('name', 'quantity', None)
>>> role_of("耕地地力保護補貼系統數").role, role_of("系统数").role, role_of("应补贴户数").role
('money', 'quantity', 'quantity')
>>> allocation_weight("本次拨付") > allocation_weight("已拨付"), allocation_weight("省实际下达补助经费") > 0
(True, True)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from fundgraph.loaders.cells import t2s

# Machine conversion of traditional text leaves pinyin in brackets after a character: 關(guān)于, 區(qū).
_PINYIN_PAIR = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüḿńňǹ]{1,7}[)）]")
# A money unit in a header's brackets; 万 and 亿 alone (金额(万)) are short for 万元 and 亿元 in a money column.
_UNIT = re.compile(r"[（(]\s*(?:单位\s*[:：]?\s*)?((?:新台币|人民币|港币|美元)?(?:元|千元|万元|亿元|万|亿))\s*[)）]")
SHORT_UNITS = {"万": "万元", "亿": "亿元"}
_BRACKETS = re.compile(r"[（(][^（()）]*[)）]")
_TOTAL_END = re.compile(r"(?:合计|总计|小计|共计)$")
_QUANTITY_UNIT = re.compile(r"[（(]\s*(个|人|户|亩|公顷|公里|千米|米|平方米|吨|台|套|家|所|间|座|人次|村)\s*[)）]")
_RATE_UNIT = re.compile(r"[（(][^）)]*(?:元|万元)\s*/[^）)]*[)）]")

MAX_HEADER_CHARS = 40  # header cells are short; a longer cell is prose or data, never a header


@dataclass(frozen=True)
class HeaderRole:
    """A header's role (seq, name, body, place, money, rate, quantity, code, ...), the unit it names, and why."""

    role: str | None
    unit: str | None
    why: str


@lru_cache(maxsize=16384)  # pure, and asked of the same header words again by every reading of a document
def fold(text: str) -> str:
    """Full-width to half-width, garbled pinyin pairs dropped, traditional to simplified, white space removed.

    >>> fold("序 號"), fold("合  計"), fold("項目\\n名稱"), fold("區(qū)")
    ('序号', '合计', '项目名称', '区')
    """
    normal = _PINYIN_PAIR.sub("", unicodedata.normalize("NFKC", text))
    return "".join(t2s().convert(normal).split())


def drop_pinyin(text: str) -> str:
    """Text with the pinyin a machine conversion left in brackets taken off: 萬(wàn)元 -> 萬元.

    >>> drop_pinyin("共發(fā)放補(bǔ)貼資金 3809.3 萬(wàn)元")
    '共發放補貼資金 3809.3 萬元'
    """
    return _PINYIN_PAIR.sub("", text)


@dataclass(frozen=True)
class HeaderVocabulary:
    """The reviewed vocabulary of headers.yaml: column synonyms, total labels, role words, allocation weights."""

    synonyms: dict[str, str]
    amount_preference: tuple[str, ...]
    total_labels: frozenset[str]
    role_words: dict[str, tuple[str, ...]]
    role_starts: dict[str, tuple[str, ...]]
    allocation: dict[str, int]
    header_words: frozenset[str]
    funding_source_headings: tuple[str, ...] = ()
    place_suffixes: tuple[str, ...] = ()
    page_furniture: tuple[str, ...] = ()
    figure_heads: tuple[str, ...] = ()
    whole_words: tuple[str, ...] = ()
    page_numbers: tuple[str, ...] = ()


@cache
def vocabulary() -> HeaderVocabulary:
    text = resources.files("fundgraph.loaders").joinpath("headers.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    synonyms: dict[str, str] = {}
    for field_name, names in data["fields"].items():
        for name in names:
            synonyms.setdefault(name, field_name)
    return HeaderVocabulary(
        synonyms,
        tuple(data["amount_preference"]),
        frozenset(data["total_labels"]),
        {role: tuple(words) for role, words in data["role_words"].items()},
        {role: tuple(words) for role, words in data["role_starts"].items()},
        {word: int(weight) for word, weight in data["allocation_words"].items()},
        frozenset(data["header_words"]) | frozenset(synonyms),
        tuple(data.get("funding_source_headings", ())),
        tuple(sorted(data.get("place_suffixes", ()), key=len, reverse=True)),
        tuple(data.get("page_furniture", ())),
        tuple(sorted(data.get("figure_heads", ()), key=len, reverse=True)),
        tuple(data.get("whole_words", ())),
        tuple(data.get("page_numbers", ())),
    )


def is_total_label(text: str) -> bool:
    """合计, 合 计, 總計, and a place's own total (地方合计, 潮州市辖区小计).

    >>> is_total_label("合 计"), is_total_label("潮州市辖区小计"), is_total_label("省补助合计比例")
    (True, True, False)
    """
    if len(text) > 16:
        return False
    folded = fold(text)
    return folded in vocabulary().total_labels or (len(folded) <= 10 and _TOTAL_END.search(folded) is not None)


def strip_unit(text: str) -> str:
    """A header folded, its unit in brackets taken off: 拟分配金额（万元） -> 拟分配金额."""
    return _UNIT.sub("", fold(text))


def header_words() -> frozenset[str]:
    return vocabulary().header_words


def is_header_word(text: str) -> bool:
    """A reviewed header word (a synonym or one of ``header_words``), once folded and its unit taken off."""
    return strip_unit(text) in vocabulary().header_words


def header_unit(text: str) -> str | None:
    """The money unit a header names in brackets (元, 千元, 万元, 亿元), with a currency prefix dropped.

    >>> header_unit("补助金额 (元)"), header_unit("單位:新台幣千元"), header_unit("面积(亩)"), header_unit("金额(万)")
    ('元', None, None, '万元')
    """
    match = _UNIT.search(fold(text))
    if match is None:
        return None
    unit = re.sub(r"^(新台币|人民币|港币|美元)", "", match.group(1))
    return SHORT_UNITS.get(unit, unit)


# The synonyms' fields, as roles.
_FIELD_ROLE = {"amount": "money", "recipient": "recipient"}


@lru_cache(maxsize=16384)  # pure (the vocabulary is read once), and asked of the same cells by every reading
def role_of(text: str) -> HeaderRole:
    """The role of one header cell; ``role`` is None for text that is not a header (prose, data, a 单位 line)."""
    folded = fold(text)
    # A colon inside the unit's brackets (金额(单位:万元)) is the header's own; elsewhere it marks prose.
    if (
        not folded
        or len(text) > MAX_HEADER_CHARS
        or re.search(r"[:：。;；]", _UNIT.sub("", folded).replace("其中:", ""))
    ):
        return HeaderRole(None, None, "not a header")
    if re.fullmatch(r"[\d.,%\-+]+", folded):
        return HeaderRole(None, None, "a number")
    words = vocabulary()
    unit = header_unit(text)
    bare = _UNIT.sub("", folded)
    if bare in words.synonyms:
        field_name = words.synonyms[bare]
        return HeaderRole(_FIELD_ROLE.get(field_name, field_name), unit, f"header word {bare!r}")
    if _RATE_UNIT.search(folded):
        return HeaderRole("rate", unit, "a per-unit header (元/…)")
    if _QUANTITY_UNIT.search(folded):
        return HeaderRole("quantity", None, "a count or measure unit in brackets")
    stem = _BRACKETS.sub("", bare) or bare
    head = next((h for h in words.figure_heads if stem.endswith(h)), None)
    if head is not None:
        named = role_of(stem[: -len(head)]) if len(stem) > len(head) else HeaderRole(None, None, "nothing")
        if named.role is None:
            return HeaderRole("quantity", None, f"a figure ({head}) of no known kind")
        return HeaderRole(named.role, unit, f"a figure ({head}) of what its words name: {named.why}")
    for role, starts in words.role_starts.items():
        if any(stem.startswith(w) for w in starts):
            return HeaderRole(role, unit, f"starts with {next(w for w in starts if stem.startswith(w))!r}")
    best: tuple[int, int, str, str] | None = None  # (end position, length, role, word)
    for role, role_words in words.role_words.items():
        for word in role_words:
            at = stem.rfind(word)
            if at >= 0:
                candidate = (at + len(word), len(word), role, word)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    if best is None:
        if unit is not None:
            return HeaderRole("money", unit, f"a money unit ({unit})")
        return HeaderRole(None, None, "no known word")
    return HeaderRole(best[2], unit, f"ends in {best[3]!r}")


def recipient_kind(text: str) -> str:
    """A recipient column (地区, 企业名称 …) names a body or a place."""
    return "body" if re.search(r"企业|单位|公司|机构|学校|医院", fold(text)) else "place"


def allocation_weight(text: str) -> int:
    """How strongly a header says it is this notice's allocation (本次, 下达 …) rather than other money (已拨付)."""
    folded = fold(text)
    words = vocabulary().allocation
    # Longer words first, so 总投资 counts once and not again as 投资.
    weight = 0
    for word in sorted(words, key=len, reverse=True):
        if word in folded:
            weight += words[word]
            folded = folded.replace(word, "")
    return weight
