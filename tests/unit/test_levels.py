"""Money followed down the levels without Neo4j: what a lower notice is matched by (its read issuers, or only the
region its table title names: a guess), how a row to a body is matched, and what the level rules make of a guess,
of a body and of a lower notice citing one not loaded."""

from __future__ import annotations

from typing import Any

from fundgraph.audit.findings import Evidence, apply_rules
from fundgraph.graph.bulk import _allocations
from fundgraph.graph.elements import plan_elements
from fundgraph.loaders import parse_bytes

SIGNED = """广东省财政厅关于下达资金的通知
粤财农〔2024〕30号
根据《财政部关于下达资金的通知》（财农〔2024〕12号），现将资金下达。
广东省财政厅
2024年2月20日
附件
{title}
单位：万元
序号 | 地区或单位 | 金额 |
1 | 韶关市 | 200 |
2 | 广东省农业农村厅 | 100 |
3 | 华南农业大学 | 50 |
合计 | | 350 |
"""


def _document(text: str) -> dict[str, Any]:
    elements = plan_elements(parse_bytes(text.encode(), "notice.txt"))
    return next(n.props for n in elements.nodes if n.label == "Document")


def test_a_signed_notice_is_matched_by_its_issuer_never_its_title() -> None:
    doc = _document(SIGNED.format(title="清远市农业资金分配表"))
    assert doc["issuers"] == ["广东省财政厅"] and doc["issuer_regions"] == ["440000"]
    assert doc["issuer_guessed"] is False and doc["issuer_orgs"] == ["org:广东省财政厅"]


def test_without_a_read_signature_the_title_region_is_marked_a_guess() -> None:
    unsigned = SIGNED.format(title="清远市农业资金分配表").replace("广东省财政厅\n2024年2月20日\n", "")
    doc = _document(unsigned)
    assert not doc["issuers"]
    # The title names 清远市: the region a guess is made from, and flagged as one (the link is matched_by 'title').
    assert doc["issuer_regions"] == ["441800"] and doc["issuer_guessed"] is True


def test_a_row_to_a_body_is_matched_by_the_body_not_the_region_in_its_name() -> None:
    elements = plan_elements(parse_bytes(SIGNED.format(title="分配表").encode(), "notice.txt"))
    rows = {
        project.rsplit("/", 1)[1]: (regions, orgs, to_body)
        for project, regions, orgs, to_body, _ in _allocations(elements)
    }
    assert rows["1"][0] == ("440200",)  # 韶关市: the row names the region itself
    assert rows["2"] == ((), ("org:广东省农业农村厅",), True)  # the department's money, not 广东省's
    assert rows["3"][0] == () and rows["3"][2] is True


class Rows:
    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.rows = rows
        self.extra: dict[str, dict[str, Any]] = {}
        self.filters: dict[str, Any] = {"year": None, "plan_id": None}

    def query(self, name: str, **extra: Any) -> list[dict[str, Any]]:
        self.extra[name] = extra
        return self.rows.get(name, [])

    def evidence(self, doc_id: str | None, row: Any, col: Any, line: Any, text: str | None) -> Evidence:
        return Evidence(doc_id, "notice.txt", row, col, line, text)


