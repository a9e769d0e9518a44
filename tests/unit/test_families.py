"""Families of layouts the readers meet on published notices (the failure analysis of the corpus, one section a
family), each written here small and by hand: the rule must hold for the kind, not for one file."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from fundgraph.errors import ParseError
from fundgraph.loaders import parse_bytes, plans_from_bytes
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


# §2 Traditional characters mean what their simplified forms mean, in every reader and in the prose: the same
# plan, each name as written.

TRADITIONAL_FAMILY = {
    "prose": "关于下达某县2023年饮水安全资金的通知\n"
    "现将饮水安全资金共计350万元下达给你们。\n东城镇:200万元;西城镇:150万元。\n",
    "amount-with-unit": "| 序号 | 项目名称 | 实施单位 | 补助资金 |\n| 1 | 东湖水库维修 | 东城镇人民政府 | 20万元 |\n"
    "| 2 | 西河堤防加固 | 西城镇人民政府 | 35万元 |\n| 合计 | | | 55万元 |\n",
    "unit-line-and-prose-total": "某县农村公路养护资金分配表\n单位:万元\n现下达养护资金总计42.5万元。\n"
    "序号  乡镇  补助资金\n1  城关镇  12.5\n2  河口乡  30\n",
}


@pytest.mark.parametrize("member", sorted(TRADITIONAL_FAMILY))
def test_a_notice_in_traditional_characters_reads_as_in_simplified(member: str) -> None:
    import opencc

    simplified = TRADITIONAL_FAMILY[member]
    traditional = opencc.OpenCC("s2t").convert(simplified)
    assert traditional != simplified
    plain = parse_bytes(simplified.encode(), "notice.txt")
    trad = parse_bytes(traditional.encode(), "notice.txt")
    to_trad = opencc.OpenCC("s2t").convert
    assert [(p.name, p.amount) for p in trad.projects] == [(to_trad(p.name), p.amount) for p in plain.projects]
    assert plain.projects and trad.stated_total == plain.stated_total is not None
    assert [p.code for p in trad.problems] == [p.code for p in plain.problems]
    assert trad.unit == plain.unit


# §12 A reader that cannot read the text at all does not keep the other layouts from being read.


def test_a_reader_refusing_the_text_leaves_the_other_layouts_to_read_it() -> None:
    """The spaced 序  号 makes a space-separated header of nine words, wider than any row; the pipes read it."""
    text = (
        "某省奖励资金安排建议表\n金额单位:万元\n序  号 | 市州 | 县市区 | 建议分配金额(万元) |\n"
        "1 | 湘潭市 | 韶山市 | 400 |\n2 | 衡阳市 | 衡南县 | 6 |\n3 | 衡山县 | 26 | |\n4 | 岳阳市 | 岳阳楼区 | 78 |\n"
        "全省合计 | 510 |\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [str(p.amount) for p in plan.projects] == ["400", "6", "26", "78"]
    assert plan.stated_total == Decimal("510") and "total_mismatch" not in {p.code for p in plan.problems}


def test_a_refusal_stands_when_no_other_layout_reads_the_text() -> None:
    text = "某县补助资金分配表\n序号  乡镇  补助资金\n1  城关镇  12  多余  字段  又一  个\n"
    with pytest.raises(ParseError) as caught:
        parse_bytes(text.encode(), "notice.txt")
    assert caught.value.where.line == 3  # refused where the row is, not "no table found"


# §11 The prose fallback never reads where the money comes from, nor reads prose around a table it could not read.

SOURCES = (
    "2023年,上级下达某县专项扶贫资金300万元,现将资金分配情况公示如下:\n"
    "一、资金来源\n(一)中央资金\n中央财政专项扶贫资金180万元;\n(二)省级资金\n省级财政专项扶贫资金120万元。\n"
)


def test_items_under_the_funding_sources_heading_are_not_rows() -> None:
    text = SOURCES + "二、资金安排\n(一)城关镇道路硬化项目 投资:200万元\n(二)河口乡饮水工程项目 投资:100万元\n"
    assert rows(text) == [("城关镇道路硬化项目", "200"), ("河口乡饮水工程项目", "100")]


def test_a_titled_table_no_layout_reads_is_refused_not_read_from_the_sources() -> None:
    text = SOURCES + "二、资金分配情况表\n某县2023年扶贫资金分配表\n单位:万元\n序号  项目名称  资金规模(亿)  用途\n"
    with pytest.raises(ParseError):  # not the sources' 180 + 120, which add up to the notice's 300
        parse_bytes(text.encode(), "notice.txt")
    unread = (
        "下达专项扶贫资金300万元:\n1.省级专项扶贫资金180万元\n2.市级扶贫专项资金120万元\n"
        + "二、资金分配情况表\n某县2023年扶贫资金分配表\n单位:万元\n序号 | 名目 | 用处 |\n"
    )
    with pytest.raises(ParseError) as caught:
        parse_bytes(unread.encode(), "notice.txt")
    assert "no layout could read" in caught.value.message


# §4 A header is not cut by a word no vocabulary knows; rows are not taken for a second table's header.


def cell_per_line(*cells: str) -> str:
    return "".join(f"{c} |\n" for c in cells)


def test_an_unknown_header_word_between_header_cells_is_a_column() -> None:
    text = "某县2019年扶贫资金分配表\n单位:万元\n" + cell_per_line(
        *("序号", "项目名称", "建设地点", "整合资金", "责任单位"),
        *("1", "城关镇道路硬化项目", "城关镇", "130", "交通局"),
        *("2", "河口乡饮水工程", "河口乡", "70", "水务局"),
        *("合计", "200"),
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount), p.implementer) for p in plan.projects] == [
        ("城关镇道路硬化项目", "130", "交通局"),
        ("河口乡饮水工程", "70", "水务局"),
    ]
    assert plan.stated_total == Decimal("200")


def test_a_body_and_money_among_the_rows_is_not_a_second_header() -> None:
    text = "某市2019年财政专项扶贫资金分配表\n单位:万元\n" + cell_per_line(
        *("序号", "项目名称", "实施单位", "金额"),
        *("1", "产业发展项目", "农业局", "300"),
        *("2", "贫困生职业教育补助", "职业学校", "50"),
        *("合计", "350"),
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("产业发展项目", "300"), ("贫困生职业教育补助", "50")]


# §5 Several money columns: a row's sum is the allocation only when its header names a total.


def pipe_rows(*rows: str) -> str:
    return "".join(f"| {r} |\n" for r in rows)


def test_the_sum_of_advanced_and_this_notices_money_is_not_the_allocation() -> None:
    text = "某省2017年补助资金分配表\n单位:万元\n" + pipe_rows(
        "序号 | 地区 | 已提前下达 | 本次下达 | 补助金额",
        "1 | 甲市 | 100 | 40 | 140",
        "2 | 乙市 | 200 | 60 | 260",
        "3 | 丙市 | 300 | 50 | 350",
        "合计 | | 600 | 150 | 750",
    )
    plan = parse_bytes(text.encode(), "notice.md")
    assert [str(p.amount) for p in plan.projects] == ["40", "60", "50"]
    assert plan.stated_total == Decimal("150")


def test_a_column_named_as_the_rows_total_is_the_allocation() -> None:
    text = "某省2017年补助资金分配表\n单位:万元\n" + pipe_rows(
        "序号 | 地区 | 中央资金 | 省级资金 | 资金合计",
        "1 | 甲市 | 100 | 40 | 140",
        "2 | 乙市 | 200 | 60 | 260",
        "3 | 丙市 | 300 | 50 | 350",
        "合计 | | 600 | 150 | 750",
    )
    plan = parse_bytes(text.encode(), "notice.md")
    assert [str(p.amount) for p in plan.projects] == ["140", "260", "350"]


# §18 Which column names the row: the place, where the bodies are the place's own (茶山街道养老服务中心 in 茶山街道).


def test_bodies_named_after_their_place_leave_the_place_to_name_the_row() -> None:
    text = "某区2020年养老服务中心建设补助资金分配表\n单位:万元\n" + cell_per_line(
        *("序号", "镇街", "名称", "金额"),
        *("1", "东城街道", "东城街道养老服务中心", "100"),
        *("2", "西湖镇", "西湖养老服务中心", "80"),
        *("3", "南山街道", "南山街道养老服务中心", "60"),
        *("合计", "240"),
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [
        ("东城街道", "100"),
        ("西湖镇", "80"),
        ("南山街道", "60"),
    ]


def test_bodies_that_differ_once_their_place_is_taken_off_still_name_the_row() -> None:
    text = "某区2020年建设补助资金分配表\n单位:万元\n" + cell_per_line(
        *("序号", "镇街", "名称", "金额"),
        *("1", "东城街道", "东城街道敬老院", "100"),
        *("2", "西湖镇", "西湖镇卫生院", "80"),
        *("3", "南山街道", "南山街道文化站", "60"),
        *("合计", "240"),
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [p.name for p in plan.projects] == ["东城街道敬老院", "西湖镇卫生院", "南山街道文化站"]


# §5/§6 A total named over some money columns (集中+分散合计), and a 合计 row written over 序号 and the name.


def test_a_total_of_the_columns_before_it_is_the_allocation_and_its_total_row_shifts_left() -> None:
    text = "单位:户、元\n" + pipe_rows(
        "序号 | 地区 | 保障户数 | 集中供养资金 | 分散供养资金 | 集中+分散合计 | 供养资金 | 护理补贴",
        "1 | 甲镇 | 16 | 230 | 730 | 960 | 830 | 130",
        "2 | 乙镇 | 11 | 170 | 750 | 920 | 810 | 110",
        "3 | 丙镇 | 21 | 300 | 1340 | 1640 | 1460 | 180",
        "合计 | 48 | 700 | 2820 | 3520 | 3100 | 420",
    )
    plan = parse_bytes(text.encode(), "notice.md")
    assert [str(p.amount) for p in plan.projects] == ["0.096", "0.092", "0.164"]
    assert plan.stated_total == Decimal("0.352") and plan.problems == ()


def test_a_total_row_one_cell_short_whose_shifted_figure_disagrees_is_a_mismatch() -> None:
    text = "单位:元\n" + pipe_rows(
        "序号 | 地区 | 户数 | 补助资金",
        "1 | 甲镇 | 16 | 960",
        "2 | 乙镇 | 11 | 920",
        "3 | 丙镇 | 21 | 1640",
        "合计 | 48 | 3600",
    )
    plan = parse_bytes(text.encode(), "notice.md")
    assert plan.stated_total == Decimal("0.36")
    assert [p.code for p in plan.problems] == ["total_mismatch"]


# §8 A text cut inside the table is reported as cut: after a row's name, after the next row's 序号, or after a row's
# amount but before a money cell every earlier row filled.


def test_a_stream_ending_on_the_next_rows_name_is_cut() -> None:
    text = "某县2018年补助资金分配表\n单位:万元\n" + "\n\n".join(
        ["地区", "金额", "城关镇", "22", "河口乡", "31", "龙山镇", "29", "东"]
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇", "22"), ("河口乡", "31"), ("龙山镇", "29")]
    assert "truncated" in [p.code for p in plan.problems]


def test_a_pipe_table_followed_only_by_the_next_rows_number_is_cut() -> None:
    text = (
        "某省补助资金分配表\n单位:万元\n"
        + pipe_rows("序号 | 地区 | 金额", "1 | 甲市 | 800", "2 | 乙市 | 400", "3 | 丙市 | 200").replace("| ", "", 4)
        + "4 "
    )
    plan = parse_bytes(text.encode(), "notice.md")
    assert [str(p.amount) for p in plan.projects] == ["800", "400", "200"]
    assert "truncated" in [p.code for p in plan.problems]


def test_a_last_row_missing_a_money_cell_every_row_filled_is_cut() -> None:
    text = "现下达扶贫资金共计15万元。\n附件1\n某县扶贫项目安排表\n单位:万元\n" + "\n\n".join(
        [
            *("乡镇、村", "金额", "建设项目", "补助金额"),
            *("城关镇东村", "4", "修复拦水坝3座。", "4"),
            *("河口乡西村", "5", "新建蓄水池。", "5"),
            *("龙山镇南村", "6", "道路长约1公里,宽"),
        ]
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [str(p.amount) for p in plan.projects] == ["4", "5", "6"]
    assert "truncated" in [p.code for p in plan.problems]


def test_a_complete_stream_ending_in_a_footnote_mark_is_not_cut() -> None:
    text = (
        "救灾补助资金分配表\n单位:万元\n"
        + "\n".join(["乡镇", "金额", "城关镇", "2", "河口乡", "0.5", "合计", "2.5", "[1]"])
        + "\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [str(p.amount) for p in plan.projects] == ["2", "0.5"] and plan.problems == ()


# §6/§7 Pipe tables: a header broken over lines, a last row left unclosed, a total row missing a cell or named 小计.


def test_header_cells_broken_over_lines_make_one_row_and_a_total_row_short_a_cell_finds_its_figure() -> None:
    text = (
        "单位:元\n"
        "镇街 | 补贴面积(亩) | 补贴标准 (元/亩) |\n"
        "资金计划 (元) |\n"
        "备注 |\n"
        "甲镇 | 100 | 70 | 7000 | |\n"
        "乙镇 | 200 | 70 | 14000 | 增加0.02亩 |\n"
        "丙镇 | 50 | 70 | 3500 | |\n"
        "合 计 | 350 | 24500 | 减少3亩 |\n"
    )
    plan = parse_bytes(text.encode(), "notice.md")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲镇", "0.7"), ("乙镇", "1.4"), ("丙镇", "0.35")]
    assert plan.stated_total == Decimal("2.45") and plan.problems == ()


def test_the_only_total_row_is_the_grand_total_and_an_unclosed_last_row_that_completes_it_is_whole() -> None:
    text = "附件\n某省专项资金项目计划表\n单位:万元\n地市 | 计划安排额度(万元) |\n"
    text += "小计 | 300 |\n甲市 | 100 |\n乙市 | 150 |\n丙市 | 50"
    plan = parse_bytes(text.encode(), "notice.md")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲市", "100"), ("乙市", "150"), ("丙市", "50")]
    assert plan.stated_total == Decimal("300") and plan.problems == ()


def test_an_unclosed_last_row_that_does_not_complete_the_total_is_cut() -> None:
    text = "附件\n某省专项资金项目计划表\n单位:万元\n地市 | 计划安排额度(万元) |\n"
    text += "小计 | 800 |\n甲市 | 100 |\n乙市 | 150 |\n丙市 | 5"
    plan = parse_bytes(text.encode(), "notice.md")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲市", "100"), ("乙市", "150")]
    assert "truncated" in [p.code for p in plan.problems]


# §3 The end of a table: a web page's furniture and a note after the rows are not cells of the table.

FOOTER = (
    "扫一扫在手机打开当前页\n主办单位：某市人民政府办公室 承办：信息中心 联系电话：0755-88123456\n"
    "网站标识码：4403000012 备案号：粤ICP备05012345号-1 公安备案 44030402001234号\n"
)


def test_a_copied_pages_footer_ends_the_table() -> None:
    cells = [*("序号", "单位", "金额(万元)", "备注"), *("1", "定海区", "40"), *("2", "普陀区", "40"), *("合 计", "80")]
    text = "某区2019年美丽乡村补助资金分配表\n" + "\n\n".join(cells) + "\n\n" + FOOTER
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("定海区", "40"), ("普陀区", "40")]
    assert plan.stated_total == Decimal("80")


def test_a_note_after_the_rows_is_not_a_cell() -> None:
    cells = [*("序号", "单位", "金额(万元)", "备注"), *("1", "定海区", "40"), *("2", "普陀区", "40"), *("合 计", "80")]
    text = "某区2019年美丽乡村补助资金分配表\n" + "\n\n".join(cells) + "\n\n备注:资金由各区统筹安排\n说明:详见附件"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("定海区", "40"), ("普陀区", "40")]


# §16 The total a notice states is not one of the parts listed after 其中.


def test_a_part_after_qizhong_is_not_the_stated_total() -> None:
    text = (
        "关于下达某县2023年衔接资金的通知\n"
        "共安排项目3个,项目总投资为150万元,其中:基础设施项目2项,总资金100万元;产业项目1项,总资金50万元。\n"
        "东城镇:100万元;西城镇:30万元;南城镇:20万元。\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert plan.stated_total != Decimal("100")
    assert "total_mismatch" not in [p.code for p in plan.problems]


def test_a_total_before_its_parts_is_the_stated_total() -> None:
    text = (
        "关于下达某县2023年衔接资金的通知\n"
        "现下达资金共计150万元,其中:东城镇100万元;西城镇50万元。\n"
        "东城镇:100万元;西城镇:50万元。\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert plan.stated_total == Decimal("150")


# §5/§9 A column named as the rows' total and holding each row's sum is the allocation even where the notice's own
# figures disagree: a part (中央资金) that adds up to its total is still a part, and a total cell left blank beside its
# filled parts makes the column disagree with its 合计 as written (the §9 section below has such a blank).


def test_a_row_total_that_disagrees_with_filled_cells_is_a_mismatch() -> None:
    text = "附件\n某县2020年衔接资金分配表\n单位:万元\n| 乡镇 | 省级资金 | 县级资金 | 合计 |\n"
    text += "| 东城镇 | 40 | 10 | 50 |\n| 西城镇 | 20 | 10 | 30 |\n| 南城镇 | 5 | 5 | 10 |\n| 合计 | 65 | 25 | 95 |\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [str(p.amount) for p in plan.projects] == ["50", "30", "10"]
    assert "total_mismatch" in [p.code for p in plan.problems]


# §9 Stream alignment: where a row of a one-cell-per-line table begins and which column each cell is, decided by the
# cells' kinds, the 序号 sequence, explicit empty cells and the sums, not by the positions of one file.


def blank_separated(*cells: str) -> str:
    return "附件\n某县2024年专项资金分配表\n单位:万元\n" + "\n\n".join(cells) + "\n\n注:以上资金请专款专用。\n"


def test_an_amount_equal_to_the_next_number_before_a_remark_is_no_row_number() -> None:
    cells = ["序号", "乡镇", "金额(万元)", "备注", "1", "东城镇", "2", "已审核", "2", "西城镇", "5", "合计", "7"]
    plan = parse_bytes(blank_separated(*cells).encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("东城镇", "2"), ("西城镇", "5")]
    assert plan.stated_total == Decimal("7") and plan.problems == ()


def test_an_amount_equal_to_the_next_number_before_a_subtotal_is_no_row_number() -> None:
    cells = ["序号", "村名", "项目名称", "资金金额", "1", "甲村", "道路硬化", "12", "2", "乙村", "渠道改造", "3"]
    cells += ["小计", "15", "3", "丙村", "厂房建设", "8", "4", "贷款贴息", "6", "小计", "14", "合计", "29"]
    plan = parse_bytes(blank_separated(*cells).encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [
        ("道路硬化", "12"),
        ("渠道改造", "3"),
        ("厂房建设", "8"),
        ("贷款贴息", "6"),
    ]
    assert plan.stated_total == Decimal("29")
    assert "total_mismatch" not in [p.code for p in plan.problems]


def pipe_per_line(*rows: tuple[str, ...]) -> str:
    return "附件\n某市2018年扶贫资金分配表\n单位:万元\n" + "".join(f"{c} |\n" if c else "|\n" for r in rows for c in r)


def test_an_explicit_empty_cell_keeps_its_column_before_an_empty_row() -> None:
    header = ("县区", "资金合计", "中央资金", "省级资金", "备注")
    rows = [("甲县", "110", "10", "100", ""), ("乙县", "80", "5", "75", ""), ("丙县", "", "20", "", "")]
    text = pipe_per_line(header, *rows, ("", "", "", "", ""), ("合计", "210", "35", "175", ""))
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲县", "110"), ("乙县", "80"), ("丙县", "None")]
    assert plan.stated_total == Decimal("210") and "total_mismatch" in [p.code for p in plan.problems]


def test_an_explicit_empty_money_cell_mid_row_is_a_cell() -> None:
    header = ("单位", "省级资金", "市级资金", "合计", "备注")
    rows = [("甲镇", "40", "10", "50", ""), ("乙镇", "", "30", "30", ""), ("", "", "", "", "")]
    text = pipe_per_line(header, *rows, ("合计", "40", "40", "80", ""))
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲镇", "50"), ("乙镇", "30")]
    assert plan.stated_total == Decimal("80") and "total_mismatch" not in [p.code for p in plan.problems]


def test_money_columns_blank_in_every_row_do_not_merge_rows() -> None:
    header = ["县区名称", "资金合计", "中央资金", "省级资金", "市级资金", "备注"]
    rows = ["甲县", "154", "154", "乙县", "89", "89", "丙区", "2024", "2024", "合计", "2267", "2267"]
    plan = parse_bytes(blank_separated(*header, *rows).encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲县", "154"), ("乙县", "89"), ("丙区", "2024")]
    assert plan.stated_total == Decimal("2267") and "total_mismatch" not in [p.code for p in plan.problems]


def test_a_blank_column_between_filled_ones_does_not_merge_rows() -> None:
    header = ["单位名称", "补助资金", "省级资金", "县级资金", "备注"]
    rows = ["东城镇农业站", "30", "30", "新建", "西城镇农业站", "20", "20", "续建", "合计", "50", "50"]
    plan = parse_bytes(blank_separated(*header, *rows).encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("东城镇农业站", "30"), ("西城镇农业站", "20")]
    assert "total_mismatch" not in [p.code for p in plan.problems]


def test_a_blank_row_total_beside_its_parts_is_a_mismatch_not_a_reason_to_read_a_part() -> None:
    text = "附件\n某市2018年扶贫资金分配表\n单位:万元\n| 县区 | 资金合计 | 中央资金 | 省级资金 | 备注 |\n"
    text += "| 甲县 | 110 | 10 | 100 | |\n| 乙县 | 80 | 5 | 75 | |\n| 丙县 | | 20 | | |\n| 合计 | 210 | 35 | 175 | |\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲县", "110"), ("乙县", "80"), ("丙县", "None")]
    assert plan.amount_column == 2 and "total_mismatch" in [p.code for p in plan.problems]


# §3 A web page's links after the notice (its attachments' heading, the next and previous articles, sharing) are
# furniture: never a cell, and the table before them is whole.


@pytest.mark.parametrize("furniture", ["相关附件", "附件下载：分配表.xls", "上一篇：关于印发…的通知", "分享到："])
def test_a_pages_links_after_a_pipe_stream_do_not_cut_its_last_row(furniture: str) -> None:
    # A merged 市州 cell written once for its counties: rows of three cells and of two.
    rows = ["序号 | 市州 | 县市区 | 分配金额(万元) |", "1 | 甲市 | 甲县 | 40 |", "2 | 乙县 | 35 |"]
    rows.append("3 | 丙市 | 丙县 | 25 |")
    text = "\n".join([*rows, "合计 | 100 |", furniture]) + "\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲县", "40"), ("乙县", "35"), ("丙县", "25")]
    assert plan.stated_total == Decimal("100") and plan.problems == ()


# §17 A figure named after what it counts (补贴系统数, the subsidy as the system holds it) is money when what it names
# is money; a count (户数, 面积, 人数) is never the allocation, even when it adds up to its 合计. With no unit in the
# table, the title or a 单位 line, the unit is the one in which the column comes to the total the text states.

FIGURE_FAMILY = {
    "total-first": (
        "某镇2023年耕地保护补贴发放情况\n共发放补贴资金 12.5 万元,已全部发放到位。\n"
        "村名 | 应补贴户数 | 核定面积 | 耕地保护补贴系统数 |\n合计 | 30 | 1250 | 125000 |\n"
        "东村 | 10 | 500 | 50000 |\n西村 | 20 | 750 | 75000 |\n",
        [("东村", "5"), ("西村", "7.5")],
    ),
    "rounded-prose-total": (
        "某县2022年种粮补贴发放统计表\n本次发放补贴资金共计123.46万元。\n"
        "乡镇 | 户数 | 补贴系统数 |\n城关镇 | 120 | 734567.8 |\n河口乡 | 80 | 500000 |\n合计 | 200 | 1234567.8 |\n",
        [("城关镇", "73.45678"), ("河口乡", "50")],
    ),
    "traditional-with-pinyin-pairs": (
        "某縣(xiàn)補(bǔ)貼發(fā)放情況\n共發(fā)放補(bǔ)貼資金 3.6 萬(wàn)元。\n"
        "鎮(zhèn)街 | 戶數(shù) | 補(bǔ)貼系統(tǒng)數(shù) |\n"
        "合計(jì) | 9 | 36000 |\n甲鎮(zhèn) | 4 | 16000 |\n乙鎮(zhèn) | 5 | 20000 |\n",
        [("甲鎮(zhèn)", "1.6"), ("乙鎮(zhèn)", "2")],
    ),
}


@pytest.mark.parametrize("member", sorted(FIGURE_FAMILY))
def test_a_figure_of_money_in_yuan_decided_by_the_total_in_the_text(member: str) -> None:
    text, expected = FIGURE_FAMILY[member]
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == expected
    assert plan.unit == "元" and plan.problems == ()
    assert plan.stated_total == sum((Decimal(a) for _, a in expected), Decimal(0))
    assert any("unit" in d and "元" in d for d in plan.decisions)


def test_a_count_that_adds_up_is_never_the_allocation() -> None:
    text = "某镇补贴发放情况\n单位:元\n村名 | 户数 | 补贴面积 | 补贴金额 |\n东村 | 10 | 500 | 800 |\n"
    text += "西村 | 20 | 750 | 900 |\n合计 | 30 | 1250 | 2000 |\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [p.amount for p in plan.projects] == [Decimal("0.08"), Decimal("0.09")]
    assert "total_mismatch" in [p.code for p in plan.problems]
    for header in ("系统数", "户系统数", "应补贴户数", "核定小麦面积"):
        from fundgraph.loaders.roles import role_of

        assert role_of(header).role != "money", header


def test_no_unit_and_a_total_in_the_text_that_fits_no_unit_is_assumed_and_said() -> None:
    text = "某镇补贴发放情况\n共发放补贴资金 99 万元。\n村名 | 户数 | 补贴系统数 |\n东村 | 10 | 50000 |\n"
    text += "西村 | 20 | 75000 |\n合计 | 30 | 125000 |\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert "unit_assumed" in [p.code for p in plan.problems]


# §7 A pipe table of a header and one row is a pipe table: its header words may be spaced (项  目  名  称), as
# a space-separated reading could not split them.

ONE_ROW_PIPE = {
    "spaced-words": "关于下达某区2020年教育补助资金的通知\n现将补助资金36.5万元分配如下:\n"
    "序　号 | 项  目  名  称 | 实施单位 | 补助资金 |\n1 | 校舍维修 | 某区教育局 | 36.5 |\n",
    "leading-pipes": "某县2021年水利资金分配表\n单位:万元\n| 序 号 | 项 目 名 称 | 金 额 |\n| 1 | 河道清淤 | 12 |\n"
    "现共下达资金12万元。\n",
}


@pytest.mark.parametrize("member", sorted(ONE_ROW_PIPE))
def test_a_pipe_table_of_one_row_with_spaced_header_words(member: str) -> None:
    plan = parse_bytes(ONE_ROW_PIPE[member].encode(), "notice.txt")
    assert len(plan.projects) == 1 and plan.projects[0].name in {"校舍维修", "河道清淤"}
    assert plan.stated_total == plan.computed_total and "total_mismatch" not in [p.code for p in plan.problems]


# §16 (continued) A notice that states its whole only as the listed projects' 总投资 states its total; such a total
# verifies one money column, and never chooses the projects' cost over the money allocated.


def test_the_projects_total_investment_is_the_stated_total_of_numbered_items() -> None:
    text = (
        "关于某县2023年衔接资金项目计划的公告\n"
        "共安排项目3个,项目总投资为150万元,其中:基础设施项目2项,总资金100万元;产业项目1项,总资金50万元。\n"
        "1.东村道路硬化工程\n投资:60万元 实施单位:东村村委会\n"
        "2.西村饮水工程\n投资:40万元 实施单位:西村村委会\n"
        "3.南村养殖场\n投资:50万元 实施单位:南村村委会\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [str(p.amount) for p in plan.projects] == ["60", "40", "50"]
    assert plan.stated_total == Decimal("150") and plan.problems == ()


def test_a_total_investment_that_does_not_reconcile_is_a_mismatch() -> None:
    text = "某镇2022年项目计划\n安排项目2个,总投资为95万元。\n东村道路:50万元;西村水渠:40万元。\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert plan.stated_total == Decimal("95")
    assert "total_mismatch" in [p.code for p in plan.problems]


def test_a_total_investment_does_not_choose_the_cost_column_over_the_allocation() -> None:
    text = (
        "某县2023年项目资金安排表\n单位:万元\n项目总投资为300万元。\n"
        "| 序号 | 项目名称 | 总投资 | 补助资金 |\n| 1 | 东村道路 | 200 | 80 |\n| 2 | 西村水渠 | 100 | 60 |\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [str(p.amount) for p in plan.projects] == ["80", "60"]
    assert plan.problems != ()


# §10 Numbered prose items: the words before an item's own amount name the item (never a money column of their
# own), a key that names the item (项目名称:) gives its value as the name, and the parts after 其中 stay the item's.


def test_the_words_before_an_items_own_amount_are_its_name() -> None:
    text = (
        "关于某区2024年衔接资金分配结果的公告\n下达我区衔接资金共计175.5万元,分配如下:\n"
        "(一)支持产业发展100万元;\n(二)村道维修50万元;\n(三)按1%提取项目管理费1.5万元;\n(四)河口乡24万元。\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [
        ("支持产业发展", "100"),
        ("村道维修", "50"),
        ("按1%提取项目管理费", "1.5"),
        ("河口乡", "24"),
    ]
    assert plan.stated_total == Decimal("175.5") and plan.problems == ()


def test_a_key_that_names_the_item_gives_its_value() -> None:
    text = (
        "现将项目资金共计80万元安排如下:\n一、项目名称：东村道路硬化工程\n资金：50万元\n"
        "二、项目名称：西村饮水工程\n资金：30万元\n"
    )
    assert rows(text) == [("东村道路硬化工程", "50"), ("西村饮水工程", "30")]


def test_the_parts_after_qizhong_stay_under_their_item() -> None:
    text = (
        "关于下达某县资金的通知\n现下达资金共计150万元,分配如下:\n"
        "一、城关镇100万元,其中:东村60万元、西村40万元;\n二、河口乡50万元。\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇", "100"), ("河口乡", "50")]
    assert plan.stated_total == Decimal("150") and plan.problems == ()


# §10 (continued) Lists of ``name amount``: inside a sentence after the whole they divide (其中:, 具体为:), and one
# recipient a line with the money's label after its name (甲区:省级专项资金400万元;); amounts inside a sentence
# that announces no list are no list.


@pytest.mark.parametrize(
    "sentence",
    [
        "现将2023年饮水安全资金共计350万元下达给你们,其中:东城镇200万元、西城镇150万元。请专款专用。",
        "下达你单位饮水安全资金合计350万元,其中东城镇200万元,西城镇150万元。",
        "市财政拨付饮水安全资金350万元,具体为:东城镇200万元;西城镇150万元。",
    ],
)
def test_a_list_inside_the_sentence_that_states_its_whole(sentence: str) -> None:
    plan = parse_bytes(f"关于下达某县2023年饮水安全资金的通知\n各乡镇:\n{sentence}\n某县财政局\n".encode(), "n.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("东城镇", "200"), ("西城镇", "150")]
    assert plan.stated_total == Decimal("350") and plan.problems == ()


def test_one_recipient_a_line_with_the_moneys_label_after_its_name() -> None:
    text = (
        "现将省级专项资金1000万元下达给你们。\n甲区:省级专项资金400万元;\n乙区:省级专项资金350万元;\n"
        "丙县:省级专项资金250万元。\n资金用途:用于基础设施建设。\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲区", "400"), ("乙区", "350"), ("丙县", "250")]
    assert plan.stated_total == Decimal("1000") and plan.problems == ()
    other = "共下达奖补资金90万元。\n东湖街道:奖补资金30万元\n西湖街道:奖补资金40万元\n南湖街道:奖补资金25万元\n"
    plan = parse_bytes(other.encode(), "notice.txt")
    assert [p.name for p in plan.projects] == ["东湖街道", "西湖街道", "南湖街道"]
    assert "total_mismatch" in [p.code for p in plan.problems]


def test_amounts_inside_a_sentence_that_announces_no_list_are_no_list() -> None:
    text = "某县耕地补贴发放说明\n经研究,补贴标准为每亩补贴86.9元,实际发放补贴资金7020.5万元。\n"
    with pytest.raises(ParseError):
        parse_bytes(text.encode(), "notice.txt")


# §10 (continued) Bodies named before 等N家 and given 各X万元 each: every body listed is read; a count its names do
# not match is reported (the text contradicts itself), and so is a total the rows do not make.


def test_each_body_named_before_its_count_gets_the_groups_amount() -> None:
    text = (
        "关于企业奖励资金的公示\n经审核,甲机械有限公司、乙电子有限公司等2家企业属于首次上规企业,各奖励30万元,"
        "丙纺织有限公司、丁食品有限公司、戊包装有限公司等3家企业,各奖励10万元,总计90万元。\n某区经济局\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [
        ("甲机械有限公司", "30"),
        ("乙电子有限公司", "30"),
        ("丙纺织有限公司", "10"),
        ("丁食品有限公司", "10"),
        ("戊包装有限公司", "10"),
    ]
    assert plan.stated_total == Decimal("90") and plan.problems == ()


def test_a_count_its_names_do_not_match_is_reported_with_every_name_read() -> None:
    text = (
        "经审核,甲机械有限公司、乙电子有限公司、丙纺织有限公司等2家企业,各奖励20万元,"
        "丁食品有限公司、戊包装有限公司等2家企业,各奖励5万元,总计50万元。\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert len(plan.projects) == 5 and plan.computed_total == Decimal("70")
    assert {"count_mismatch", "total_mismatch"} <= {p.code for p in plan.problems}


# §13 A whole table flattened onto one line, its cells separated by single spaces (title, header, rows on one line):
# each word a cell, aligned to the header like any stream; a header alone on its line is not such a line.


def test_a_table_on_one_line_with_its_total_first_and_an_empty_last_column() -> None:
    text = (
        "关于某县2019年产业扶持资金分配情况的公告\n现将资金分配情况公告如下:\n"
        "某县产业扶持资金分配表 乡镇名称 分配资金(万元) 备注 合计 95 东城镇 40 西城镇 30.5 南城镇 24.5\n"
        "某县扶贫开发局\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [
        ("东城镇", "40"),
        ("西城镇", "30.5"),
        ("南城镇", "24.5"),
    ]
    assert plan.stated_total == Decimal("95") and plan.problems == ()


def test_a_table_on_one_line_with_row_numbers_and_its_total_last() -> None:
    text = "附件 序号 村名 项目名称 补助资金(万元) 1 甲村 道路硬化 12 2 乙村 渠道改造 8.5 3 丙村 路灯安装 6 合计 26.5\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [
        ("道路硬化", "12"),
        ("渠道改造", "8.5"),
        ("路灯安装", "6"),
    ]
    assert plan.stated_total == Decimal("26.5") and plan.problems == ()


def test_a_table_on_one_line_whose_rows_do_not_make_its_total_is_a_mismatch() -> None:
    text = "某县资金分配表 县区名称 资金分配额(万元) 合计 100 甲县 40 乙县 50\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲县", "40"), ("乙县", "50")]
    assert "total_mismatch" in [p.code for p in plan.problems]


# §14 A two-row header over space-separated cells: the top line's last words are groups (新建, 改建, 合计), each over
# the sub-columns the next line repeats (户数 补助资金 …); the top line's first words span both lines. A copied page
# renders each empty cell as a line break, so a row's filled cells stand on lines separated by blank lines; the
# figures are placed by those breaks only where every number column then adds up to the total row.

TWO_ROW_HEADER = (
    "某县2022年农村危房改造补助资金计划表\n单位:万元\n序号 乡镇 新建 改建 合计\n"
    "户数 补助资金 户数 补助资金 总户数 补助资金\n"
)


def test_a_two_row_header_over_rows_with_empty_groups_as_blank_lines() -> None:
    text = TWO_ROW_HEADER + "1 东城镇\n\n2 5 2 5\n2 西城镇 1 3 1 2 2 5\n3 南城镇 1 3\n\n1 3\n合 计 2 6 3 7 5 13\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("东城镇", "5"), ("西城镇", "5"), ("南城镇", "3")]
    assert plan.stated_total == Decimal("13") and plan.problems == ()


def test_two_empty_groups_in_a_row_are_four_line_breaks() -> None:
    text = TWO_ROW_HEADER + "1 东城镇\n\n\n\n4 10\n2 西城镇 1 3\n\n1 3\n合计 1 3 0 0 5 13\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("东城镇", "10"), ("西城镇", "3")]
    assert plan.stated_total == Decimal("13") and plan.problems == ()


def test_a_one_row_header_with_an_empty_cell_as_a_line_break() -> None:
    text = "某县2023年道路养护资金分配表\n单位:万元\n序号 乡镇 省级资金 县级资金 合计\n"
    text += "1 东城镇\n5 5\n2 西城镇 10 2 12\n合计 10 7 17\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("东城镇", "5"), ("西城镇", "12")]
    assert plan.stated_total == Decimal("17") and plan.problems == ()


def test_gaps_that_put_figures_where_the_column_totals_disagree_are_refused() -> None:
    # The breaks say 东城镇's figures are 改建's, the total row says 新建's: where they belong is not certain.
    text = TWO_ROW_HEADER + "1 东城镇\n\n2 5 2 5\n2 西城镇 1 3 1 2 2 5\n合计 3 8 1 2 4 10\n"
    with pytest.raises(ParseError):
        parse_bytes(text.encode(), "notice.txt")


# §15 A flattened table whose number columns and the next row's 序号 run together (…有限公司8020.52西城县…): the next
# 序号 is the end of the run before the row's first text; the numbers are split where every row's split at once adds
# up to the total row (or the notice's total); where no split or several do, the table is refused.

GLUED_NOTICE = "关于2023年企业贷款贴息资金拟下达项目的公示附件:贷款贴息项目计划表(单位:万元)"
GLUED_HEADER = "序号县(市、区)项目单位申请金额拟下达金额"
GLUED_NOTE = "补助标准:按实际发生利息的百分之五十给予补助,单个企业最高不超过一百万元。"


def test_numbers_run_into_the_next_row_number_are_split_by_the_total_row() -> None:
    rows_text = "1东城县甲机械有限公司8020.52西城县乙电子有限公司4012.53南城县丙纺织有限公司50.4517.5合计50.5"
    plan = parse_bytes((GLUED_NOTICE + GLUED_HEADER + rows_text + GLUED_NOTE).encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [
        ("甲机械有限公司", "20.5"),
        ("乙电子有限公司", "12.5"),
        ("丙纺织有限公司", "17.5"),
    ]
    assert plan.stated_total == Decimal("50.5") and plan.problems == ()


def test_run_together_numbers_no_split_of_which_adds_up_are_refused() -> None:
    rows_text = "1东城县甲机械有限公司1052西城县乙电子有限公司203合计9"
    with pytest.raises(ParseError, match="run together"):
        parse_bytes((GLUED_NOTICE + GLUED_HEADER + rows_text + GLUED_NOTE).encode(), "notice.txt")


def test_a_fragment_after_the_last_rows_figures_is_left_unread_and_said() -> None:
    rows_text = "1东城县甲机械有限公司8020.52西城县乙电子有限公司4012.57合计33"
    plan = parse_bytes((GLUED_NOTICE + GLUED_HEADER + rows_text + GLUED_NOTE).encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("甲机械有限公司", "20.5"), ("乙电子有限公司", "12.5")]
    assert plan.stated_total == Decimal("33") and [p.code for p in plan.problems] == ["left_unread"]


def test_run_together_numbers_the_sums_split_in_several_ways_are_refused() -> None:
    # Twenty rows of 123.4556.78: ten rows read 123.455 | 6.78 and one 123.4 | 556.78 add up as well as 56.78 each.
    firms = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
    rows_text = "".join(f"{i}东城县{firms[i - 1]}机械有限公司123.4556.78" for i in range(1, 21)) + "合计1135.6"
    with pytest.raises(ParseError, match="several ways"):
        parse_bytes((GLUED_NOTICE + GLUED_HEADER + rows_text + GLUED_NOTE).encode(), "notice.txt")
    nine = "".join(f"{i}东城县{firms[i - 1]}机械有限公司123.4556.78" for i in range(1, 10)) + "合计511.02"
    plan = parse_bytes((GLUED_NOTICE + GLUED_HEADER + nine + GLUED_NOTE).encode(), "notice.txt")
    assert [str(p.amount) for p in plan.projects] == ["56.78"] * 9 and plan.problems == ()


# §11 Money in the text grouped by thousands (1,250.5万元, 3,500万元): a comma inside a number is no clause break.

THOUSANDS_IN_PROSE = {
    "total-decides-the-unit": (
        "某镇2023年耕地保护补贴发放情况\n共发放补贴资金 1,250.5 万元,已全部发放到位。\n"
        "村名 | 应补贴户数 | 补贴系统数 |\n东村 | 10 | 5000000 |\n西村 | 20 | 7505000 |\n合计 | 30 | 12505000 |\n",
        [("东村", "500"), ("西村", "750.5")],
    ),
    "list-inside-the-sentence": (
        "关于下达某县2023年饮水安全资金的通知\n各乡镇:\n"
        "现将2023年饮水安全资金共计3,500万元下达给你们,其中:东城镇2,000万元、西城镇1,500万元。\n某县财政局\n",
        [("东城镇", "2000"), ("西城镇", "1500")],
    ),
    "labelled-lines-in-yuan": (
        "现将省级专项资金12,000,000元下达给你们。\n甲区:省级专项资金4,000,000元;\n"
        "乙区:省级专项资金8,000,000元。\n资金用途:用于基础设施建设。\n",
        [("甲区", "400"), ("乙区", "800")],
    ),
}


@pytest.mark.parametrize("member", sorted(THOUSANDS_IN_PROSE))
def test_money_in_the_text_grouped_by_thousands(member: str) -> None:
    text, expected = THOUSANDS_IN_PROSE[member]
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == expected
    assert plan.stated_total == sum((Decimal(a) for _, a in expected), Decimal(0)) and plan.problems == ()
    ungrouped = parse_bytes(text.replace(",0", "0").replace(",5", "5").encode(), "notice.txt")
    assert [(p.name, p.amount) for p in ungrouped.projects] == [(p.name, p.amount) for p in plan.projects]


# §12 A unit of money spread by typesetting (万 元, 千　元) means 万元, in the text, a header and a cell.

SPREAD_UNIT = {
    "in-the-text": "关于下达某县2023年饮水安全资金的通知\n各乡镇:\n"
    "现将2023年饮水安全资金共计350万 元下达给你们,其中:东城镇200万 元、西城镇150万 元。\n某县财政局\n",
    "in-the-header": "某县2023年饮水安全资金分配表\n序号 | 乡镇 | 金额(万 元) |\n1 | 东城镇 | 200 |\n"
    "2 | 西城镇 | 150 |\n合计 | | 350 |\n",
    "in-the-cells": "某县2023年饮水安全资金分配表\n序号 | 乡镇 | 金额 |\n1 | 东城镇 | 200万　元 |\n"
    "2 | 西城镇 | 150万 元 |\n合计 | | 350万 元 |\n",
}


@pytest.mark.parametrize("member", sorted(SPREAD_UNIT))
def test_a_unit_spread_by_spaces_is_the_unit(member: str) -> None:
    plan = parse_bytes(SPREAD_UNIT[member].encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("东城镇", "200"), ("西城镇", "150")]
    assert plan.unit == "万元" and plan.stated_total == Decimal("350") and plan.problems == ()
    in_yuan = parse_bytes(SPREAD_UNIT[member].replace("万", "").encode(), "notice.txt")
    assert [p.amount for p in in_yuan.projects] == [Decimal("0.02"), Decimal("0.015")]


# §13 A two-row header whose first-row cells span both rows (序号, 项目名称 over rowspan or a vertical merge) and a
# money group over its sub-columns (资金来源 over 中央资金 / 省级资金 / 小计): the spanning cells are the first row's.

TWO_ROW_SPANS = [
    ["序号", "乡镇", "项目名称", "资金来源（万元）", None, None],
    [None, None, None, "中央资金", "省级资金", "小计"],
    ["1", "城关镇", "城关至河口道路养护", "300", "100", "400"],
    ["2", None, "城关镇东环路养护", "200", "80", "280"],
    ["3", "河口乡", "河口至石门道路养护", "350", "250", "600"],
    ["合计", None, None, "850", "430", "1280"],
]
# (first row, first col, last row, last col), 0-based: the header's three, the group, a town over two rows, 合计.
TWO_ROW_MERGES = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 5), (2, 1, 3, 1), (5, 0, 5, 2)]
TWO_ROW_TITLE = "关于下达2024年农村公路养护资金的通知"


def _two_row_html() -> bytes:
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in TWO_ROW_MERGES}
    covered = {(r, c) for r0, c0, r1, c1 in TWO_ROW_MERGES for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    rows = []
    for r, row in enumerate(TWO_ROW_SPANS):
        tds = []
        for c, text in enumerate(row):
            if (r, c) in covered and (r, c) not in spans:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            tds.append(f'<td rowspan="{rowspan}" colspan="{colspan}">{text or ""}</td>')
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return (f"<html><body><h1>{TWO_ROW_TITLE}</h1><table>{''.join(rows)}</table></body></html>").encode()


def _two_row_docx() -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(TWO_ROW_TITLE)
    table = document.add_table(rows=len(TWO_ROW_SPANS), cols=6)
    for r, row in enumerate(TWO_ROW_SPANS):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for r0, c0, r1, c1 in TWO_ROW_MERGES:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _two_row_xlsx() -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([TWO_ROW_TITLE])
    for row in TWO_ROW_SPANS:
        sheet.append(row)
    for r0, c0, r1, c1 in TWO_ROW_MERGES:
        sheet.merge_cells(start_row=r0 + 2, start_column=c0 + 1, end_row=r1 + 2, end_column=c1 + 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make"), [("n.html", _two_row_html), ("n.docx", _two_row_docx), ("n.xlsx", _two_row_xlsx)]
)
def test_header_cells_spanning_two_header_rows_over_a_money_group(name: str, make: Callable[[], bytes]) -> None:
    plan = parse_bytes(make(), name)
    assert [(p.name, str(p.amount)) for p in plan.projects] == [
        ("城关至河口道路养护", "400"),
        ("城关镇东环路养护", "280"),
        ("河口至石门道路养护", "600"),
    ]
    assert plan.stated_total == Decimal("1280") and plan.problems == ()


# §14 A 小计 or 合计 standing as a row's name, after the place it totals (一 | 东县 | 小计 | 500): a total row, checked
# against its rows, never a project.

NAMED_SUBTOTALS = (
    "关于下达2022年高标准农田建设补助资金的通知\n单位:万元\n"
    "序号|县区|项目名称|补助资金\n一|东县|小计|500\n1|东县|东乡高标准农田|300\n2|东县|北乡高标准农田|200\n"
    "二|西县|小计|{west}\n3|西县|西乡高标准农田|250\n4|西县|南乡高标准农田|200\n|合计||950\n"
)


@pytest.mark.parametrize("separator", ["\t", " | ", "  "])
def test_a_subtotal_named_in_the_name_column_is_no_project(separator: str) -> None:
    text = NAMED_SUBTOTALS.format(west="450").replace("|", separator)
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [p.name for p in plan.projects] == ["东乡高标准农田", "北乡高标准农田", "西乡高标准农田", "南乡高标准农田"]
    assert plan.stated_total == plan.computed_total == Decimal("950") and plan.problems == ()
    wrong = parse_bytes(NAMED_SUBTOTALS.format(west="460").replace("|", separator).encode(), "notice.txt")
    assert [p.code for p in wrong.problems] == ["subtotal_mismatch"]


# §15 Numbered items announced by a colon on the line of the sentence stating their whole (分配如下:一、城关镇120万元;
# 二、…): the items are rows and the sentence before them states the total.


@pytest.mark.parametrize(("first", "second"), [("一、", "二、"), ("(1)", "(2)"), ("1.", "2.")])
def test_numbered_items_after_the_colon_of_the_sentence_stating_their_whole(first: str, second: str) -> None:
    text = (
        "关于下达2023年农村饮水安全维修养护资金的通知\n各乡镇人民政府:\n"
        f"现将2023年农村饮水安全维修养护资金200万元分配如下:{first}城关镇120万元;{second}河口乡80万元。\n"
        "请按规定使用。\n某县财政局\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇", "120"), ("河口乡", "80")]
    assert plan.stated_total == Decimal("200") and plan.problems == ()


# §16 Money by level of government side by side (中央 | 省级 | 县级), each column with its own total: each is a part of
# the allocation, none the whole. Without a column of their sum the choice is said to be unverified; with one, the
# sum is the allocation.


@pytest.mark.parametrize(
    "levels", [("中央资金", "省级资金", "县级资金"), ("省级资金", "市级资金"), ("中央资金", "区级资金")]
)
def test_parallel_levels_of_money_are_parts_never_silently_the_allocation(levels: tuple[str, ...]) -> None:
    figures = [[200, 100, 20][: len(levels)], [100, 50, 10][: len(levels)]]
    totals = [a + b for a, b in zip(*figures, strict=True)]

    def table(with_sum: bool) -> str:
        head = ["序号", "项目名称", *levels, *(["合计"] if with_sum else [])]
        rows = [
            [str(n), name, *map(str, f), *([str(sum(f))] if with_sum else [])]
            for n, name, f in [(1, "产业路建设", figures[0]), (2, "线路改造", figures[1])]
        ]
        total = ["合计", "", *map(str, totals), *([str(sum(totals))] if with_sum else [])]
        return "某县2024年衔接资金分配表\n单位:万元\n" + "\n".join(" | ".join(r) for r in [head, *rows, total]) + "\n"

    parts = parse_bytes(table(False).encode(), "notice.txt")
    assert "amount_column_unverified" in [p.code for p in parts.problems]
    whole = parse_bytes(table(True).encode(), "notice.txt")
    assert [str(p.amount) for p in whole.projects] == [str(sum(figures[0])), str(sum(figures[1]))]
    assert whole.problems == ()


# §17 A table broken over pages, as a PDF's copied text keeps it: the page's number on a line of its own between two
# rows, and the header said again on the next page. The rows run on; every cell keeps its line in the file.

PAGE_BROKEN = {
    "pipe-dashes-header-again": "单位:万元\n序号 | 乡镇 | 金额 |\n1 | 城关镇 | 120 |\n2 | 河口乡 | 80 |\n— 1 —\n"
    "序号 | 乡镇 | 金额 |\n3 | 石门乡 | 50 |\n合计 | | 250 |\n",
    "spaces-form-feed": "单位:万元\n序号  乡镇  金额\n1  城关镇  120\n2  河口乡  80\n- 1 -\n\f\n序号  乡镇  金额\n"
    "3  石门乡  50\n合计    250\n",
    "cell-a-line-page-of": "单位:万元\n序号\n乡镇\n金额\n1\n城关镇\n120\n2\n河口乡\n80\n第 1 页 共 2 页\n"
    "3\n石门乡\n50\n合计\n\n250\n",
}


@pytest.mark.parametrize("member", sorted(PAGE_BROKEN))
def test_a_table_broken_over_pages_reads_on(member: str) -> None:
    text = "某县2024年农村公路养护资金分配表\n" + PAGE_BROKEN[member]
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇", "120"), ("河口乡", "80"), ("石门乡", "50")]
    assert plan.stated_total == Decimal("250") and plan.problems == ()
    lines = text.splitlines()
    for project in plan.projects:
        where = project.cells["amount"]
        assert where.line is not None and str(project.amount) in lines[where.line - 1]


# §18 A web page laid out in tables: the notice's table nested in the page's layout tables is read once, as itself,
# with the page's text around it as prose; a table nested in a data table's cell leaves the data table its rows.

_DATA_TABLE = (
    '<table border="1"><tr><td>序号</td><td>乡镇</td><td>金额（万元）</td></tr>'
    "<tr><td>1</td><td>城关镇</td><td>120</td></tr><tr><td>2</td><td>河口乡</td><td>80</td></tr>"
    '<tr><td colspan="2">合计</td><td>200</td></tr></table>'
)


@pytest.mark.parametrize("depth", [1, 2])
def test_a_table_nested_in_the_pages_layout_tables_is_read_once(depth: int) -> None:
    inner = (
        f"<p>关于下达2024年农村公路养护资金的通知</p><p>现将资金200万元下达给你们：</p>{_DATA_TABLE}<p>某县财政局</p>"
    )
    for _ in range(depth):
        inner = f'<table width="100%"><tr><td>首页 | 通知公告</td></tr><tr><td>{inner}</td></tr></table>'
    plans = plans_from_bytes(f"<html><body>{inner}<p>网站标识码：1234</p></body></html>".encode(), "n.html")
    assert len(plans) == 1
    [plan] = plans
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇", "120"), ("河口乡", "80")]
    assert plan.stated_total == Decimal("200") and plan.problems == ()


def test_a_table_in_a_data_tables_cell_leaves_the_data_table_its_rows() -> None:
    note = "<table><tr><td>新建</td><td>2公里</td></tr></table>"
    page = (
        '<html><body><p>某县2024年农村公路养护资金分配表</p><table border="1">'
        "<tr><td>序号</td><td>乡镇</td><td>金额（万元）</td><td>备注</td></tr>"
        f"<tr><td>1</td><td>城关镇</td><td>120</td><td>{note}</td></tr><tr><td>2</td><td>河口乡</td><td>80</td><td></td></tr>"
        '<tr><td colspan="2">合计</td><td>200</td><td></td></tr></table></body></html>'
    )
    [plan] = plans_from_bytes(page.encode(), "n.html")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇", "120"), ("河口乡", "80")]
    assert plan.stated_total == Decimal("200") and plan.problems == ()


# §19 The unit of money written short or inside the header's brackets with its label: 金额(万), 120万 in each cell,
# 金额（单位：万元）. Each is the unit it says.


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("金额(万)", ("120", "80", "200")),
        ("金额", ("120万", "80万", "200万")),
        ("金额（单位：万元）", ("120", "80", "200")),
    ],
)
def test_a_unit_written_short_or_labelled_in_the_header(header: str, cells: tuple[str, str, str]) -> None:
    text = (
        f"某县2024年农村公路养护资金分配表\n序号 | 乡镇 | {header} |\n1 | 城关镇 | {cells[0]} |\n"
        f"2 | 河口乡 | {cells[1]} |\n合计 | | {cells[2]} |\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇", "120"), ("河口乡", "80")]
    assert plan.unit == "万元" and plan.stated_total == Decimal("200") and plan.problems == ()
    in_yi = parse_bytes(text.replace("万", "亿").encode(), "notice.txt")
    assert [p.amount for p in in_yi.projects] == [Decimal("1200000"), Decimal("800000")]


# §20 A remark in brackets after an item's amount (城关镇:120万元(用于水厂维修)) is the item's, not the end of the list.


@pytest.mark.parametrize(
    "items",
    [
        "现下达资金如下:\n城关镇:120万元（用于水厂维修）\n河口乡:80万元（用于管网改造）\n合计:200万元\n",
        "现下达资金200万元,其中:城关镇120万元(水厂维修)、河口乡80万元(管网改造)。\n",
        "现下达资金200万元,具体为:城关镇120万元（水厂维修）;河口乡80万元。\n",
    ],
)
def test_a_remark_in_brackets_after_an_items_amount(items: str) -> None:
    text = f"关于下达2024年农村饮水安全资金的通知\n各乡镇:\n{items}某县财政局\n"
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇", "120"), ("河口乡", "80")]
    assert plan.stated_total == Decimal("200") and plan.problems == ()


# §21 Rows under an item opening with 其中 and no 序号 of their own: the item's parts, not rows, when they add up to
# it; else read as written, and the total says what is wrong. A pipe line opening with | in a table whose rows do
# not has an empty first cell.

QIZHONG_ROWS = {
    "pipe-empty-seq": "序号 | 项目 | 金额 |\n1 | 道路养护 | 120 |\n| 其中：城关镇 | {part} |\n| 河口乡 | 50 |\n"
    "2 | 桥梁维修 | 80 |\n合计 | | 200 |\n",
    "html": "<table><tr><td>序号</td><td>项目</td><td>金额</td></tr><tr><td>1</td><td>道路养护</td><td>120</td></tr>"
    "<tr><td></td><td>其中：城关镇</td><td>{part}</td></tr><tr><td></td><td>河口乡</td><td>50</td></tr>"
    "<tr><td>2</td><td>桥梁维修</td><td>80</td></tr><tr><td>合计</td><td></td><td>200</td></tr></table>",
    "tabs": "序号\t项目\t金额\n1\t道路养护\t120\n\t其中：城关镇\t{part}\n\t河口乡\t50\n2\t桥梁维修\t80\n合计\t\t200\n",
}


@pytest.mark.parametrize("member", sorted(QIZHONG_ROWS))
def test_rows_after_qizhong_under_an_item_are_its_parts(member: str) -> None:
    name = "notice.html" if member == "html" else "notice.txt"
    head = "某县2024年农村公路养护资金分配表\n单位:万元\n" if name == "notice.txt" else "<p>单位:万元</p>"
    plan = parse_bytes((head + QIZHONG_ROWS[member].format(part=70)).encode(), name)
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("道路养护", "120"), ("桥梁维修", "80")]
    assert plan.stated_total == Decimal("200") and plan.problems == ()
    wrong = parse_bytes((head + QIZHONG_ROWS[member].format(part=60)).encode(), name)
    assert len(wrong.projects) == 4 and wrong.problems  # read as written, and said


# §22 A total row's label saying the unit again (合计（万元）, 小计(万元)) is a total row.


@pytest.mark.parametrize("label", ["合计（万元）", "合 计(万元)", "总计（单位：万元）"])
def test_a_total_label_with_its_unit(label: str) -> None:
    text = (
        "某县2024年资金分配表\n单位:万元\n序号 | 县区 | 项目名称 | 补助资金 |\n一 | 东县 | 小计(万元) | 200 |\n"
        f"1 | 东县 | 城关镇水厂维修 | 120 |\n2 | 东县 | 河口乡管网改造 | 80 |\n{label} | | | 200 |\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇水厂维修", "120"), ("河口乡管网改造", "80")]
    assert plan.stated_total == Decimal("200") and plan.problems == ()


# §23 An adjustment notice (调整表): the money after the adjustment is the allocation, never what stood before it or
# the change, though each adds up to its own total.


@pytest.mark.parametrize(
    ("before", "change", "after"),
    [("原安排", "调整数", "调整后"), ("调整前金额", "增减", "调整后金额"), ("原下达资金", "调增(减)额", "调整后资金")],
)
def test_an_adjustment_notice_allocates_what_stands_after_it(before: str, change: str, after: str) -> None:
    text = (
        "2024年农村饮水安全资金调整表\n单位:万元\n"
        f"序号 | 乡镇 | {before} | {change} | {after} |\n1 | 城关镇 | 100 | 20 | 120 |\n2 | 河口乡 | 100 | -20 | 80 |\n"
        "合计 | | 200 | 0 | 200 |\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("城关镇", "120"), ("河口乡", "80")]
    assert plan.stated_total == Decimal("200") and plan.problems == ()


# §24 What was asked for (申请, 申报) is not what was granted (核定, 审定, 批复): both add up to their totals, the grant
# is the allocation.


@pytest.mark.parametrize(
    ("asked", "granted"), [("申请金额", "核定金额"), ("申报资金", "审定资金"), ("需求资金", "批复金额")]
)
def test_the_amount_granted_over_the_amount_asked(asked: str, granted: str) -> None:
    text = (
        f"2024年资金分配表\n单位:万元\n序号 | 项目名称 | {asked} | {granted} |\n1 | 水厂维修 | 150 | 120 |\n"
        "2 | 管网改造 | 100 | 80 |\n合计 | | 250 | 200 |\n"
    )
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [(p.name, str(p.amount)) for p in plan.projects] == [("水厂维修", "120"), ("管网改造", "80")]
    assert plan.stated_total == Decimal("200") and plan.problems == ()
