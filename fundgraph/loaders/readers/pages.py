"""A table broken over pages, as the text of a PDF copied or exported keeps it: a page's number on a line of its own
between two rows (``- 2 -``, ``第 2 页 共 5 页``), and the header the table repeats at the top of the next page. Both
are the page's, not the table's: the text is read without them, and what is read keeps the file's line numbers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from fundgraph.loaders.cells import RawDocument
from fundgraph.loaders.roles import vocabulary

# A header repeated after a page break is at most this many lines (one a cell, in a table of a cell a line).
_HEADER_LINES = 12


@cache
def _page_number() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in vocabulary().page_numbers))


def _squash(line: str) -> str:
    return "".join(line.split())


def unbroken(lines: list[str]) -> list[int] | None:
    """The indexes of the lines to read, a page's number and a header repeated after it left out; None where the
    text has no page break.

    >>> unbroken(["序号 | 名称 | 金额 |", "1 | 甲 | 5 |", "- 1 -", "序号 | 名称 | 金额 |", "2 | 乙 | 6 |"])
    [0, 1, 4]
    >>> unbroken(["序号", "名称", "金额", "1", "甲", "5", "第 1 页 共 2 页", "2", "乙", "6"])
    [0, 1, 2, 3, 4, 5, 7, 8, 9]
    >>> unbroken(["序号 | 名称 | 金额 |", "1 | 甲 | 5 |"]) is None
    True
    """
    pattern = _page_number()
    breaks = [i for i, line in enumerate(lines) if line.strip() and pattern.fullmatch(line.strip())]
    if not breaks:
        return None
    dropped = set(breaks)
    squashed = [_squash(line) for line in lines]
    for at in breaks:
        start = at + 1
        while start < len(lines) and (not squashed[start] or start in dropped):
            start += 1
        dropped.update(_repeated_header(squashed, at, start))
    return [i for i in range(len(lines)) if i not in dropped]


def _repeated_header(squashed: list[str], before: int, start: int) -> range:
    """The lines from ``start`` that say again, line for line, lines met before the break at ``before`` and hold a
    header word: the header repeated on the new page. Empty where they are rows."""
    if start >= len(squashed) or not squashed[start]:
        return range(0)
    words = vocabulary().header_words
    best = range(0)
    for earlier in (k for k in range(before) if squashed[k] == squashed[start]):
        length = 0
        while (
            length < _HEADER_LINES
            and earlier + length < before
            and start + length < len(squashed)
            and squashed[earlier + length]
            and squashed[earlier + length] == squashed[start + length]
        ):
            length += 1
        run = squashed[start : start + length]
        if length > len(best) and any(word in line for line in run for word in words if len(word) >= 2):
            best = range(start, start + length)
    return best


def renumbered(document: RawDocument, kept: list[int]) -> RawDocument:
    """A reading of the text without its page breaks, with the file's line numbers: line n of what was read is line
    ``kept[n - 1] + 1`` of the file."""

    def line(number: int | None) -> int | None:
        return kept[number - 1] + 1 if number is not None and 0 < number <= len(kept) else number

    for table in document.tables:
        table.rows = [[replace(c, line=line(c.line)) for c in row] for row in table.rows]
        table.doubts = [replace(d, line=line(d.line)) for d in table.doubts]
        table.left_unread = [(text, line(at)) for text, at in table.left_unread]
    document.before = [replace(t, line=line(t.line)) for t in document.before]
    document.after = [replace(t, line=line(t.line)) for t in document.after]
    return document
