"""Longest-match scanning of many names at once, the way gazetteers are matched.

Quotation marks are optional inside a name, so “数字政府”政务云平台 matches 数字政府政务云平台 and the reverse.

>>> m = Matcher({"中小融平台": "SME", "中小融": "SME", "平台": "generic"})
>>> [(hit.text, hit.value) for hit in m.find("与省“中小融”平台融合")]
[('中小融”平台', 'SME')]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

QUOTES = frozenset("“”\"'‘’「」『』")


def fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def fold_key(text: str) -> str:
    """The lookup form of a name: NFKC, no white space, no quotation marks."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if not c.isspace() and c not in QUOTES)


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
            node.setdefault("\0", value)

    def find(self, text: str) -> Iterator[Hit[T]]:
        position = 0
        length = len(text)
        while position < length:
            best: tuple[int, T] | None = None
            node: dict[str, object] | None = self._root
            index = position
            while node is not None and index < length:
                ch = text[index]
                if ch in QUOTES and index > position:
                    index += 1
                    continue
                folded = fold_char(ch)
                if ch.isspace():
                    break
                node = node.get(folded)  # type: ignore[assignment]
                index += 1
                if node is not None and "\0" in node:
                    best = (index, node["\0"])  # type: ignore[assignment]
            if best is not None:
                end, value = best
                yield Hit(position, end, text[position:end], value)
                position = end
            else:
                position += 1
