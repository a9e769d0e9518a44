"""Every text layout: the seed rendered in it parses to the seed's rows; bad input in it is a located error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fundgraph.errors import ParseError
from fundgraph.loaders import parse_bytes, parse_path
from tests.conftest import SEED_TXT
from tests.layouts import LAYOUTS
from tests.unit.test_loaders import EXPECTED


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_seed_in_each_layout_among_prose(layout: str) -> None:
    render, name, fmt = LAYOUTS[layout]
    plan = parse_bytes(render().encode(), name)
    assert plan.format == fmt
    assert [(p.seq, p.applicant, p.implementer, str(p.amount)) for p in plan.projects] == EXPECTED
    assert plan.stated_total == Decimal("3901") == plan.computed_total
    assert plan.problems == ()
    assert plan.plan_id == parse_path(SEED_TXT).plan_id
    assert (plan.title, plan.year, plan.attachment, plan.unit) == (
        "2024年广东省促进经济高质量发展专项资金（重点金融平台项目）分配方案",
        2024,
        "附件2",
        "万元",
    )
    assert plan.notes and plan.notes[0].startswith("注：")
    assert plan.projects[2].name == "促进广东区域性股权市场高质量发展 建设非上市证券集中托管平台"


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_non_numeric_amount_is_located_in_each_layout(layout: str) -> None:
    render, name, _ = LAYOUTS[layout]
    text = render().replace("725.4014", "待定")
    with pytest.raises(ParseError) as caught:
        parse_bytes(text.encode(), name)
    assert "待定" in caught.value.message
    where = caught.value.where
    assert where.path == name and where.row is not None and where.col is not None
    if where.line is not None:
        assert "待定" in text.splitlines()[where.line - 1]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_file_cut_inside_a_row_keeps_the_rows_before_it(layout: str) -> None:
    """The complete rows are read, the cut row is not, and the plan says it was cut (issue #14, item 3)."""
    render, name, _ = LAYOUTS[layout]
    text = render()
    cut = text[: text.index("广东省融资再担保有限责任公司") + 6]
    plan = parse_bytes(cut.encode(), name)
    complete = [row for row in EXPECTED if row[0] in {p.seq for p in plan.projects}]
    assert [(p.seq, p.applicant, p.implementer, str(p.amount)) for p in plan.projects] == complete
    assert len(plan.projects) < len(EXPECTED)
    assert "truncated" in [p.code for p in plan.problems]


@pytest.mark.parametrize("layout", ["pipe", "cell_per_line", "comma_closed", "blank_separated"])
def test_a_file_cut_inside_an_amount_drops_that_row(layout: str) -> None:
    render, name, _ = LAYOUTS[layout]
    text = render()
    cut = text[: text.index("725.4014") + 4]  # "725." : a cut number is no number
    plan = parse_bytes(cut.encode(), name)
    assert "725.4014" not in [str(p.amount) for p in plan.projects]
    assert all(str(p.amount) in {row[3] for row in EXPECTED} for p in plan.projects)
    assert "truncated" in [p.code for p in plan.problems]


def test_two_row_headers_choose_the_total_column_and_keep_the_others() -> None:
    text = """附件1
2025年某省农业救灾资金分配表
| 序号 | 地区 | 资金安排（万元） | | | 备注 |
| | | 合计 | 中央资金 | 省级资金 | |
| 1 | 海丰县 | 300 | 200 | 100 | |
| 2 | 陆丰市 | 10(其中,灾情因素6万元) | 10 | 0 | 含灾情 |
| 合计 | | 310 | 210 | 100 | |
"""
    plan = parse_bytes(text.encode(), "relief.md")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("海丰县", "300"), ("陆丰市", "10")]
    assert plan.projects[1].amount_text == "10(其中,灾情因素6万元)"
    assert plan.projects[1].extra == {
        "资金安排（万元）/中央资金": "10",
        "资金安排（万元）/省级资金": "0",
        "备注": "含灾情",
    }
    assert plan.stated_total == Decimal("310") and plan.problems == ()


def test_a_total_stated_only_in_the_prose_is_used_and_checked() -> None:
    text = """关于下达2024年某专项资金的通知
现将2024年某专项资金共计408万元下达给你们，请按要求使用。
| 序号 | 项目名称 | 实施单位 | 金额 |
| 1 | 甲项目 | 甲单位 | 73.5万元 |
| 2 | 乙项目 | 乙单位 | 334.4 |
"""
    plan = parse_bytes(text.encode(), "notice.txt")
    assert plan.stated_total == Decimal("408")
    assert plan.stated_total_source is not None and plan.stated_total_source.line == 2
    assert [p.amount for p in plan.projects] == [Decimal("73.5"), Decimal("334.4")]
    assert [p.code for p in plan.problems] == ["unit_assumed", "total_mismatch"]


