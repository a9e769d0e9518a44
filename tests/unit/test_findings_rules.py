"""Findings rules driven without Neo4j: a rule is a pure function of the rows its named queries return."""

from __future__ import annotations

from typing import Any

import pytest

from fundgraph.audit.findings import Evidence, apply_rules, select_rules
from fundgraph.errors import BadParameter

SHARED = {
    "platform": "浙江省公共数据平台",
    "platform_source": "discovered",
    "project_count": 2,
    "amount_fen": 590_000_000,
    "roles": ["integrates", "operates"],
    "years": [2024],
    "projects": [
        {
            "plan_id": "p",
            "year": 2024,
            "seq": seq,
            "project": name,
            "amount": amount,
            "roles": roles,
            "as_written": "浙江省公共数据平台",
            "field": "summary",
            "evidence": "…",
            "doc_id": "d",
            "row": row,
            "col": 5,
            "line": None,
        }
        for seq, name, amount, roles, row in (
            ("2", "浙政钉移动办公平台功能升级项目", "380.5", ["integrates"], 3),
            ("4", "浙江省公共数据平台数据治理（2023年）项目", "210", ["operates"], 5),
        )
    ],
}


class FakeRows:
    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.rows = rows
        self.asked: list[str] = []
        self.filters: dict[str, Any] = {"year": None, "plan_id": None}

    def query(self, name: str, **extra: Any) -> list[dict[str, Any]]:
        self.asked.append(name)
        return self.rows.get(name, [])

    def evidence(self, doc_id: str | None, row: Any, col: Any, line: Any, text: str | None) -> Evidence:
        return Evidence(doc_id, "notice.txt", row, col, line, text)


def test_a_rule_is_a_function_of_its_rows() -> None:
    source = FakeRows({"platforms_shared_by_projects": [SHARED]})
    [finding] = apply_rules(source, rules=["platform_shared"])
    assert finding.rule == "platform_shared" and finding.severity == "medium"
    assert [p.seq for p in finding.projects] == ["2", "4"]
    assert "590 万元" in finding.title and "not yet reviewed" in finding.title
    assert [(e.row, e.col) for e in finding.evidence] == [(3, 5), (5, 5)]
    assert source.asked == ["platforms_shared_by_projects"]


def test_rules_are_chosen_before_any_runs() -> None:
    source = FakeRows({"platforms_shared_by_projects": [SHARED]})
    assert apply_rules(source, severity="high") == []
    assert "platforms_shared_by_projects" not in source.asked  # a medium-only rule is never run for high
    with pytest.raises(BadParameter, match="unknown rule"):
        select_rules(["no_such_rule"])
    with pytest.raises(BadParameter, match="unknown severity"):
        select_rules(severity="urgent")


def test_every_query_of_a_findings_run_has_its_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """An audit is a batch: each rule's query gets the run's own limit (600 s unless told), not the interactive 30 s
    that a 1M store's whole duplicate-service list passed on a busy machine."""
    from fundgraph.audit import findings
    from fundgraph.graph.store import QueryResult

    limits: list[float] = []

    def read(driver: Any, query: str, parameters: Any = None, **options: Any) -> QueryResult:
        limits.append(options["timeout"])
        return QueryResult([], [])

    class Driver:
        def execute_query(self, *args: Any, **kwargs: Any) -> tuple[list[dict[str, Any]], None, None]:
            return [{"ids": []}], None, None

    monkeypatch.setattr(findings, "read", read)
    findings.run_findings(Driver(), year=2024, timeout=123.0)  # type: ignore[arg-type]
    assert len(limits) >= len(findings.RULES) and set(limits) == {123.0}
    limits.clear()
    findings.run_findings(Driver(), year=2024)  # type: ignore[arg-type]
    assert set(limits) == {findings.FINDINGS_TIMEOUT_S} and findings.FINDINGS_TIMEOUT_S > 30
