"""A notice's page shaped from query rows, no server: the money down each link reconciled in the level rule's groups,
exact to the 分, with the cells of both sides and the days against the limit (fundgraph.notices.links_of)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fundgraph.money import format_wan
from fundgraph.notices import links_of

WAN = 1_000_000  # 分 in a 万元


def _row(
    upper: str,
    project_id: str,
    amount_fen: int | None,
    lower: str,
    lower_plan: str,
    lower_total_fen: int | None,
    *,
    upper_date: str | None = "2024-01-10",
    lower_date: str | None = "2024-02-01",
    stated: bool = True,
) -> dict[str, Any]:
    """A row of ``not_passed_down_in_full``: an upper row (its cell in ``upper``) and a lower plan passing it on."""
    return {
        "plan_id": f"plan-{upper}",
        "year": 2024,
        "project_id": project_id,
        "seq": project_id.rsplit("/", 1)[1],
        "project": f"row {project_id}",
        "amount": None if amount_fen is None else format_wan(Decimal(amount_fen) / WAN),
        "amount_fen": amount_fen,
        "amount_text": "",
        "upper_wenhao": f"{upper}〔2024〕1号",
        "upper_date": upper_date,
        "doc_id": upper,
        "row": 3,
        "col": 3,
        "line": 12,
        "lower_plan_id": lower_plan,
        "lower_year": 2024,
        "lower_title": "",
        "lower_total": None,
        "lower_total_fen": lower_total_fen,
        "lower_total_row": 6 if stated else None,
        "lower_total_col": 3 if stated else None,
        "lower_total_line": 15 if stated else None,
        "lower_doc_id": lower,
        "lower_wenhao": f"{lower}〔2024〕2号",
        "lower_date": lower_date,
        "cited_as": f"{upper}〔2024〕1号",
        "cited_line": 4,
    }


def test_a_row_passed_on_short_gives_the_exact_difference_and_both_cells() -> None:
    rows = [_row("U", "plan-U/2", 1_234_567, "L", "plan-L", 1_234_566)]
    [link] = links_of(rows, {"U": -1, "L": 0}, 30)
    assert (link["upper_level"], link["lower_level"], link["days"], link["late"]) == (-1, 0, 22, False)
    [row] = link["rows"]
    assert (row["received"], row["allocated"], row["difference"]) == ("1.234567", "1.234566", "-0.000001")
    assert row["cell"] == {"doc_id": "U", "row": 3, "col": 3, "line": 12}
    [plan] = row["lower_plans"]
    assert plan["total_cell"] == {"doc_id": "L", "row": 6, "col": 3, "line": 15}
    assert plan["cited_cell"] == {"doc_id": "L", "row": None, "col": None, "line": 4}
    assert row["with_rows"] == [] and row["with_plans"] == []


def test_a_lower_notice_citing_two_upper_ones_is_reconciled_against_their_sum() -> None:
    # L passes on U's 200 and V's 100 in one plan of 290; V is not in U's chain, so only U → L is a link, but V's row
    # counts in the sum and is named.
    rows = [
        _row("U", "plan-U/1", 200 * WAN, "L", "plan-L", 290 * WAN),
        _row("V", "plan-V/1", 100 * WAN, "L", "plan-L", 290 * WAN),
    ]
    [link] = links_of(rows, {"U": 0, "L": 1}, 30)
    [row] = link["rows"]
    assert (row["amount"], row["received"], row["allocated"], row["difference"]) == ("200", "300", "290", "-10")
    assert [r["project_id"] for r in row["with_rows"]] == ["plan-V/1"]
    assert row["with_rows"][0]["wenhao"] == "V〔2024〕1号"


def test_an_upper_row_passed_on_by_two_lower_notices_is_reconciled_against_both() -> None:
    rows = [
        _row("U", "plan-U/1", 300 * WAN, "L1", "plan-L1", 200 * WAN),
        _row("U", "plan-U/1", 300 * WAN, "L2", "plan-L2", 100 * WAN, lower_date="2024-03-01"),
    ]
    links = links_of(rows, {"U": 0, "L1": 1, "L2": 1}, 30)
    assert [(k["lower"]["doc_id"], k["days"], k["late"]) for k in links] == [("L1", 22, False), ("L2", 51, True)]
    for link, other in zip(links, ("plan-L2", "plan-L1"), strict=True):
        [row] = link["rows"]
        assert (row["allocated"], row["difference"]) == ("300", "0")
        assert [p["plan_id"] for p in row["with_plans"]] == [other]


def test_a_missing_amount_is_no_difference_and_a_missing_date_no_days() -> None:
    rows = [_row("U", "plan-U/1", 100 * WAN, "L", "plan-L", None, lower_date=None, stated=False)]
    [link] = links_of(rows, {"U": 0, "L": 1}, 30)
    [row] = link["rows"]
    assert (row["received"], row["allocated"], row["difference"]) == ("100", None, None)
    assert (link["days"], link["late"]) == (None, False)
    assert row["lower_plans"][0]["total_cell"] is None  # no stated total: the citation line is the cell
    not_a_date = _row("U", "plan-U/1", WAN, "L", "plan-L", WAN, upper_date="2024-13-01")
    assert links_of([not_a_date], {"U": 0, "L": 1}, 30)[0]["days"] is None


def test_the_limit_itself_is_in_time_a_day_more_is_late() -> None:
    on_time = links_of([_row("U", "plan-U/1", WAN, "L", "plan-L", WAN, lower_date="2024-02-09")], {"U": 0, "L": 1}, 30)
    late = links_of([_row("U", "plan-U/1", WAN, "L", "plan-L", WAN, lower_date="2024-02-10")], {"U": 0, "L": 1}, 30)
    assert (on_time[0]["days"], on_time[0]["late"]) == (30, False)
    assert (late[0]["days"], late[0]["late"]) == (31, True)


def test_links_go_top_down_and_rows_by_their_number() -> None:
    rows = [
        _row("M", "plan-M/10", WAN, "U", "plan-U", WAN),
        _row("U", "plan-U/2", WAN, "L", "plan-L", WAN),
        _row("U", "plan-U/10", WAN, "L", "plan-L2", WAN),
    ]
    links = links_of(rows, {"M": -1, "U": 0, "L": 1}, 30)
    assert [(k["upper"]["doc_id"], k["lower"]["doc_id"]) for k in links] == [("M", "U"), ("U", "L")]
    assert [r["seq"] for r in links[1]["rows"]] == ["2", "10"]
