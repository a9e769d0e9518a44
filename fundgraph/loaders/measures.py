"""Quantities in performance targets, and money named in a project's own text.

A numbered target may hold several measures ("上线10项以上…，服务…达到80家，信贷规模达到6000万元"): each clause with a
number and a unit becomes one :class:`Target` with its metric (the clause without the quantity), comparator
(normalised, with the words as written), value and unit; a target with no number keeps its text as its metric.

>>> [(t.metric, t.comparator, str(t.value), t.unit) for t in measures("担保贷款金额不少于25000万元；", 1)]
[('担保贷款金额', '≥', '25000', '万元')]
>>> t = measures("1.《新时代广东省金融文化建设调研报告》（8-10万字）；", 1)[0]
>>> (t.comparator, str(t.value), str(t.value_max), t.unit)
('between', '8', '10', '万字')
>>> [(m.text, str(m.amount)) for m in money_mentions("立项申报资金1197万元，2024年度拟支付70%，即834.642万元。")]
[('1197万元', '1197'), ('834.642万元', '834.642')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fundgraph.loaders.model import Target
from fundgraph.money import parse_number, to_wan

_NUMBER = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
_UNITS = (
    "个工作日|工作日|亿元|万元|元|亿股|万股|万家|万户|万人次|万人|万字|户次|人次|小时|分钟|家|个|项|场|人|%|％|‰|份|倍|户|次|"
    "笔|篇|期|天|部|本|套|条|台|所|张|间|名|批|类"
)
_BEFORE = (
    r"不少于|不低于|不得低于|不得少于|不超过|不高于|不多于|不大于|不小于|至少|超过|高于|大于|低于|小于|达到|达|约|"
    r"≤|≥|<|>|＜|＞|=|＝"
)
_AFTER = r"及以上|及以下|以上|以下|以内|之内|内"
_MEASURE = re.compile(
    rf"(?P<before>{_BEFORE})?\s*(?P<lo>{_NUMBER})(?:\s*[-－~～至到]\s*(?P<hi>{_NUMBER}))?\s*(?P<unit>{_UNITS})"
    rf"(?P<after>{_AFTER})?"
)
_NORMAL = {
    "不少于": "≥",
    "不低于": "≥",
    "不得低于": "≥",
    "不得少于": "≥",
    "至少": "≥",
    "不小于": "≥",
    "达到": "≥",
    "达": "≥",
    "≥": "≥",
    "以上": "≥",
    "及以上": "≥",
    "不超过": "≤",
    "不高于": "≤",
    "不多于": "≤",
    "不大于": "≤",
    "≤": "≤",
    "以内": "≤",
    "之内": "≤",
    "内": "≤",
    "及以下": "≤",
    "以下": "≤",
    "超过": ">",
    "高于": ">",
    "大于": ">",
    ">": ">",
    "＞": ">",
    "低于": "<",
    "小于": "<",
    "<": "<",
    "＜": "<",
    "约": "≈",
    "=": "=",
    "＝": "=",
}
_CLAUSES = re.compile(r"[，；;。！？\n]|,(?!\d{3})")
_SCAFFOLD = re.compile(
    r"^(?:\d{1,2}\s*[.、．)）]\s*|[（(]\d{1,2}[)）]\s*|[一二三四五六七八九十]+、)?"
    r"(?:(?:项目实施期内|实施期内|力争到\d{4}年|到\d{4}年|\d{4}年度?|其中|同时|此外|另外)[，,]?\s*)*"
)
_NOTE_START = re.compile(r"[（(]\s*备注|备注\s*[:：]")
_MONEY = re.compile(rf"(?P<number>{_NUMBER})\s*(?P<unit>亿元|万元|元)")
_FUNDING_WORDS = re.compile(r"立项|申报资金|拟支付|预算|总投资|资金需求|项目资金|安排资金|合同金额|批复")


def measures(item: str, item_number: int) -> list[Target]:
    """The measurable targets in one numbered target text (a 备注 inside it is not a target)."""
    note = _NOTE_START.search(item)
    text = item[: note.start()] if note else item
    found: list[Target] = []
    for clause in _CLAUSES.split(text):
        clause = clause.strip()
        if not clause:
            continue
        matches = [m for m in _MEASURE.finditer(clause) if clause[m.end() : m.end() + 1] != "的"]
        previous_end = 0
        for match in matches:
            lo, hi = parse_number(match.group("lo")), parse_number(match.group("hi") or "")
            if lo is None:
                continue
            words = [w for w in (match.group("before"), match.group("after")) if w]
            comparator = "between" if hi is not None else _comparator(words)
            # With several measures in a clause ("A10份、B5份") each one's metric is the text since the last.
            own = clause[previous_end : match.start()] if len(matches) > 1 else ""
            metric = _metric(own) or _metric(clause[: match.start()] + clause[match.end() :])
            previous_end = match.end()
            found.append(
                Target(
                    text=clause,
                    metric=metric or None,
                    comparator=comparator,
                    value=lo,
                    unit=match.group("unit").replace("％", "%"),
                    value_max=hi,
                    comparator_text="…".join(words) or None,
                    item=item_number,
                )
            )
    if not found:
        cleaned = _metric(text)
        return [Target(text=item.strip(), metric=cleaned or None, item=item_number)]
    return found


def _comparator(words: list[str]) -> str:
    symbols = [_NORMAL[w] for w in words if w in _NORMAL]
    if not symbols:
        return "="
    return symbols[-1] if "≈" not in symbols else "≈"


def _metric(text: str) -> str:
    cleaned = _SCAFFOLD.sub("", text.strip(" 、"))
    cleaned = re.sub(r"^(?:累计|在)\s*", "", cleaned)
    cleaned = re.sub(r"[（(]\s*[)）]", "", cleaned)
    cleaned = _balance_brackets(cleaned)
    cleaned = re.sub(r"(?:在|为|是|累计)$", "", cleaned.strip(" ，,；;。：:、"))
    return cleaned.strip(" ，,；;。：:、")


def _balance_brackets(text: str) -> str:
    """A clause cut out of "论坛（线下参会人数约200人，…）" keeps one bracket: drop it rather than show it."""
    depth = 0
    out = []
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    result = "".join(out)
    while depth > 0:
        index = max(result.rfind("（"), result.rfind("("))
        result = result[:index] + " " + result[index + 1 :]
        depth -= 1
    return " ".join(result.split())


@dataclass(frozen=True)
class MoneyMention:
    """An amount of money named in a project's text, in 万元, with the sentence around it."""

    text: str
    amount: Decimal
    context: str
    funding: bool  # the sentence speaks of the project's own money (立项, 拟支付, 预算 ...), not a target


def money_mentions(text: str) -> list[MoneyMention]:
    found = []
    for sentence in re.split(r"[。；;\n]", text):
        for match in _MONEY.finditer(sentence):
            number = parse_number(match.group("number"))
            if number is None:
                continue
            found.append(
                MoneyMention(
                    match.group(0),
                    to_wan(number, match.group("unit")),
                    sentence.strip(" （()）"),
                    _FUNDING_WORDS.search(sentence) is not None,
                )
            )
    return found