def _passed(upper_fen: int, lower_fen: int, matched_by: str, unloaded: list[str] | None = None) -> dict[str, Any]:
    return {
        "plan_id": "up",
        "year": 2024,
        "project_id": "up/1",
        "seq": "1",
        "project": "韶关市",
        "amount": str(upper_fen // 1_000_000),
        "amount_fen": upper_fen,
        "amount_text": str(upper_fen // 1_000_000),
        "upper_wenhao": "粤财农〔2024〕30号",
        "upper_date": "2024-02-20",
        "doc_id": "u",
        "row": 1,
        "col": 3,
        "line": 11,
        "lower_plan_id": "down",
        "lower_year": 2024,
        "lower_title": "韶关市农业资金分配表",
        "lower_total": str(lower_fen // 1_000_000),
        "lower_total_fen": lower_fen,
        "lower_doc_id": "l",
        "lower_wenhao": "韶财农〔2024〕5号",
        "lower_date": "2024-05-01",
        "cited_as": "粤财农〔2024〕30号",
        "cited_line": 4,
        "matched_by": matched_by,
        "lower_cites_unloaded": unloaded or [],
        "days": 71,
    }


def test_a_shortfall_through_a_guessed_issuer_is_low_and_says_so() -> None:
    for matched_by, severity in (("region", "high"), ("title", "low")):
        [short] = apply_rules(
            Rows({"not_passed_down_in_full": [_passed(200_000_000, 150_000_000, matched_by)]}),
            rules=["not_passed_down_in_full"],
        )
        assert (short.rule, short.severity, short.details["guessed"]) == (
            "not_passed_down_in_full",
            severity,
            matched_by == "title",
        )
        assert ("a guess" in short.title) == (matched_by == "title")
        assert ("推定" in short.sentence("zh")) == (matched_by == "title")


def test_a_late_pass_through_a_guessed_issuer_is_low_and_says_so() -> None:
    [late] = apply_rules(
        Rows({"passed_down_late": [_passed(200_000_000, 200_000_000, "title")]}), rules=["passed_down_late"]
    )
    assert late.rule == "passed_down_late" and late.severity == "low" and "a guess" in late.title


def test_more_than_received_with_a_cited_notice_not_loaded_is_not_reconciled() -> None:
    rows = [_passed(200_000_000, 260_000_000, "region", unloaded=["粤财农〔2024〕31号"])]
    [finding] = apply_rules(Rows({"not_passed_down_in_full": rows}), rules=["not_passed_down_in_full"])
    assert finding.rule == "not_reconcilable" and finding.severity == "low"
    assert "粤财农〔2024〕31号" in finding.title and finding.details["unloaded"] == ["粤财农〔2024〕31号"]
    # Short stays short: money from the notice not loaded would only add to what was received.
    rows = [_passed(200_000_000, 150_000_000, "region", unloaded=["粤财农〔2024〕31号"])]
    [finding] = apply_rules(Rows({"not_passed_down_in_full": rows}), rules=["not_passed_down_in_full"])
    assert finding.rule == "not_passed_down_in_full" and finding.severity == "high"


def test_bodies_are_listed_only_of_the_kinds_the_vocabulary_says_pass_money_on() -> None:
    from fundgraph.vocabularies import vocabulary

    body = {
        "plan_id": "up",
        "year": 2024,
        "project_id": "up/2",
        "seq": "2",
        "project": "广东省农业农村厅",
        "amount": "100",
        "region": None,
        "body": "广东省农业农村厅",
        "body_kind": "government department",
        "wenhao": "粤财农〔2024〕30号",
        "doc_id": "u",
        "row": 2,
        "col": 3,
        "line": 12,
        "amount_text": "100",
    }
    source = Rows({"not_passed_down": [body]})
    [finding] = apply_rules(source, rules=["not_passed_down"])
    assert source.extra["not_passed_down"] == {"bodies": vocabulary("rules")["not_passed_down"]["bodies"]}
    assert finding.code == "level_body_not_passed_down" and finding.details["body"] == "广东省农业农村厅"
    assert "that body" in finding.title and "该单位" in finding.sentence("zh")


def test_a_run_for_one_plan_reconciles_the_groups_it_touches_whole() -> None:
    """A lower notice passing on rows of two upper plans is reconciled against both even in a run asked for one of
    them (the other's row is outside the run's plan): never a false 'more'. Groups not touching the plan are left."""
    central = _passed(200_000_000, 300_000_000, "region")
    provincial = {**_passed(100_000_000, 300_000_000, "region"), "plan_id": "up2", "project_id": "up2/1"}
    elsewhere = {**_passed(50_000_000, 10_000_000, "region"), "plan_id": "other", "project_id": "other/1"}
    elsewhere |= {"lower_plan_id": "down-other", "year": 2023, "lower_year": 2023}
    source = Rows({"not_passed_down_in_full": [central, provincial, elsewhere]})
    for scope in ({"plan_id": "up", "year": None}, {"plan_id": None, "year": 2024}):
        source.filters = scope
        assert apply_rules(source, rules=["not_passed_down_in_full"]) == []
        assert source.extra["not_passed_down_in_full"] == {"year": None, "plan_id": None}
    source.filters = {"plan_id": None, "year": 2023}
    [short] = apply_rules(source, rules=["not_passed_down_in_full"])
    assert short.rule == "not_passed_down_in_full" and [p.project_id for p in short.projects] == ["other/1"]
