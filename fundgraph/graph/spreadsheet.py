"""CSV cells safe to open in a spreadsheet: a cell that Excel or LibreOffice would read as a formula is written as
text.

Names in the plans come from documents fundgraph does not control, and a CSV cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return can be taken for a formula (``=HYPERLINK(...)`` exfiltrating a row,
``@SUM(...)``, DDE). Such a cell gets a leading ``'``, which spreadsheets read as "this is text" and do not show.
A plain decimal number (``-3``, ``+1``, ``-0.5``) is left as it is: it is read as the number it is, and amounts
must stay numbers. The explorer's downloads use the same rule (web/src/format.js ``spreadsheetSafe``).

>>> [safe_cell(v) for v in ['=1+1', '@SUM(A1)', '-2+3', '-3', '+1', '-0.5', '广东', 7, None]]
["'=1+1", "'@SUM(A1)", "'-2+3", '-3', '+1', '-0.5', '广东', 7, None]
"""

from __future__ import annotations

import re
from typing import TypeVar

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

T = TypeVar("T")


def safe_text(text: str) -> str:
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_cell(value: T) -> T | str:
    """``value`` as a spreadsheet will read it as written: text that could start a formula gets a leading ``'``;
    anything not text (numbers, None) is returned unchanged."""
    return safe_text(value) if isinstance(value, str) else value
