"""Splitting a 绩效目标 cell into its numbered targets.

>>> split_targets("1.上线10项产品；\\n2.服务80家。")
['1.上线10项产品；', '2.服务80家。']
>>> split_targets("力争到2024年，新增托管企业200家")
['力争到2024年，新增托管企业200家']
"""

from __future__ import annotations

import re

_NUMBERED = re.compile(r"^\s*(?:\d{1,2}\s*[.、．,，)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]+、)(?!\d)")


def split_targets(text: str) -> list[str]:
    """Numbered lines start a new target; unnumbered lines belong to the target before them."""
    items: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if items and not _NUMBERED.match(line):
            items[-1] = f"{items[-1]}\n{line}"
        else:
            items.append(line)
    return items
