"""Named queries on the seed graph, and the read-only guard of ad-hoc Cypher."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fundgraph.errors import QueryRefused
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.guard import check_read_only, run_guarded
from fundgraph.graph.store import read, write_plan
from fundgraph.loaders import parse_path
from fundgraph.queries import catalogue
from tests.conftest import SEED_TXT, count_nodes


@pytest.fixture()
def seeded(driver: Any) -> Any:
    write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    return driver


# Queries across levels of government need notices citing each other: they run on the seed with the chain of
# tests/fixtures/chain beside it.
ACROSS_LEVELS = {"not_passed_down_in_full", "passed_down_late", "not_passed_down", "project_chain", "notices"}
CHAIN = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "chain").glob("*.txt"))


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_named_query_is_read_only_and_runs_on_the_seed(seeded: Any, name: str) -> None:
    query = catalogue()[name]
    if name in ACROSS_LEVELS:
        for path in CHAIN:
            write_plan(seeded, plan_elements(parse_path(path)))
    params = query.bind(query.example)
    check_read_only(seeded, query.cypher, params, database="neo4j")
    result = read(seeded, query.cypher, params, database="neo4j")
    assert result.rows, f"{name} returned nothing on the seed with {params}"


def test_concentration_by_implementer_on_the_seed(seeded: Any) -> None:
    query = catalogue()["concentration"]
    rows = read(seeded, query.cypher, query.bind({"by": "implementer", "year": "2024"}), database="neo4j").rows
    top = rows[0]
    assert (top["group"], top["amount"], top["amount_fen"], top["n"], top["rank"]) == (
        "广东省地方金融管理局",
        "1545.5986",
        1_545_598_600,
        6,
        1,
    )
    assert round(top["share"] * 100, 2) == 39.62
    assert top["hhi"] == 2519.4 and top["total"] == "3901"
    assert sum(r["amount_fen"] for r in rows) == 3_901_000_000
    assert abs(sum(r["share"] for r in rows) - 1) < 1e-12
    assert [r["amount"] for r in rows] == ["1545.5986", "800", "725.4014", "400", "330", "100"]
    assert round(top["cr3"], 4) == round((1545.5986 + 800 + 725.4014) / 3901, 4)
    assert top["warning"] is None


def test_concentration_by_applicant_and_approval(seeded: Any) -> None:
    query = catalogue()["concentration"]
    by_applicant = read(seeded, query.cypher, query.bind({"by": "applicant"}), database="neo4j").rows
    assert {r["group"] for r in by_applicant} == {
        "广东省地方金融管理局",
        "广东股权交易中心股份有限公司",
        "广东省融资再担保有限责任公司",
        "潮州市金融局",
        "汕尾市金融局",
        "广东省金融文化研究会",
    }
    [level] = read(seeded, query.cypher, query.bind({"by": "approval"}), database="neo4j").rows
    assert (level["group"], level["share"], level["hhi"]) == ("省级", 1.0, 10000.0)
    assert level["warning"] and "mean little" in level["warning"]


def test_reconciliation_and_pass_through(seeded: Any) -> None:
    [recon] = read(seeded, catalogue()["reconciliation"].cypher, {"year": None, "plan_id": None}).rows
    assert (recon["status"], recon["difference_fen"], recon["stated_total"]) == ("reconciles", 0, "3901")
    [row] = read(seeded, catalogue()["pass_through"].cypher, {"year": 2024, "plan_id": None}).rows
    assert (row["seq"], row["applicant"], row["implementer"]) == (
        "2",
        "潮州市金融局",
        "粤财普惠金融（潮州）融资担保股份有限公司",
    )


REFUSED = [
    "CREATE (n:Organization {org_id: 'x'})",
    "MATCH (p:Project) SET p.amount_fen = 0",
    "MATCH (p:Project) DETACH DELETE p",
    "MATCH (p:Project) REMOVE p.amount",
    "MERGE (o:Organization {org_id: 'evil'})",
    "MATCH (p:Project) FOREACH (x IN [1] | SET p.hacked = true)",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "PROFILE MATCH (n) RETURN n",
    "// a comment first\nexplain MATCH (n) RETURN n",
    "CREATE INDEX evil FOR (n:Project) ON (n.name)",
    "CALL apoc.create.node(['X'], {}) YIELD node RETURN node",
    "CALL apoc.load.json('file:///etc/hostname') YIELD value RETURN value",
    "CALL apoc.export.csv.all('/tmp/x.csv', {})",
    "CALL dbms.listConfig()",
    "UNWIND range(1, 3) AS i CALL { WITH i CREATE (:X {i: i}) } IN TRANSACTIONS RETURN 1",
    "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_writes_and_outside_access_are_refused_and_change_nothing(seeded: Any, statement: str) -> None:
    before = count_nodes(seeded)
    with pytest.raises(QueryRefused):
        run_guarded(seeded, statement, database="neo4j")
    assert count_nodes(seeded) == before
    assert read(seeded, "MATCH (p:Project) WHERE p.amount_fen = 0 OR p.hacked RETURN count(p) AS n").rows == [{"n": 0}]


def test_reads_allowed_procedures_row_cap_and_timeout(seeded: Any) -> None:
    labels = run_guarded(seeded, "CALL db.labels() YIELD label RETURN label", database="neo4j").rows
    assert {"label": "Project"} in labels
    capped = run_guarded(seeded, "UNWIND range(1, 100000000) AS i RETURN i", database="neo4j", row_cap=50)
    assert capped.truncated and len(capped.rows) == 50
    from neo4j.exceptions import Neo4jError

    # Cut off by the time limit, or by Neo4j's memory guard if that comes first; never run to the end.
    with pytest.raises(Neo4jError, match=r"(?i)timeout|terminated|MemoryPool"):
        run_guarded(
            seeded,
            "UNWIND range(1, 50000000) AS i WITH i ORDER BY i DESC RETURN sum(i) AS s",
            database="neo4j",
            timeout=0.5,
        )


def test_concentration_of_large_sums_over_many_groups_does_not_overflow(driver: Any) -> None:
    # A million projects give tens of thousands of groups and sums of 分 near 10^15: the Gini's weights times the
    # money passed a long (9.2 × 10^18) there. Here one group of 5 × 10^18 分 among 10 is enough to.
    from fundgraph.audit.analytics import gini

    amounts = [5 * 10**18] + [10**17] * 9
    driver.execute_query(
        "CREATE (pl:Plan {plan_id: 'plan-big', year: 2024, version: 'v1', computed_total_fen: reduce(t = 0, a IN "
        "$amounts | t + a), project_count: size($amounts)}) "
        "WITH pl UNWIND range(0, size($amounts) - 1) AS i "
        "CREATE (pl)-[:ALLOCATES]->(:Project {project_id: 'plan-big/' + i, plan_id: 'plan-big', year: 2024, "
        "seq: toString(i + 1), amount_fen: $amounts[i], approval: 'level ' + i})",
        amounts=amounts,
    )
    query = catalogue()["concentration"]
    rows = read(driver, query.cypher, query.bind({"by": "approval"})).rows
    assert [r["amount_fen"] for r in rows] == sorted(amounts, reverse=True)
    assert rows[0]["gini"] == pytest.approx(gini([float(a) for a in sorted(amounts, reverse=True)]), rel=1e-12)


def test_search_finds_the_words_as_written_in_names_then_texts_then_any_of_them(driver: Any) -> None:
    # 融资平台 is the bigrams 融资 资平 平台: a query of them alone ranks text with only some of them among the
    # hits. The phrase in a name comes first, then in a description, and the looser matches only fill what those
    # leave of the limit.
    driver.execute_query(
        "UNWIND $names AS name CREATE (:Platform {platform_id: 'platform:' + name, name: name})",
        names=["甲市融资平台", "乙市中小企业融资平台", "融资服务的平台", "平台运维", "无关系统"],
    )
    driver.execute_query("CREATE (:Project {project_id: 'p/1', name: '系统建设', summary: '接入丙县融资平台的数据'})")
    driver.execute_query("CALL db.awaitIndexes(60)")
    query = catalogue()["search"]

    def search(q: str, limit: int) -> list[tuple[str, str]]:
        rows = read(driver, query.cypher, query.bind({"q": q, "limit": limit}), database="neo4j").rows
        return [(row["name"], row["match"]) for row in rows]

    found = search("融资平台", 10)
    assert sorted(found[:2]) == [("乙市中小企业融资平台", "name"), ("甲市融资平台", "name")]
    assert found[2] == ("系统建设", "text")
    assert {match for _, match in found[3:]} == {"words"}
    assert {name for name, _ in found[3:]} == {"融资服务的平台", "平台运维"}
    assert [match for _, match in search("融资平台", 2)] == ["name", "name"]
    assert search("融资平台", 3)[2] == ("系统建设", "text")
    assert search("中小企业融资平台", 1) == [("乙市中小企业融资平台", "name")]
    # Lucene syntax is the user's: run as given, one kind of match.
    assert {name for name, _ in search("融资 AND 服务", 10)} == {"融资服务的平台"}
    assert {match for _, match in search('"市融资"', 10)} == {"words"}
    assert search("无关系统", 10)[0] == ("无关系统", "name") and search("没有这个", 10) == []
