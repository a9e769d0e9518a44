"""Loading plans into the real Neo4j: exact money, one transaction per document, idempotent, versioned."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fundgraph.graph import tallies
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import list_plans, plan_history, write_plan, write_plans
from fundgraph.loaders import parse_bytes, parse_path
from tests.conftest import FORMATS, SEED_DOCX, SEED_TXT, SEED_XLSX, count_nodes


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


def test_every_rendering_loads_as_the_one_plan_and_a_scan_never_replaces_its_text(driver: Any) -> None:
    write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    before = count_nodes(driver)
    cells = _rows(driver, "MATCH (p:Project) RETURN p.seq AS seq, p.name AS name ORDER BY toInteger(p.seq)")
    for name in ("seed.pdf", "seed.xls", "seed.doc", "seed.odt", "seed.rtf", "seed.ods"):
        result = write_plan(driver, plan_elements(parse_path(FORMATS / name)))
        assert result.status == "unchanged", name
    # The scan reads the same plan less surely (its names are OCR's): the text's rows stay.
    scanned = write_plan(driver, plan_elements(parse_path(FORMATS / "seed-scan.pdf")))
    assert scanned.status == "kept" and scanned.version == parse_path(SEED_TXT).version
    assert count_nodes(driver) == before
    assert _rows(driver, "MATCH (p:Project) RETURN p.seq AS seq, p.name AS name ORDER BY toInteger(p.seq)") == cells
    assert _rows(driver, "MATCH (p:Plan) RETURN p.read_confidence AS c") == [{"c": None}]


def test_a_scan_loaded_first_gives_way_to_its_text(driver: Any) -> None:
    scan = parse_path(FORMATS / "seed-scan.pdf")
    write_plan(driver, plan_elements(scan))
    [amount] = _rows(driver, "MATCH (:Plan)-[a:ALLOCATES]->(:Project {seq: '4'}) RETURN a.page AS page, a.box AS box")
    assert amount["page"] is not None and len(amount["box"]) == 4
    result = write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    assert result.status == "replaced" and result.previous_version == scan.version
    names = _rows(driver, "MATCH (p:Project) RETURN p.name AS name ORDER BY toInteger(p.seq)")
    assert [r["name"] for r in names] == [p.name for p in parse_path(SEED_TXT).projects]


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
    # Nothing orphaned but the tallies, which are connected to nothing by design and stay exact.
    lonely = "MATCH (n) WHERE NOT (n)--() AND NOT n:PlatformTally AND NOT n:OrganizationTally RETURN labels(n) AS l"
    assert _rows(driver, lonely) == []
    assert tallies.drift(driver, "neo4j") == {}


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


def _snapshot(driver: Any) -> list[Any]:
    """Every node with its properties and every relationship with its ends and properties, in a stable order."""
    nodes = _rows(
        driver,
        "MATCH (n) RETURN labels(n)[0] AS label, properties(n) AS props ORDER BY label, "
        "coalesce(n.doc_id, n.plan_id, n.project_id, n.org_id, n.platform_id, n.name, n.code, n.target_id, n.fund_id)",
    )
    edges = _rows(
        driver,
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, elementId(a) IS NOT NULL AS ok, "
        "coalesce(a.doc_id, a.plan_id, a.project_id, a.org_id, a.platform_id, a.name, a.code, a.fund_id) AS a, "
        "coalesce(b.doc_id, b.plan_id, b.project_id, b.org_id, b.platform_id, b.name, b.code, b.target_id) AS b, "
        "properties(r) AS props ORDER BY type, a, b, r.role",
    )
    for node in nodes:
        node["props"].pop("loaded_at", None)

    def order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True, ensure_ascii=False))

    return [order(nodes), order(edges)]


def test_a_group_of_new_plans_is_the_same_graph_as_one_by_one(driver: Any) -> None:
    from fundgraph.synth import generate, render_word_text

    documents = [
        plan_elements(parse_bytes(render_word_text(plan).encode(), f"plan-{i}.txt"))
        for i, plan in enumerate(generate(300, seed=7))
    ]
    assert len(documents) > 5
    for elements in documents:
        write_plan(driver, elements)
    one_by_one = _snapshot(driver)
    driver.execute_query("MATCH (n) DETACH DELETE n")
    results = write_plans(driver, documents)
    assert [r.status for r in results] == ["created"] * len(documents)
    assert _snapshot(driver) == one_by_one
    again = write_plans(driver, documents)
    assert {r.status for r in again} == {"unchanged"}
    assert _snapshot(driver) == one_by_one


def test_known_plans_and_repeats_in_a_group_get_the_answers_of_write_plan(driver: Any) -> None:
    seed = plan_elements(parse_path(SEED_TXT))
    write_plan(driver, seed)
    text = SEED_TXT.read_text(encoding="utf-8")
    revised = plan_elements(parse_bytes(text.replace("\t3901\n", "\t3902\n").encode(), "v2.txt"))
    from fundgraph.synth import generate, render_word_text

    new = [plan_elements(parse_bytes(render_word_text(p).encode(), f"n{i}.txt")) for i, p in enumerate(generate(60))]
    results = write_plans(driver, [new[0], seed, new[1], revised, new[0], *new[2:]])
    statuses = [r.status for r in results]
    assert statuses[:5] == ["created", "unchanged", "created", "replaced", "unchanged"]
    assert set(statuses[5:]) == {"created"}
    [plan] = _rows(driver, "MATCH (p:Plan {plan_id: $id}) RETURN p.stated_total AS total", id=seed.plan_id)
    assert plan == {"total": "3902"}


def test_a_group_gives_way_when_one_of_its_plans_was_written_meanwhile(driver: Any) -> None:
    from fundgraph.graph.store import _Contended, _write_new_plans_tx
    from fundgraph.synth import generate, render_word_text

    documents = [
        plan_elements(parse_bytes(render_word_text(p).encode(), f"c{i}.txt")) for i, p in enumerate(generate(60))
    ]
    write_plan(driver, documents[1])
    before = count_nodes(driver)
    with driver.session() as session, pytest.raises(_Contended):
        session.execute_write(_write_new_plans_tx, documents, 5_000)
    assert count_nodes(driver) == before, "the group's transaction was rolled back whole"


def test_a_document_with_several_tables_loads_one_plan_each(driver: Any) -> None:
    from fundgraph.loading import load_paths
    from tests.unit.test_corpus import CORPUS

    notice = CORPUS / "32_guangyuan-culture-funds-2013-three-tables-cell-per-line-TRUNCATED.txt"
    results = load_paths(driver, [notice]).loaded
    assert [(r.status, r.projects) for r in results] == [("created", 4), ("created", 1), ("created", 3)]
    rows = _rows(
        driver,
        "MATCH (d:Document)<-[:FROM_DOCUMENT]-(p:Plan)-[a:ALLOCATES]->(:Project) "
        "RETURN p.plan_id AS plan, count(DISTINCT d) AS docs, sum(a.amount_fen) AS fen ORDER BY fen DESC",
    )
    assert [(r["docs"], r["fen"]) for r in rows] == [(1, 234_820_000), (1, 192_000_000), (1, 30_000_000)]
    assert len({r["plan"] for r in rows}) == 3
    again = load_paths(driver, [notice]).loaded
    assert [r.status for r in again] == ["unchanged"] * 3


def test_a_missing_amount_loads_as_missing_not_zero(driver: Any) -> None:
    text = "| 序号 | 项目名称 | 金额（万元） |\n| 1 | 甲 | 10 |\n| 2 | 乙 | |\n| 合计 | | 10 |\n"
    write_plan(driver, plan_elements(parse_bytes(text.encode(), "blank.md")))
    rows = _rows(
        driver,
        "MATCH (:Plan)-[a:ALLOCATES]->(p:Project) RETURN p.name AS name, p.amount_fen AS fen, "
        "a.amount_fen AS edge ORDER BY name",
    )
    assert rows == [{"name": "乙", "fen": None, "edge": None}, {"name": "甲", "fen": 10_000_000, "edge": 10_000_000}]