def test_traditional_and_spaced_headers_and_recipient_rows() -> None:
    text = (
        "序 號|\n縣區|\n下達資金（元）|\n1|\n海豐縣|\n１，２００，０００|\n2|\n陸豐市|\n800,000|\n合  計|\n2000000|\n"
    )
    plan = parse_bytes(text.encode(), "counties.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("海豐縣", "120"), ("陸豐市", "80")]
    assert plan.unit == "元" and plan.stated_total == Decimal("200") and plan.problems == ()


def test_subtotals_between_groups_are_not_projects() -> None:
    text = """| 序号 | 项目名称 | 金额（万元） |
| 一 | 第一类 | |
| 1 | 甲 | 10 |
| 2 | 乙 | 20 |
| 小计 | | 30 |
| 3 | 丙 | 5 |
| 总计 | | 35 |
"""
    plan = parse_bytes(text.encode(), "groups.md")
    assert [p.name for p in plan.projects] == ["甲", "乙", "丙"]
    assert plan.stated_total == Decimal("35") and plan.problems == ()


def test_projects_under_a_group_heading_carry_the_group() -> None:
    text = "| 序号 | 项目名称 | 金额（万元） |\n| 一 | 第一类 | |\n| 1 | 甲 | 10 |\n| 二 | 第二类 | |\n| 2 | 乙 | 5 |\n"
    plan = parse_bytes(text.encode(), "groups.md")
    assert [(p.name, p.extra.get("group")) for p in plan.projects] == [("甲", "第一类"), ("乙", "第二类")]


def test_a_total_row_before_the_projects() -> None:
    text = "| 序号 | 项目名称 | 金额（万元） |\n| 合计 | | 15 |\n| 1 | 甲 | 10 |\n| 2 | 乙 | 5 |\n"
    plan = parse_bytes(text.encode(), "total_first.md")
    assert [p.name for p in plan.projects] == ["甲", "乙"]
    assert plan.stated_total == Decimal("15") and plan.problems == ()


def test_a_row_with_figures_but_no_amount_is_a_project_missing_it_not_a_heading() -> None:
    """Without a 序号 column, a row with no amount was a group heading; one with figures of its own (投资规模) is a
    project whose amount is missing. A row named as a heading (一、…) stays a heading, figures or not."""
    text = (
        "附件\n2024年某县补助资金分配表\n| 项目名称 | 投资规模(万元) | 补助资金(万元) |\n| 一、农业类 | 500 | |\n"
        "| 甲村道路 | 300 | 120 |\n| 乙村水渠 | 200 | |\n| 合计 | 500 | 120 |\n"
    )
    plan = parse_bytes(text.encode(), "plan.txt")
    assert [(p.name, p.amount, p.extra["group"]) for p in plan.projects] == [
        ("甲村道路", Decimal(120), "一、农业类"),
        ("乙村水渠", None, "一、农业类"),
    ]
    assert [p.code for p in plan.problems] == ["amount_missing"]


def test_with_an_amount_missing_a_total_that_differs_is_unverified_not_a_mismatch() -> None:
    """The missing amount may make up the difference: the plan says how much it would have to be."""
    text = "2024年某县补助资金分配表\n| 项目名称 | 投资规模(万元) | 补助资金(万元) |\n"
    text += "| 甲村道路 | 300 | 120 |\n| 乙村水渠 | 200 | |\n| 合计 | 510 | 150 |\n"
    plan = parse_bytes(text.encode(), "plan.txt")
    codes = {p.code: p.message for p in plan.problems}
    assert [(p.name, p.amount) for p in plan.projects] == [("甲村道路", Decimal(120)), ("乙村水渠", None)]
    assert {"amount_missing", "total_unverified"} <= set(codes) and "total_mismatch" not in codes
    assert "乙村水渠" in codes["total_unverified"] and "only if they add up to 30" in codes["total_unverified"]


# A table laid out by position (a rule-less PDF's words where the page shows them, one character a column) under a
# two-line header: a money group over its sub-columns, the group's unit wrapped under it, names wrapped under their
# column.


def _placed(*lines: list[tuple[int, str]]) -> str:
    """Lines of pieces, each at its character column, as the page layout writes them."""
    out = []
    for pieces in lines:
        line = ""
        for col, text in pieces:
            line = line.ljust(col) + text
        out.append(line)
    return "\n".join(out) + "\n"


GROUPED_BY_POSITION = {
    "group-last": "关于下达2024年农村公路养护资金的通知\n\n"
    + _placed(
        [(0, "序号"), (10, "乡镇"), (20, "项目名称"), (32, "资金来源")],
        [(32, "（万元）")],
        [],
        [(32, "中央资金"), (44, "省级资金"), (56, "小计")],
        [],
        [(0, "1"), (10, "城关镇"), (20, "城关道路养"), (32, "300"), (44, "100"), (56, "400")],
        [(20, "护")],
        [(0, "2"), (10, "城关镇"), (20, "东环路养护"), (32, "200"), (44, "80"), (56, "280")],
        [(0, "合计"), (32, "500"), (44, "180"), (56, "680")],
    ),
    "group-in-the-middle": "某县2024年农村公路养护资金分配表\n"
    + _placed(
        [(0, "序号"), (8, "项目名称"), (24, "补助资金（万元）"), (52, "备注")],
        [(24, "中央"), (34, "省级"), (44, "合计")],
        [(0, "1"), (8, "城关道路养护"), (24, "300"), (34, "100"), (44, "400"), (52, "新建")],
        [(0, "2"), (8, "东环路养护"), (24, "200"), (34, "80"), (44, "280")],
        [(0, "合计"), (24, "500"), (34, "180"), (44, "680")],
    ),
    "group-unit-in-a-line": "单位：万元\n"
    + _placed(
        [(0, "序号"), (8, "项目名称"), (24, "安排资金")],
        [(24, "中央资金"), (36, "省级资金"), (48, "合计")],
        [(0, "1"), (8, "城关道路养"), (24, "300"), (36, "100"), (48, "400")],
        [(8, "护")],
        [(0, "2"), (8, "东环路养护"), (24, "200"), (36, "80"), (48, "280")],
        [(0, "合计"), (24, "500"), (36, "180"), (48, "680")],
    ),
}


@pytest.mark.parametrize("member", sorted(GROUPED_BY_POSITION))
def test_a_money_group_over_sub_columns_laid_out_by_position(member: str) -> None:
    plan = parse_bytes(GROUPED_BY_POSITION[member].encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关道路养护", "400"), ("东环路养护", "280")]
    assert plan.stated_total == Decimal("680") and plan.problems == ()
