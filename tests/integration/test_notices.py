"""Notices linked by their 文号 in the real Neo4j: (Document)-[:CITES]->(Document) when the cited notice is loaded,
else to its Notice placeholder, which the cited notice takes over when it comes — the same graph in either order.

The chain (tests/fixtures/chain): the Ministry's 财农〔2024〕12号 to provinces; Guangdong's 粤财农〔2024〕30号 citing
it as 财农[2024]12号; Shaoguan's 韶财农〔2024〕5号 citing Guangdong's and 财预〔2015〕163号, which is never loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fundgraph.graph.elements import GraphElements, plan_elements
from fundgraph.graph.store import write_plan, write_plans
from fundgraph.loaders import parse_path

CHAIN = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "chain").glob("*.txt"))
MOF, GD, SG = CHAIN


def _elements(path: Path) -> GraphElements:
    return plan_elements(parse_path(path))


def _cites(driver: Any) -> list[tuple[Any, ...]]:
    records, _, _ = driver.execute_query(
        "MATCH (a:Document)-[c:CITES]->(b) "
        "RETURN a.wenhao AS source, labels(b) AS labels, b.wenhao AS target, b.wenhao_key AS key, "
        "c.as_written AS as_written, c.line AS line ORDER BY source, as_written"
    )
    return [tuple(r.values()) for r in records]


def _notices(driver: Any) -> list[tuple[Any, ...]]:
    records, _, _ = driver.execute_query("MATCH (n:Notice) RETURN n.wenhao_key AS key, n.wenhao AS wenhao ORDER BY key")
    return [tuple(r.values()) for r in records]


LINKED = [
    ("粤财农〔2024〕30号", ["Document"], "财农〔2024〕12号", "财农|2024|12", "财农[2024]12号", 4),
    ("财农〔2024〕12号", ["Notice"], "财农〔2023〕7号", "财农|2023|7", "财农〔2023〕7号", 4),
    ("韶财农〔2024〕5号", ["Document"], "粤财农〔2024〕30号", "粤财农|2024|30", "粤财农〔2024〕30号", 4),
    ("韶财农〔2024〕5号", ["Notice"], "财预〔2015〕163号", "财预|2015|163", "财预〔2015〕163号", 4),
]
LEFT = [("财农|2023|7", "财农〔2023〕7号"), ("财预|2015|163", "财预〔2015〕163号")]


def test_a_document_carries_its_notice(driver: Any) -> None:
    write_plan(driver, _elements(GD))
    records, _, _ = driver.execute_query(
        "MATCH (d:Document) RETURN d.wenhao AS wenhao, d.wenhao_key AS key, d.date AS date, d.issuers AS issuers"
    )
    assert [r.data() for r in records] == [
        {"wenhao": "粤财农〔2024〕30号", "key": "粤财农|2024|30", "date": "2024-02-20", "issuers": ["广东省财政厅"]}
    ]


def test_top_down_and_bottom_up_give_the_same_chain(driver: Any) -> None:
    for path in CHAIN:
        assert write_plan(driver, _elements(path)).status == "created"
    assert _cites(driver) == LINKED
    assert _notices(driver) == LEFT

    driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(driver, _elements(SG))
    # Nothing it cites is loaded yet: both citations end at placeholders.
    assert _notices(driver) == [("粤财农|2024|30", "粤财农〔2024〕30号"), ("财预|2015|163", "财预〔2015〕163号")]
    write_plan(driver, _elements(GD))
    # Guangdong took over its placeholder; the one it cites waits for the Ministry's notice.
    assert _notices(driver) == [("财农|2024|12", "财农[2024]12号"), ("财预|2015|163", "财预〔2015〕163号")]
    write_plan(driver, _elements(MOF))
    assert _cites(driver) == LINKED
    assert _notices(driver) == LEFT


def test_a_group_written_at_once_and_a_reload_give_the_same_chain(driver: Any) -> None:
    documents = [_elements(path) for path in (SG, MOF, GD)]
    results = write_plans(driver, documents)
    assert {r.status for r in results} == {"created"}
    assert _cites(driver) == LINKED
    assert {r.status for r in write_plans(driver, documents)} == {"unchanged"}
    assert _cites(driver) == LINKED and _notices(driver) == LEFT


def test_the_chain_query_gives_each_level_up_and_down_with_its_date_and_total(driver: Any) -> None:
    from fundgraph.queries import run_query

    for path in (SG, MOF, GD):
        write_plan(driver, _elements(path))
    rows = run_query(driver, "chain", {"wenhao": "粤财农〔2024〕30号"}).rows
    levels = [(r["level"], r["direction"], r["wenhao"], r["date"], r["total"], r["not_loaded"]) for r in rows]
    assert levels == [
        (-2, "up", "财农〔2023〕7号", None, None, True),
        (-1, "up", "财农〔2024〕12号", "2024-01-10", "500", False),
        (0, "self", "粤财农〔2024〕30号", "2024-02-20", "300", False),
        (1, "down", "韶财农〔2024〕5号", "2024-03-15", "200", False),
    ]
    assert rows[1]["issuers"] == ["财政部"] and rows[1]["total_fen"] == 500 * 1_000_000
    shallow = run_query(driver, "chain", {"wenhao": "韶财农〔2024〕5号", "max_depth": 1}).rows
    assert [(r["level"], r["wenhao"]) for r in shallow] == [
        (-1, "粤财农〔2024〕30号"),
        (-1, "财预〔2015〕163号"),
        (0, "韶财农〔2024〕5号"),
    ]


def _passed_down(driver: Any) -> list[tuple[Any, ...]]:
    records, _, _ = driver.execute_query(
        "MATCH (up:Document)<-[:FROM_DOCUMENT]-(:Plan)-[:ALLOCATES]->(p:Project)-[r:PASSED_DOWN_BY]->(plan:Plan)"
        "-[:FROM_DOCUMENT]->(down:Document) "
        "RETURN up.wenhao AS upper, p.name AS row_name, p.amount AS amount, down.wenhao AS lower, "
        "r.matched_by AS by, r.match_key AS key, r.cited_as AS cited_as, r.cited_line AS cited_line, "
        "r.doc_id = up.doc_id AS cell_upper, r.row AS row, r.col AS col, r.line AS line ORDER BY upper"
    )
    return [tuple(r.values()) for r in records]


PASSED_DOWN = [
    (
        "粤财农〔2024〕30号",
        "韶关市",
        "200",
        "韶财农〔2024〕5号",
        "region",
        "440200",
        "粤财农〔2024〕30号",
        4,
        True,
        2,
        3,
        11,
    ),
    (
        "财农〔2024〕12号",
        "广东省",
        "300",
        "粤财农〔2024〕30号",
        "region",
        "440000",
        "财农[2024]12号",
        4,
        True,
        2,
        3,
        11,
    ),
]


def test_money_passed_down_a_level_is_linked_in_either_order(driver: Any) -> None:
    for path in CHAIN:
        write_plan(driver, _elements(path))
    assert _passed_down(driver) == PASSED_DOWN
    driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(driver, _elements(SG))
    assert _passed_down(driver) == []
    write_plan(driver, _elements(GD))
    assert _passed_down(driver) == PASSED_DOWN[:1]
    write_plan(driver, _elements(MOF))
    assert _passed_down(driver) == PASSED_DOWN
    driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plans(driver, [_elements(path) for path in (GD, SG, MOF)])
    assert _passed_down(driver) == PASSED_DOWN
