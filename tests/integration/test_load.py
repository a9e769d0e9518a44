"""Loading plans into the real Neo4j: exact money, one transaction per document, idempotent, versioned."""

from __future__ import annotations

from typing import Any

import pytest

from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import list_plans, plan_history, write_plan
from fundgraph.loaders import parse_bytes, parse_path
from tests.conftest import SEED_DOCX, SEED_TXT, SEED_XLSX, count_nodes


def _rows(driver: Any, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query, params)
    return [r.data() for r in records]


def test_seed_loads_with_exact_amounts_and_its_organisations(driver: Any) -> None:
    result = write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    assert result.status == "created"
    rows = _rows(
        driver,
        "MATCH (:Plan)-[a:ALLOCATES]->(p:Project) RETURN p.seq AS seq, p.amount AS amount, "
        "p.amount_fen AS fen, a.amount_fen AS edge_fen ORDER BY toInteger(p.seq)",
    )
    assert len(rows) == 11
    assert rows[3] == {"seq": "4", "amount": "725.4014", "fen": 725_401_400, "edge_fen": 725_401_400}
    [cell] = _rows(
        driver, "MATCH (:Plan)-[a:ALLOCATES]->(:Project {seq: '4'}) RETURN a.row AS row, a.col AS col, a.line AS line"
    )
    assert cell == {
        "row": 5,
        "col": 7,
        "line": SEED_TXT.read_text(encoding="utf-8").splitlines().index("\t725.4014") + 1,
    }
    [total] = _rows(driver, "MATCH (p:Project) RETURN sum(p.amount_fen) AS fen")
    assert total["fen"] == 3_901_000_000
    column_orgs = "MATCH (o:Organization) WHERE (o)-[:APPLIED_FOR|IMPLEMENTS]->() RETURN count(o) AS n"
    assert _rows(driver, column_orgs) == [{"n": 7}]
    [bureau] = _rows(
        driver,
        "MATCH (o:Organization {name: '广东省地方金融管理局'}) "
        "RETURN count{(o)-[:APPLIED_FOR]->()} AS applied, count{(o)-[:IMPLEMENTS]->()} AS impl",
    )
    assert bureau == {"applied": 6, "impl": 6}
    [edge] = _rows(
        driver,
        "MATCH (o)-[r:IMPLEMENTS]->(p:Project {seq: '2'}) RETURN r.as_written AS name, "
        "r.row AS row, r.col AS col, r.line AS line, r.doc_id AS doc",
    )
    assert edge == {
        "name": "粤财普惠金融（潮州）融资担保股份有限公司",
        "row": 3,
        "col": 4,
        "line": 32,
        "doc": parse_path(SEED_TXT).doc_id,
    }
    [plan] = list_plans(driver, "neo4j")
    assert (plan["year"], plan["projects"], plan["stated_total"], plan["fund"]) == (
        2024,
        11,
        "3901",
        "促进经济高质量发展专项资金",
    )


def test_loading_again_in_any_format_changes_nothing(driver: Any) -> None:
    write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    before = count_nodes(driver)
    for path in (SEED_TXT, SEED_DOCX, SEED_XLSX):
        result = write_plan(driver, plan_elements(parse_path(path)))
        assert result.status == "unchanged" and result.counters == {}
    assert count_nodes(driver) == before


def test_a_new_version_replaces_the_old_projects_without_orphans(driver: Any) -> None:
    write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    text = SEED_TXT.read_text(encoding="utf-8")
    # Version 2: project 5 (the only one implemented by 广东省金融文化研究会) is withdrawn, and the total restated.
    start = text.index("\t5\n\t新时代广东金融文化建设研究项目")
    end = text.index("\t6\n\t省地方金融监管局")
    revised = (text[:start] + text[end:]).replace("\t3901\n", "\t3801\n")
    result = write_plan(driver, plan_elements(parse_bytes(revised.encode(), "v2.txt")))
    assert result.status == "replaced" and result.previous_version == parse_path(SEED_TXT).version
    assert _rows(driver, "MATCH (p:Project) RETURN count(p) AS n") == [{"n": 10}]
    assert _rows(driver, "MATCH (o:Organization {name: '广东省金融文化研究会'}) RETURN count(o) AS n") == [{"n": 0}]
    column_orgs = "MATCH (o:Organization) WHERE (o)-[:APPLIED_FOR|IMPLEMENTS]->() RETURN count(o) AS n"
    assert _rows(driver, column_orgs) == [{"n": 6}]
    [plan] = _rows(driver, "MATCH (p:Plan) RETURN p.stated_total AS total")
    assert plan == {"total": "3801"}
    [change] = plan_history(driver, result.plan_id, "neo4j")
    assert (change["from"], change["to"]) == (parse_path(SEED_TXT).version, result.version)
    assert change["removed"] == [{"seq": "5", "name": "新时代广东金融文化建设研究项目", "amount": "100"}]
    assert change["added"] == [] and change["changed"] == []
    assert _rows(driver, "MATCH (n) WHERE NOT (n)--() RETURN labels(n) AS l") == []


def test_a_plan_whose_total_disagrees_loads_with_its_problem(driver: Any) -> None:
    text = SEED_TXT.read_text(encoding="utf-8").replace("\t3901\n", "\t3900\n")
    write_plan(driver, plan_elements(parse_bytes(text.encode(), "mismatch.txt")))
    [plan] = _rows(
        driver,
        "MATCH (p:Plan) RETURN p.stated_total_fen AS stated, p.computed_total_fen AS computed, p.problems AS problems",
    )
    assert (plan["stated"], plan["computed"]) == (3_900_000_000, 3_901_000_000)
    assert '"code": "total_mismatch"' in plan["problems"][0]


def test_a_write_that_fails_half_way_leaves_nothing(driver: Any) -> None:
    """One transaction per document: a failure after earlier batches ran rolls all of them back."""
    from neo4j.exceptions import ClientError

    from fundgraph.graph.elements import Node

    elements = plan_elements(parse_path(SEED_TXT))
    # Written last (Target is the last label), after Document, Plan, Project and Organization batches: Neo4j
    # cannot store a map as a property value, so the transaction fails there.
    elements.nodes.append(Node("Target", "t-bad", {"text": {"not": "storable"}}))
    with pytest.raises(ClientError, match=r"(?i)property values"):
        write_plan(driver, elements, batch_size=2)
    assert count_nodes(driver) == 0


def test_the_same_rows_read_by_another_build_are_refreshed(driver: Any) -> None:
    """New extraction code or reference data must reach plans already loaded, without a version entry."""
    write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    before = count_nodes(driver)
    driver.execute_query("MATCH (p:Plan) SET p.build = 'an older build'")
    driver.execute_query("MATCH (:Project {seq: '7'})-[c:CONCERNS]->() DELETE c")  # what an older build lacked
    result = write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    assert result.status == "refreshed" and result.changes == {}
    assert count_nodes(driver) == before
    assert _rows(driver, "MATCH (:Project {seq: '7'})-[c:CONCERNS]->() RETURN count(c) AS n") == [{"n": 1}]
    assert _rows(driver, "MATCH (p:Plan) RETURN p.history AS h") == [{"h": None}]
    assert write_plan(driver, plan_elements(parse_path(SEED_TXT))).status == "unchanged"
