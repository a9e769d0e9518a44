"""Platforms no gazetteer lists, found by their form: a name ends in a platform word (平台, 系统, 驾驶舱, 小程序, APP …)
and the words before it make the name — a place, an owner, a brand in quotes (“浙里办”), qualifiers — back to a word
that cannot be part of a name (为, 对, 与, a verb such as 支付 or 提供, a digit, punctuation).

>>> [(d.name, d.brand) for d in discover("为“浙里办”政务服务平台提供运行维护和安全保障服务")]
[('浙里办政务服务平台', '浙里办')]
>>> [d.name for d in discover("对浙政钉移动办公平台进行功能升级，并与浙江省公共数据平台对接融合")]
['浙政钉移动办公平台', '浙江省公共数据平台']
>>> [d.name for d in discover("支付2023年度浙江省公共数据平台数据治理服务费用")]
['浙江省公共数据平台']
>>> [d.name for d in discover("各业务系统与该平台对接，完善系统平台功能")]
[]

Generic mentions (业务系统, 该平台, 系统平台, 服务平台 on their own) are never names: a name needs a place, a brand or a
distinctive word before its head. A discovered platform is `source: discovered` with a confidence; the gazetteer and
review decisions still win (:func:`fundgraph.loaders.entities.extract_entities`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from fundgraph.loaders.entities.matcher import fold_key


@dataclass(frozen=True)
class Discovered:
    name: str  # the folded name (quotes taken off): the platform's canonical name unless a longer form is seen
    start: int
    end: int
    written: str
    brand: str | None  # the quoted brand inside the name, an alias of it (浙里办)
    confidence: float


@dataclass(frozen=True)
class _Words:
    heads: tuple[str, ...]
    stops: tuple[str, ...]
    verbs: tuple[str, ...]
    generic: frozenset[str]
    generic_modifiers: frozenset[str]
    head: re.Pattern[str]  # any head word
    quoted_head: re.Pattern[str]  # a head word, after a closing quotation mark or not
    verb_firsts: frozenset[str]  # the first characters of the verbs
    generic_modifiers_longest_first: tuple[str, ...]


@cache
def _words() -> _Words:
    text = resources.files("fundgraph.loaders.reference").joinpath("platforms.yaml").read_text(encoding="utf-8")
    whole: dict[str, Any] = yaml.safe_load(text)
    data: dict[str, Any] = {**whole["discovery"], "generic": whole["generic"]}
    heads = tuple(sorted(data["heads"], key=len, reverse=True))
    alternatives = "|".join(map(re.escape, heads))
    return _Words(
        heads,
        tuple(data["stop_chars"]),
        tuple(sorted(data["verbs"], key=len, reverse=True)),
        frozenset(data["generic"]),
        frozenset(data["generic_modifiers"]),
        re.compile(f"(?:{alternatives})"),
        re.compile(f'[”"’」]?(?:{alternatives})'),
        frozenset(verb[0] for verb in data["verbs"]),
        tuple(sorted(data["generic_modifiers"], key=len, reverse=True)),
    )


# After a head, the head is an adjective's or part of a longer word (系统性风险, 平台化, 网络, 系统通).
_NOT_A_HEAD = re.compile(r"[性化型级络友民点格页址关统通办管]|计算|服务器")
_NAME_CHARS = '\u4e00-\u9fffA-Za-z“”"‘’「」'
_NAME_RUN = re.compile(f"[{_NAME_CHARS}]*\\Z")


@cache
def _last_stop(stops: tuple[str, ...], extra: str) -> re.Pattern[str]:
    """Up to and including the last stop character (a one-character stop word, or one of ``extra``)."""
    chars = sorted({*(stop for stop in stops if len(stop) == 1), *extra})
    return re.compile("(?s).*[" + "".join(map(re.escape, chars)) + "]")


MAX_NAME = 24


def discover(text: str) -> list[Discovered]:
    """Platform names in one text, left to right, none overlapping."""
    words = _words()
    found: list[Discovered] = []
    last_end = 0
    for match in words.head.finditer(text):
        end = match.end()
        # A longer head right after (平台 then 系统 in 平台系统, 云 then 平台 in 云平台): the name ends there.
        if words.quoted_head.match(text, end) or _NOT_A_HEAD.match(text, end):
            continue  # a longer head follows (平台系统), or the head is an adjective's (系统性风险, 平台化)
        if match.group(0) in {"网", "云"} and text[max(0, match.start() - 1) : match.start()] in {"一", "张", "联"}:
            continue  # 一张网, 一网统管, 互联网: slogans and the internet, not a site
        start = _left_edge(text, match.start(), max(last_end, end - MAX_NAME))
        written = text[start:end]
        name = fold_key(written)
        if not _is_a_name(name, match.group(0), words):
            continue
        brand = re.search(r"[“\"‘「]([^”\"’」]{2,10})[”\"’」]", written)
        confidence = 0.9 if brand or _has_place(name) else 0.7
        found.append(Discovered(name, start, end, written, brand.group(1) if brand else None, confidence))
        last_end = end
    return found


def _left_edge(text: str, head_start: int, floor: int, extra_stops: str = "") -> int:
    """Where the name ending at ``head_start`` begins: back over name characters, up to a stop."""
    words = _words()
    # The run of name characters that ends at the head (the pattern always matches, if only the empty run), then
    # just after the last stop in it: what a walk back character by character finds, in C.
    run = _NAME_RUN.search(text, floor, head_start)
    start = run.start() if run is not None else head_start
    last_stop = _last_stop(words.stops, extra_stops).match(text, start, head_start)
    if last_stop is not None:
        start = last_stop.end()
    # Verbs and time words before the name are not part of it (支付…, 提供…, 2023年度…).
    changed = True
    while changed and text[start : start + 1] in words.verb_firsts:  # else no verb starts there: nothing to strip
        changed = False
        for verb in words.verbs:
            if text.startswith(verb, start) and start + len(verb) <= head_start:
                start += len(verb)
                changed = True
    return start


def is_generic(name: str) -> bool:
    """A name that is generic on its own (协同办公平台, 数据平台, 业务系统): never a platform by itself."""
    return fold_key(name) in _words().generic


def _is_a_name(name: str, head: str, words: _Words) -> bool:
    modifier = name[: len(name) - len(head)]
    if name in words.generic or len(modifier) < 2:
        return False
    stripped = modifier
    for generic in words.generic_modifiers_longest_first:
        stripped = stripped.replace(generic, "")
    # An owner's systems in general (省地方金融监管局信息系统) name no one platform.
    owner = re.match(r"^(.*(?:局|厅|委员会|委|部|院|中心|公司|集团))(.+)$", name)
    if owner and owner.group(2) in words.generic:
        return False
    return len(stripped) >= 2 or _has_place(name)


@cache
def _places() -> re.Pattern[str]:
    from fundgraph.loaders.entities.regions import region_index

    names = sorted({r.name for r in region_index().by_code.values()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


@cache
def _short_places() -> re.Pattern[str]:
    """Places written without their kind: 广东 for 广东省, 杭州 for 杭州市 (two characters or more)."""
    from fundgraph.loaders.entities.regions import region_index, short_name

    shorts = {short_name(r.name) if r.level == "province" else r.name[:-1] for r in region_index().by_code.values()}
    return re.compile("|".join(map(re.escape, sorted((s for s in shorts if len(s) >= 2), key=len, reverse=True))))


def _has_place(name: str) -> bool:
    return _places().match(name) is not None or place_free(name) != fold_key(name).removeprefix("省").removeprefix("市")


def place_free(name: str) -> str:
    """A name without the place it starts with, to tell 杭州市城市大脑数字驾驶舱 and 杭州城市大脑数字驾驶舱 are one.

    >>> place_free("杭州市城市大脑数字驾驶舱"), place_free("杭州城市大脑数字驾驶舱"), place_free("省公共数据平台")
    ('城市大脑数字驾驶舱', '城市大脑数字驾驶舱', '公共数据平台')
    """
    key = fold_key(name)
    match = _places().match(key) or _short_places().match(key)
    if match:
        return key[match.end() :]
    return key.removeprefix("省").removeprefix("市")


_BODY_HEADS = (
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "人民政府",
    "委员会",
    "办公室",
    "研究会",
    "研究院",
    "基金会",
    "村委会",
    "居委会",
    "集团",
    "公司",
    "银行",
    "协会",
    "学会",
    "医院",
    "学校",
    "大学",
    "中心",
    "局",
    "厅",
    "委",
)
_GENERIC_BODIES = frozenset(
    {
        "中心",
        "数据中心",
        "服务中心",
        "运营中心",
        "指挥中心",
        "监控中心",
        "大数据中心",
        "有关单位",
        "相关部门",
        "管理局",
        "上市公司",
        "相关公司",
        "有关公司",
        "各银行",
        "商业银行",
    }
)
_BODY_HEAD = re.compile("|".join(map(re.escape, _BODY_HEADS)))
_NOT_A_BODY = re.compile(r"(?:格局|布局|结局|大局|全局|开局|当局|中心城区)$")
_BODY_STOPS = "以用经含至到给按即其"
_BODY_VERBS = re.compile(r"^(?:委托|采集|联合|会同|协调|督促|指导|牵头|组织|最终|统筹|配合)+")


def discover_bodies(text: str) -> list[Discovered]:
    """Bodies named in free text by their form (…局, …厅, …委, …中心, …公司, …银行, …协会, …研究会), with a place
    or at least four characters before their head; generic ones (数据中心, 有关单位) are none.

    >>> [d.name for d in discover_bodies("由浙江省大数据发展管理局牵头，委托杭州海康威视数字技术股份有限公司实施")]
    ['浙江省大数据发展管理局', '杭州海康威视数字技术股份有限公司']
    >>> [d.name for d in discover_bodies("建设数据中心和指挥中心，接入各运营中心")]
    []
    """
    found: list[Discovered] = []
    last_end = 0
    for match in _BODY_HEAD.finditer(text):
        end = match.end()
        if _BODY_HEAD.match(text, end) or text[end : end + 1] in {"长", "级", "属", "内", "外"}:
            continue  # a longer head follows (委员会 after 委), or a word, not a body (局长, 厅级)
        start = _left_edge(text, match.start(), max(last_end, end - 30), _BODY_STOPS)
        verb = _BODY_VERBS.match(text[start:end])
        start += verb.end() if verb else 0
        name = fold_key(text[start:end])
        modifier = name[: len(name) - len(match.group(0))]
        if name in _GENERIC_BODIES or len(modifier) < 2 or _NOT_A_BODY.search(name):
            continue
        if not (_has_place(name) or len(modifier) >= 4):
            continue
        if any(generic in modifier[-2:] for generic in ("数据", "运营", "指挥", "监控", "服务")) and not _has_place(
            name
        ):
            continue
        found.append(Discovered(name, start, end, text[start:end], None, 0.9 if _has_place(name) else 0.7))
        last_end = end
    return found
