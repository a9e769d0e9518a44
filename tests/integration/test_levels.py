"""Money followed down the levels of government in the real Neo4j: a generated chain of notices (fundgraph.synth,
the Ministry's to provinces and bodies, provinces' to cities, cities' to projects), read as text, Word and PDF,
gives exactly the findings planted in it, and the same PASSED_DOWN_BY whichever order its notices are loaded in."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fundgraph.audit.findings import run_findings
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import write_plan
from fundgraph.loaders import parse_path
from fundgraph.loaders.readers.convert import soffice
from fundgraph.synth import CHAIN_FORMATS, CHAIN_LIMIT_DAYS, generate_chain, render_chain

RULES = ["not_passed_down_in_full", "passed_down_late", "not_passed_down"]
CHAIN = generate_chain(seed=3)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[Path]]:
    """The chain's notices in a format, rendered once a module (the PDFs by one LibreOffice run), top down."""
    made: dict[str, list[Path]] = {}

    def files(fmt: str) -> list[Path]:
        if fmt not in made:
            if fmt == "pdf" and soffice() is None:
                pytest.skip("the PDFs are made by LibreOffice (make formats)")
            folder = tmp_path_factory.mktemp(f"chain-{fmt}")
            for name, data in render_chain(CHAIN.notices, fmt).items():
                (folder / name).write_bytes(data)
            made[fmt] = [folder / f"{n.name}.{fmt}" for n in CHAIN.notices]
        return made[fmt]

    return files


def _passed_down(driver: Any) -> list[tuple[Any, ...]]:
    records, _, _ = driver.execute_query(
        "MATCH (up:Project)-[r:PASSED_DOWN_BY]->(plan:Plan)-[:FROM_DOCUMENT]->(d:Document) "
        "RETURN up.name AS row, d.wenhao AS lower, r.matched_by AS by, r.match_key AS key ORDER BY row, lower"
    )
    return [tuple(r.values()) for r in records]


def _load(driver: Any, paths: list[Path]) -> None:
    for path in paths:
        write_plan(driver, plan_elements(parse_path(path)))


@pytest.mark.parametrize("fmt", CHAIN_FORMATS)
def test_the_generated_chain_gives_exactly_the_planted_findings(
    driver: Any, rendered: Callable[[str], list[Path]], fmt: str
) -> None:
    _load(driver, rendered(fmt))
    found = run_findings(driver, rules=RULES, passed_down_days=CHAIN_LIMIT_DAYS)
    got = {(f.rule, f.projects[0].name, f.details["upper_wenhao"]) for f in found}
    assert got == CHAIN.planted
    assert len(found) == len(got)
    # Every finding cites the upper row's cell (a text's line, a Word or PDF table's row and column), and one across
    # levels the lower notice's citation too.
    for finding in found:
        cell = finding.evidence[0]
        assert cell.doc_id and (cell.line or (cell.row is not None and cell.col is not None)), cell
        if finding.rule != "not_passed_down":
            assert len({e.doc_id for e in finding.evidence}) >= 2
    # Each in either language from its message: the Chinese sentence has no English word in it.
    for finding in found:
        assert finding.code and finding.sentence("en") == finding.title
        assert not re.search(r"[A-Za-z]{3,}", finding.sentence("zh")), finding.sentence("zh")
    short = {f.projects[0].name: f for f in found if f.rule == "not_passed_down_in_full"}
    hunan = short["湖南省"]
    assert hunan.details["difference"] == "10" and hunan.details["difference_fen"] == -10 * 1_000_000
    assert hunan.severity == "high"
    # Passed on by the body the Ministry allocates to, matched by its name, not by its province's finance notice.
    assert short["湖南省农业农村厅"].details["difference"] == "20"
    # A city passing on the province's and the Ministry's money in one notice: against the sum of both rows.
    both = short["珠海市"]
    assert both.details["difference"] == "30" and len(both.projects) == 2
    assert "against the sum" in both.title and "按所收各行之和核对" in both.sentence("zh")
    # More than the rows it receives, but it also cites a notice not loaded: never taken for local money added.
    unloaded = next(f for f in found if f.rule == "not_reconcilable")
    assert unloaded.details["unloaded"] == ["湘财农〔2024〕30号"] and unloaded.details["difference"] == "120"
    late = next(f for f in found if f.rule == "passed_down_late" and f.projects[0].name == "湖南省")
    assert late.details["days"] == 45 and late.details["rule"] == "预算法 第五十二条"
    # The undated notice's issuer is not read: its region is the table title's, and what it leads to says so.
    guessed = [f for f in found if f.details.get("guessed")]
    assert {(f.rule, f.projects[0].name) for f in guessed} == {
        ("passed_down_more", "韶关市"),
        ("passed_down_date_unknown", "韶关市"),
    }
    assert all(f.severity == "low" and "a guess" in f.title for f in guessed)
    assert not any(f.details.get("guessed") for f in found if f not in guessed)
    body = next(f for f in found if f.rule == "not_passed_down" and f.projects[0].name == "江西省农业农村厅")
    assert body.details["body"] == "江西省农业农村厅" and body.code == "level_body_not_passed_down"
    # A longer limit: only the 45 days stay late.
    lenient = run_findings(driver, rules=["passed_down_late"], passed_down_days=44)
    assert [f.projects[0].name for f in lenient if f.rule == "passed_down_late"] == ["湖南省"]


