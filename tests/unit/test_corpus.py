"""Real published notices (tests/fixtures/corpus, from ../shared/data/corpus with its expected.json) read as a careful
reader reads them: every complete document exact (amounts to the 分, row count, stated total, mismatch reported, names
as written), every cut one faithful (no amount that is not in the document, `truncated` reported).

The rules are those of ../shared/tools/score_corpus.py, applied to `fundgraph parse --json` run in this process.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fundgraph.cli import app
from fundgraph.errors import FundgraphError

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
TO_WAN = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": Decimal(10000)}

# Documents fundgraph refuses although a careful reader gets something out of them, and why: each is asserted to be
# refused cleanly (exit 2, the file named), so a change in behaviour shows here.
# None today: the last (11_chaozhou, a spreadsheet dumped as text) is read by its rows' totals.
REFUSED: set[str] = set()


def wan(value: object, unit: str) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(str(value)) * TO_WAN[unit]).normalize()


def squash(text: object) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def parse_json(path: Path) -> tuple[int, Any, str]:
    """Exit code, JSON and output of `fundgraph parse PATH --json`; a FundgraphError exits as `fundgraph` does."""
    result = CliRunner().invoke(app, ["parse", str(path), "--json"])
    if isinstance(result.exception, FundgraphError):
        return result.exception.exit_code, None, str(result.exception)
    data = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, data, result.output


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_document(name: str) -> None:
    exp = EXPECTED[name]
    unit = exp.get("unit", "万元")
    complete = exp.get("complete", True) or exp.get("table_rows_complete", False)
    code, data, output = parse_json(CORPUS / name)
    if name in REFUSED or (code == 2 and exp.get("accept_refusal")):
        assert code == 2 and name in output, output
        return
    assert code == 0, output
    plans = data["plans"] if isinstance(data, dict) and "plans" in data else [data]
    projects = [p for plan in plans for p in plan["projects"]]
    got = [Decimal(p["amount"]).normalize() if p["amount"] is not None else None for p in projects]
    codes = [problem["code"] for plan in plans for problem in plan["problems"]]
    if not complete:
        pool = Counter(a for a in (wan(x, unit) for x in exp.get("amounts", [])) if a is not None)
        pool.update(wan(x, unit) for x in exp.get("amount_alternatives", []))
        assert projects, "a cut document still gives the complete rows it holds"
        read = Counter(a for a in got if a is not None)
        assert not read - pool, f"amounts not in the document: {read - pool}"
        assert "truncated" in codes
        return
    if "amounts" in exp:
        assert Counter(got) == Counter(wan(a, unit) for a in exp["amounts"])
    assert len(projects) == exp["rows"]
    stated = [wan(plan["stated_total"], "万元") for plan in plans]
    if exp.get("stated_total") is not None:
        assert wan(exp["stated_total"], unit) in stated
    if exp.get("mismatch") is not None:
        assert ("total_mismatch" in codes) == exp["mismatch"]
    for field, key in (("names", "name"), ("applicants", "applicant"), ("implementers", "implementer")):
        if field in exp:
            want = Counter(squash(x) for x in exp[field] if x is not None)
            assert not want - Counter(squash(p[key]) for p in projects), f"{field} missing"


def test_several_tables_give_one_plan_each_with_their_own_titles_and_ids() -> None:
    code, data, output = parse_json(CORPUS / "32_guangyuan-culture-funds-2013-three-tables-cell-per-line-TRUNCATED.txt")
    assert code == 0, output
    plans = data["plans"]
    assert [p["table"] for p in plans] == [1, 2, 3]
    assert [p["title"] for p in plans] == [
        t["title"]
        for t in EXPECTED["32_guangyuan-culture-funds-2013-three-tables-cell-per-line-TRUNCATED.txt"]["tables"]
    ]
    assert len({p["plan_id"] for p in plans}) == 3
    # Table 1's header is two rows flattened: the allocation is the last column, each row 省补助合计 − 代扣小计.
    assert [p["amount"] for p in plans[0]["projects"]] == ["62.11", "57.76", "61.51", "53.44"]
    assert plans[0]["stated_total"] == "234.82"


def test_a_region_row_with_its_subtotal_is_the_group_of_the_rows_under_it() -> None:
    _, data, _ = parse_json(CORPUS / "32_guangyuan-culture-funds-2013-three-tables-cell-per-line-TRUNCATED.txt")
    table2 = data["plans"][1]
    assert [(p["amount"], p["extra"].get("group")) for p in table2["projects"]] == [("30", "广元市")]


def test_money_not_in_cny_keeps_its_currency() -> None:
    code, data, _ = parse_json(CORPUS / "21_taiwan-central-subsidies-2001-box-drawing-thousand-ntd-TRUNCATED.txt")
    assert code == 0
    assert (data["unit"], data["currency"]) == ("千元", "TWD")
    assert data["stated_total"] == "17010584.5"  # 170,105,845 千元 in 万


def test_explain_says_which_column_is_the_amount_and_why() -> None:
    result = CliRunner().invoke(
        app, ["parse", str(CORPUS / "25_jiyuan-gov-investment-2021-category-prose-4cols-TRUNCATED.txt"), "--explain"]
    )
    assert result.exit_code == 0, result.output
    assert "本批安排资金" in result.output and "adds up to the stated total" in result.output
    assert "prose-lines" in result.output


def test_a_spreadsheet_dumped_as_text_is_read_by_its_rows_totals() -> None:
    """The row boundaries and empty cells are gone; each row's amount is its figure that adds up the ones before it.
    市实验学校 shows -0.18 then 0.18: nothing adds up, so its amount is missing (not 0.18), its figures kept."""
    code, data, output = parse_json(CORPUS / "11_chaozhou-student-aid-2018-comma-sep-float-noise-TRUNCATED.txt")
    assert code == 0, output
    rows = {p["name"]: p for p in data["projects"]}
    assert rows["市绵德中学"]["amount"] == "38" and rows["湘桥区"]["amount"] == "87.66"
    assert rows["市实验学校"]["amount"] is None
    assert rows["市实验学校"]["extra"]["数字(照录)"] == "-0.180000152587891 0.18"
    assert data["stated_total"] == "787.14" and data["computed_total"] == "787.32"
    problems = {p["code"]: p["message"] for p in data["problems"]}
    assert "市实验学校" in problems["amount_missing"]
    assert "附件1.1" in problems["truncated"]
    assert "stands before its rows" in problems["subtotal_mismatch"]
    # Not a mismatch (expected.json: mismatch false): the missing amount would have to be -0.18, which is said.
    assert "total_mismatch" not in problems and "only if they add up to -0.18" in problems["total_unverified"]
    explained = CliRunner().invoke(
        app, ["parse", str(CORPUS / "11_chaozhou-student-aid-2018-comma-sep-float-noise-TRUNCATED.txt"), "--explain"]
    )
    assert "read as comma-dump" in explained.output and "each row's amount is its total" in explained.output
