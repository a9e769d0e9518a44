"""Families of layouts the readers meet on published notices (the failure analysis of the corpus, one section a
family), each written here small and by hand: the rule must hold for the kind, not for one file."""

from __future__ import annotations

from decimal import Decimal

from fundgraph.loaders import parse_bytes
from tests.layouts import LAYOUTS


def rows(text: str, name: str = "notice.txt") -> list[tuple[str, str]]:
    plan = parse_bytes(text.encode(), name)
    return [(p.name, str(p.amount)) for p in plan.projects]


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# §1 Full-width forms and wide or no-break spaces read as their ASCII forms, one character for one.


def test_a_full_width_pipe_table_reads_as_its_ascii_form_on_the_same_lines() -> None:
    render, name, _ = LAYOUTS["pipe"]
    plain = parse_bytes(render().encode(), name)
    wide = parse_bytes(to_full_width(render()).encode(), name)
    assert [p.amount for p in wide.projects] == [p.amount for p in plain.projects]
    assert [p.seq for p in wide.projects] == [to_full_width(p.seq or "") for p in plain.projects]  # as written
    assert wide.stated_total == plain.stated_total == Decimal("3901") and wide.problems == ()
    assert [p.cells["amount"].line for p in wide.projects] == [p.cells["amount"].line for p in plain.projects]


def test_full_width_decimals_and_separators_in_prose_and_totals() -> None:
    text = to_full_width(
        "关于下达某县2023年道路养护资金的通知\n"
        "现下达道路养护资金共计241.3万元,具体如下:\n"
        "东城镇:120.5万元;西城镇:120.8万元。\n"
    )
    assert rows(text) == [("东城镇", "120.5"), ("西城镇", "120.8")]
    assert parse_bytes(text.encode(), "notice.txt").stated_total == Decimal("241.3")


def test_no_break_and_ideographic_spaces_separate_as_spaces() -> None:
    text = (
        "某县2023年农田水利补助资金分配表\n"
        "单位:万元\n"
        "序号\u3000\u3000乡镇\u00a0\u00a0补助资金\n"
        "1\u00a0\u00a0城关镇\u00a0\u00a012.5\n"
        "2  河口乡\u3000\u300030\n"
        "合计  42.5\n"
    )
    assert rows(text) == [("城关镇", "12.5"), ("河口乡", "30")]
    html = (
        "<html><body><p>单位:万元</p><table><tr><th>序号</th><th>乡镇</th><th>补助资金</th></tr>"
        "<tr><td>1</td><td>城关镇&nbsp;</td><td>１２．５</td></tr><tr><td>2</td><td>河口乡</td><td>30</td></tr>"
        "<tr><td>合计</td><td></td><td>42.5</td></tr></table></body></html>"
    )
    assert rows(html, "notice.html") == [("城关镇", "12.5"), ("河口乡", "30")]
