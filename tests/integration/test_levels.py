"""Money followed down the levels of government in the real Neo4j: a generated chain of notices (fundgraph.synth,
the Ministry's to provinces, provinces' to cities, cities' to projects) gives exactly the findings planted in it,
and the same PASSED_DOWN_BY whichever order its notices are loaded in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fundgraph.audit.findings import run_findings
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import write_plan
from fundgraph.loaders import parse_path
from fundgraph.synth import CHAIN_LIMIT_DAYS, generate_chain

RULES = ["not_passed_down_in_full", "passed_down_late", "not_passed_down"]


def _files(folder: Path) -> list[Path]:
    chain = generate_chain(seed=3)
    paths = []
    for notice in chain.notices:
        path = folder / notice.name
        path.write_text(notice.text, encoding="utf-8")
        paths.append(path)
    return paths


def _passed_down(driver: Any) -> list[tuple[Any, ...]]:
    records, _, _ = driver.execute_query(
        "MATCH (p:Project)-[r:PASSED_DOWN_BY]->(plan:Plan) "
        "RETURN p.project_id AS project, plan.plan_id AS plan, properties(r) AS props ORDER BY project, plan"
    )
    return [(r["project"], r["plan"], sorted(r["props"].items())) for r in records]


def test_the_generated_chain_gives_exactly_the_planted_findings(driver: Any, tmp_path: Path) -> None:
    paths = _files(tmp_path)
    for path in paths:
        write_plan(driver, plan_elements(parse_path(path)))
    found = run_findings(driver, rules=RULES, passed_down_days=CHAIN_LIMIT_DAYS)
    got = {(f.rule, f.projects[0].name, f.details["upper_wenhao"]) for f in found}
    assert got == generate_chain(seed=3).planted
    assert len(found) == len(got)
    # Every finding cites the upper row's cell, and one across levels the lower notice's citation too.
    for finding in found:
        assert finding.evidence[0].doc_id and finding.evidence[0].line
        if finding.rule != "not_passed_down":
            assert len({e.doc_id for e in finding.evidence}) == 2
    # Each in either language from its message: the Chinese sentence has no English word in it.
    for finding in found:
        assert finding.code and finding.sentence("en") == finding.title
        assert not re.search(r"[A-Za-z]{3,}", finding.sentence("zh")), finding.sentence("zh")
    short = next(f for f in found if f.rule == "not_passed_down_in_full")
    assert short.details["difference"] == "10" and short.details["difference_fen"] == -10 * 1_000_000
    late = next(f for f in found if f.rule == "passed_down_late" and f.projects[0].name == "湖南省")
    assert late.details["days"] == 45 and late.details["rule"] == "预算法 第五十二条"
    # A longer limit: only the 45 days stay late.
    lenient = run_findings(driver, rules=["passed_down_late"], passed_down_days=44)
    assert [f.projects[0].name for f in lenient if f.rule == "passed_down_late"] == ["湖南省"]


def test_the_chain_loaded_bottom_up_and_top_down_gives_the_same_graph(driver: Any, tmp_path: Path) -> None:
    paths = _files(tmp_path)
    for path in paths:
        write_plan(driver, plan_elements(parse_path(path)))
    top_down = _passed_down(driver)
    assert len(top_down) == 6  # 2 provinces and 4 cities pass their money on
    driver.execute_query("MATCH (n) DETACH DELETE n")
    for path in reversed(paths):
        write_plan(driver, plan_elements(parse_path(path)))
    assert _passed_down(driver) == top_down


def test_a_projects_chain_back_to_the_top_as_a_frame(driver: Any, tmp_path: Path) -> None:
    import fundgraph

    paths = _files(tmp_path)
    for path in paths:
        write_plan(driver, plan_elements(parse_path(path)))
    records, _, _ = driver.execute_query(
        "MATCH (d:Document {wenhao: '长财农〔2024〕25号'})<-[:FROM_DOCUMENT]-(:Plan)-[:ALLOCATES]->(p:Project) "
        "RETURN p.project_id AS id ORDER BY id LIMIT 1"
    )
    frame = fundgraph.chain(driver, records[0]["id"])
    assert list(frame["level"]) == [-2, -1, 0]
    assert list(frame["wenhao"]) == ["财农〔2024〕12号", "湘财农〔2024〕24号", "长财农〔2024〕25号"]
    assert list(frame["name"])[:2] == ["湖南省", "长沙市"]
    assert frame["date"].iloc[0] == "2024-01-10"
