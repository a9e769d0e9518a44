"""Forms of allocation written by hand here, as other places publish them (not copies of the corpus): numbered items
with inline keys, 以下N家企业各奖励 groups, name:amount lists, a cell-per-line table with group headings and 小计."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fundgraph.errors import ParseError
from fundgraph.loaders import parse_bytes


def read(text: str) -> list[tuple[str, str, str | None]]:
    plan = parse_bytes(text.encode(), "notice.txt")
    return [(p.name, str(p.amount), p.implementer) for p in plan.projects]


def test_numbered_items_with_inline_keys() -> None:
    text = """关于下达2023年某县农村公路建设资金的通知
现将2023年农村公路建设资金共计360万元下达给你们,具体项目如下:
1.城关镇至李家村道路硬化工程 投资:120万元 实施单位:城关镇人民政府
2.王庄乡桥梁维修加固工程 投资:90万元 实施单位:王庄乡人民政府
3.东坪镇安防工程 投资:150万元 实施单位:县交通运输局
请严格资金管理,专款专用。
"""
    assert read(text) == [
        ("城关镇至李家村道路硬化工程", "120", "城关镇人民政府"),
        ("王庄乡桥梁维修加固工程", "90", "王庄乡人民政府"),
        ("东坪镇安防工程", "150", "县交通运输局"),
    ]
    plan = parse_bytes(text.encode(), "notice.txt")
    assert plan.stated_total == Decimal("360") and plan.problems == ()


def test_each_of_the_following_bodies_gets_the_same_amount() -> None:
    text = """关于2023年度工业企业技术改造奖励资金的公示
经审核,拟对以下企业给予奖励,共计奖励资金95万元:
一、对浙江华星机械有限公司奖励30万元;
二、以下5家企业各奖励10万元:杭州恒达电子有限公司、杭州美联纺织有限公司、杭州德胜包装有限公司、杭州新安化工有限公司、杭州天宇食品有限公司;
三、对杭州光明照明有限公司奖励15万元。
"""
    rows = read(text)
    assert [(n, a) for n, a, _ in rows] == [
        ("浙江华星机械有限公司", "30"),
        *[
            (n, "10")
            for n in (
                "杭州恒达电子有限公司",
                "杭州美联纺织有限公司",
                "杭州德胜包装有限公司",
                "杭州新安化工有限公司",
                "杭州天宇食品有限公司",
            )
        ],
        ("杭州光明照明有限公司", "15"),
    ]


def test_a_group_whose_list_does_not_match_its_count_is_not_guessed() -> None:
    text = """奖励资金共计40万元:
一、对甲机械有限公司奖励20万元;
二、以下3家企业各奖励10万元:乙电子有限公司、丙纺织有限公司;
"""
    plan = parse_bytes(text.encode(), "notice.txt")
    assert [p.name for p in plan.projects] == ["甲机械有限公司"]
    assert "total_mismatch" in [p.code for p in plan.problems]


def test_a_list_of_name_colon_amount() -> None:
    text = (
        "2022年省级林业改革发展资金分配情况\n我市获得资金共计218.5万元,分配如下:\n"
        "东城区:45.5万元;西城区:62万元;南山区:38万元;北湖区:73万元。\n"
    )
    assert read(text) == [
        ("东城区", "45.5", None),
        ("西城区", "62", None),
        ("南山区", "38", None),
        ("北湖区", "73", None),
    ]


TABLE = """附件
2024年度乡村振兴衔接资金项目安排表
单位:万元
序号
项目名称
实施单位
补助资金(万元)
备注
一、产业发展类
1
张村蔬菜大棚建设项目
张村村委会
50
2
李村茶叶加工厂项目
李村村委会
30
小计
80
二、基础设施类
3
王村道路硬化项目
王村村委会
40
合计
120
"""


def test_cell_per_line_with_group_headings_and_subtotals() -> None:
    plan = parse_bytes(TABLE.encode(), "table.txt")
    assert [(p.name, str(p.amount), p.extra.get("group")) for p in plan.projects] == [
        ("张村蔬菜大棚建设项目", "50", "一、产业发展类"),
        ("李村茶叶加工厂项目", "30", "一、产业发展类"),
        ("王村道路硬化项目", "40", "二、基础设施类"),
    ]
    assert plan.stated_total == Decimal("120") and plan.problems == ()


def test_a_subtotal_that_disagrees_with_its_rows_is_reported_not_fixed() -> None:
    plan = parse_bytes(TABLE.replace("\n50\n", "\n55\n").encode(), "table.txt")
    assert [p.amount for p in plan.projects] == [Decimal(55), Decimal(30), Decimal(40)]
    assert [p.code for p in plan.problems] == ["subtotal_mismatch", "total_mismatch"]


def test_numbers_run_together_that_no_total_decides_are_refused() -> None:
    text = (
        "附件:资助计划序号企业名称镇街立项金额(万元)上期拨付(万元)本期拨付(万元)"
        "1东莞市某某科技有限公司企石40032.36合计40032.36。\n"
    )
    with pytest.raises(ParseError) as caught:
        parse_bytes(text.encode(), "flat.txt")
    assert "run together" in caught.value.message


NOTICES = Path(__file__).resolve().parent.parent / "fixtures" / "notices"


@pytest.mark.parametrize(
    ("name", "rows", "total"),
    [
        ("total-first-two-money-columns.md", [("龙川县", "600"), ("紫金县", "500"), ("和平县", "400")], "1500"),
        (
            "space-separated-yuan.txt",
            [("2023年智能农机研发项目", "20"), ("新型建材关键技术研究", "15.00005"), ("5G工业互联网应用示范", "30")],
            "65.00005",
        ),
        ("items-per-place.txt", [("东山镇", "120"), ("西河乡", "90"), ("南坪镇", "60")], "270"),
        (
            "cell-per-line-fullwidth-unit.txt",
            [
                ("2024年非遗数字化保护项目", "80"),
                ("“书香城市”全民阅读推广项目", "45.5"),
                ("历史文化街区改造提升（二期）", "120"),
            ],
            "245.5",
        ),
    ],
)
def test_notices_written_here_read_exactly(name: str, rows: list[tuple[str, str]], total: str) -> None:
    plan = parse_bytes((NOTICES / name).read_bytes(), name)
    assert [(p.name, str(p.amount)) for p in plan.projects] == rows
    assert str(plan.stated_total) == total and "total_mismatch" not in [p.code for p in plan.problems]


def test_an_html_page_with_two_allocation_tables_gives_two_plans() -> None:
    from fundgraph.loaders import plans_from_bytes

    page = (
        "<html><body><h2>2024年甲类资金分配表</h2><p>单位：万元</p><table>"
        "<tr><th>序号</th><th>项目名称</th><th>金额</th></tr><tr><td>1</td><td>甲项目</td><td>10</td></tr>"
        "<tr><td>合计</td><td></td><td>10</td></tr></table>"
        "<h2>2024年乙类资金分配表</h2><table>"
        "<tr><th>序号</th><th>县区</th><th>补助资金（万元）</th></tr><tr><td>1</td><td>海丰县</td><td>7</td></tr>"
        "<tr><td>2</td><td>陆丰市</td><td>3</td></tr></table></body></html>"
    )
    plans = plans_from_bytes(page.encode(), "two.html")
    assert [(p.title, [(x.name, str(x.amount)) for x in p.projects]) for p in plans] == [
        ("2024年甲类资金分配表", [("甲项目", "10")]),
        ("2024年乙类资金分配表", [("海丰县", "7"), ("陆丰市", "3")]),
    ]
    assert len({p.plan_id for p in plans}) == 2