def test_the_chain_loaded_bottom_up_and_top_down_gives_the_same_graph(
    driver: Any, rendered: Callable[[str], list[Path]]
) -> None:
    files = rendered("txt")
    _load(driver, files)
    top_down = _passed_down(driver)
    assert len(top_down) == CHAIN.links
    by = {(row, lower): how for row, lower, how, _ in top_down}
    assert by[("湖南省农业农村厅", "湘农计〔2024〕21号")] == "organization"
    assert by[("湖南省", "湘财农〔2024〕27号")] == "region"
    assert by[("韶关市", "韶财农〔2024〕25号")] == "title"
    driver.execute_query("MATCH (n) DETACH DELETE n")
    _load(driver, list(reversed(files)))
    assert _passed_down(driver) == top_down


def test_a_projects_chain_back_to_the_top_as_a_frame(driver: Any, rendered: Callable[[str], list[Path]]) -> None:
    import fundgraph

    _load(driver, rendered("txt"))
    records, _, _ = driver.execute_query(
        "MATCH (d:Document {wenhao: '长财农〔2024〕28号'})<-[:FROM_DOCUMENT]-(:Plan)-[:ALLOCATES]->(p:Project) "
        "RETURN p.project_id AS id ORDER BY id LIMIT 1"
    )
    frame = fundgraph.chain(driver, records[0]["id"])
    assert list(frame["level"]) == [-2, -1, 0]
    assert list(frame["wenhao"]) == ["财农〔2024〕12号", "湘财农〔2024〕27号", "长财农〔2024〕28号"]
    assert list(frame["name"])[:2] == ["湖南省", "长沙市"]
    assert frame["date"].iloc[0] == "2024-01-10"


UPPER_PROJECTS = """广东省财政厅关于下达2024年农业项目资金的通知
粤财农〔2024〕50号
各地级以上市财政局：
根据《财政部关于下达2024年农业相关转移支付资金的通知》（财农〔2024〕12号），现将资金下达。
广东省财政厅
2024年3月1日
附件
广东省2024年农业项目资金分配表
单位：万元
序号 | 项目名称 | 申报单位 | 金额 |
1 | 韶关市高标准农田建设项目 | 韶关市财政局 | 100 |
2 | 韶关市种业振兴项目 | 韶关市农业农村局 | 50 |
合计 | | | 150 |
"""
LOWER_PROJECTS = """韶关市财政局关于下达2024年农业项目资金的通知
韶财农〔2024〕60号
各县（市、区）财政局：
根据《广东省财政厅关于下达2024年农业项目资金的通知》（粤财农〔2024〕50号），现将资金下达。
韶关市财政局
2024年3月10日
附件
韶关市2024年农业项目资金分配表
单位：万元
序号 | 项目名称 | 金额 |
1 | 曲江区高标准农田建设项目 | 100 |
2 | 乐昌市种业振兴项目 | 50 |
合计 | | 150 |
"""


def test_projects_a_body_applied_for_leave_its_regions_rows_matched(driver: Any, tmp_path: Path) -> None:
    """Only a row naming the body itself makes its notice pass on that row alone: project rows the finance office
    applied for (row 1) leave the other rows of its region (row 2) passed on by its notice too."""
    for name, text in (("upper.txt", UPPER_PROJECTS), ("lower.txt", LOWER_PROJECTS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        write_plan(driver, plan_elements(parse_path(tmp_path / name)))
    assert _passed_down(driver) == [
        ("韶关市种业振兴项目", "韶财农〔2024〕60号", "region", "440200"),
        ("韶关市高标准农田建设项目", "韶财农〔2024〕60号", "organization", "org:韶关市财政局"),
    ]
    assert run_findings(driver, rules=["not_passed_down_in_full"]) == []
