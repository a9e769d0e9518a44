"""Longest-match scanning of many names at once, the way gazetteers are matched.

Quotation marks are optional inside a name, so “数字政府”政务云平台 matches 数字政府政务云平台 and the reverse.

>>> m = Matcher({"中小融平台": "SME", "中小融": "SME", "平台": "generic"})
>>> [(hit.text, hit.value) for hit in m.find("与省“中小融”平台融合")]
[('中小融”平台', 'SME')]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

T = TypeVar("T")

QUOTES = frozenset("“”\"'‘’「」『』")
_BLANK_OR_QUOTE = re.compile(r"[\s" + "".join(sorted(QUOTES)) + "]")


def fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def fold_key(text: str) -> str:
    """The lookup form of a name: NFKC, no white space, no quotation marks."""
    return _BLANK_OR_QUOTE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Hit(Generic[T]):
    start: int
    end: int
    text: str
    value: T


class Matcher(Generic[T]):
    """A trie over folded names; :meth:`find` yields non-overlapping longest matches left to right."""

    def __init__(self, names: Mapping[str, T] | Iterable[tuple[str, T]]) -> None:
        self._root: dict[str, object] = {}
        items = names.items() if isinstance(names, Mapping) else names
        for name, value in items:
            key = fold_key(name)
            if not key:
                continue
            node = self._root
            for ch in key:
                node = node.setdefault(ch, {})  # type: ignore[assignment]
            node.setdefault(_END, value)
        # Most characters of a text start no name: jump to the next one that can (a character class runs in C).
        firsts = sorted(ch for ch in self._root if ch != _END)
        self._first = re.compile("[" + "".join(map(re.escape, firsts)) + "]") if firsts else None

    def find(self, text: str) -> Iterator[Hit[T]]:
        if self._first is None:
            return
        folded, where = _folded(text)
        root = self._root
        length = len(folded)
        search = self._first.search
        match = search(folded)
        while match is not None:
            position = match.start()
            best: tuple[int, T] | None = None
            node: Any = root  # a trie node: characters to nodes, and _END to a value
            index = position
            while index < length:
                node = node.get(folded[index])
                if node is None:
                    break
                index += 1
                if _END in node:
                    best = (index, node[_END])
            if best is not None:
                end, value = best
                start, stop = where[position], where[end - 1] + 1
                yield Hit(start, stop, text[start:stop], value)
                match = search(folded, end)
            else:
                match = search(folded, position + 1)


_END = "\0"  # the key under which a trie node keeps the value of the name ending there
_NOTHING = "\uffff"  # stands for a character no name holds: white space, or one that folds to several
_QUOTE = re.compile("[" + "".join(sorted(QUOTES)) + "]")


class _FoldTable(dict[int, str]):
    """``str.translate``'s table from a character to the one the trie reads, filled as characters are first seen:
    NFKC, white space and characters that fold to several (or to the trie's end key) made unmatchable."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = fold_char(ch)
        value = _NOTHING if ch.isspace() or len(folded) != 1 or folded == _END else folded
        self[code] = value
        return value


_FOLD = _FoldTable()


@lru_cache(maxsize=1024)
def _folded(text: str) -> tuple[str, Sequence[int]]:
    """``text`` as the trie reads it, one folded character per character, quotation marks left out (they are
    optional inside a name and start none), and where each folded character stands in ``text``. The same text is
    read by several matchers (organisations, platforms, roles, services, regions), so it is folded once."""
    if _QUOTE.search(text) is None:
        return text.translate(_FOLD), range(len(text))
    where = [index for index, ch in enumerate(text) if ch not in QUOTES]
    return "".join(text[index] for index in where).translate(_FOLD), where
