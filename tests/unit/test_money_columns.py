"""Several money columns: the one that adds up to its total is the allocation only when no other adds up as well,
or when its header says more surely that it is this notice's money. Otherwise the reading says the choice is
unverified (a recipe settles it): a reading chosen because it reconciles must also make sense."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from fundgraph.loaders import parse_plans
from fundgraph.loaders.model import Plan


def _plan(tmp_path: Path, header: str, rows: list[str], total: str) -> Plan:
    path = tmp_path / "t.txt"
    text = "某专项资金分配表\n单位：万元\n" + header + "\n" + "\n".join(rows) + "\n" + total + "\n"
    path.write_text(text, encoding="utf-8")
    [plan] = parse_plans(path)
    return plan


def test_two_columns_that_both_add_up_leave_the_choice_unverified(tmp_path: Path) -> None:
    plan = _plan(
        tmp_path,
        "|序号|项目名称|补助资金|奖励资金|",
        ["|1|甲项目|100|20|", "|2|乙项目|50|30|"],
        "|合计||150|50|",
    )
    assert [p.code for p in plan.problems] == ["amount_column_unverified"]
    assert plan.status == "unverified"


def test_the_column_named_as_this_notices_money_wins_without_a_doubt(tmp_path: Path) -> None:
    plan = _plan(
        tmp_path,
        "|序号|项目名称|已下达资金|本次下达资金|",
        ["|1|甲项目|100|20|", "|2|乙项目|50|30|"],
        "|合计||150|50|",
    )
    assert [p.amount for p in plan.projects] == [Decimal(20), Decimal(30)]
    assert plan.problems == () and plan.status == "verified"


def test_one_column_that_adds_up_is_verified(tmp_path: Path) -> None:
    plan = _plan(
        tmp_path,
        "|序号|项目名称|补助资金|奖励资金|",
        ["|1|甲项目|100|20|", "|2|乙项目|50|30|"],
        "|合计||150|60|",
    )
    assert [p.amount for p in plan.projects] == [Decimal(100), Decimal(50)]
    assert plan.status == "verified"
