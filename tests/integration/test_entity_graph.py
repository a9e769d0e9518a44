"""The entity graph on the real Neo4j: platforms with roles, lineage, regions, targets, and a later plan joining in."""

from __future__ import annotations

from typing import Any

import pytest

from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import read, write_plan
from fundgraph.loaders import parse_path
from fundgraph.loaders.entities import extract_entities
from fundgraph.queries import catalogue
from tests.conftest import SEED_TXT
from tests.unit.test_entities import PLAN_2025


def _rows(driver: Any, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query, params)
    return [r.data() for r in records]


@pytest.fixture()
def seeded(driver: Any) -> Any:
    write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    return driver


def test_platforms_with_roles_and_provenance(seeded: Any) -> None:
    rows = _rows(
        seeded,
        "MATCH (p:Project)-[c:CONCERNS]->(f:Platform {name: $name}) "
        "RETURN p.seq AS seq, collect(DISTINCT c.role) AS roles ORDER BY toInteger(seq)",
        name="广东省中小企业融资平台",
    )
    assert [(r["seq"], sorted(r["roles"])) for r in rows] == [
        ("1", ["integrates"]),
        ("6", ["maintains", "operates", "upgrades"]),
        ("7", ["maintains"]),
        ("10", ["secures"]),
        ("11", ["secures"]),
    ]
    risk = _rows(
        seeded,
        "MATCH (p:Project)-[:CONCERNS]->(:Platform {name: '广东省地方金融风险监测防控平台'}) "
        "RETURN DISTINCT p.seq AS seq ORDER BY toInteger(seq)",
    )
    assert [r["seq"] for r in risk] == ["8", "9", "11"]
    [cell] = _rows(
        seeded,
        "MATCH (:Project {seq: '10'})-[c:CONCERNS {role: 'hosted_on'}]->(f) "
        "RETURN f.name AS name, c.field AS field, c.row AS row, c.col AS col, c.evidence AS ev",
    )
    assert (cell["name"], cell["field"], cell["row"], cell["col"]) == ("广东“数字政府”政务云平台", "summary", 11, 5)
    assert "已构建在" in cell["ev"]


def test_lineage_regions_targets_and_services(seeded: Any) -> None:
    [rename] = _rows(
        seeded,
        "MATCH (a:Organization)-[r:RENAMED_TO]->(b:Organization) RETURN a.name AS old, b.name AS new, r.date AS date",
    )
    assert rename == {"old": "广东省地方金融监督管理局", "new": "广东省地方金融管理局", "date": "2024"}
    [chain] = _rows(
        seeded,
        "MATCH (:Project {seq: '1'})-[:IN_REGION]->(r:Region)-[:PART_OF*]->(top:Region) "
        "WHERE NOT (top)-[:PART_OF]->() RETURN r.name AS county, r.code AS code, top.name AS province",
    )
    assert chain == {"county": "海丰县", "code": "441521", "province": "广东省"}
    targets = _rows(
        seeded,
        "MATCH (:Project {seq: '7'})-[:HAS_TARGET]->(t:Target) "
        "RETURN t.metric AS metric, t.comparator AS cmp, t.value AS value, t.unit AS unit ORDER BY t.target_id",
    )
    assert targets[0] == {"metric": "广东省中小企业融资平台系统运行可用率", "cmp": "≥", "value": "95", "unit": "%"}
    [six] = _rows(
        seeded, "MATCH (p:Project {seq: '6'}) RETURN p.text_amounts AS amounts, p.text_amount_funding AS funding"
    )
    assert ("1197", True) in zip(six["amounts"], six["funding"], strict=True)
    services = _rows(seeded, "MATCH (:Project {seq: '2'})-[:PROVIDES]->(s:ServiceType) RETURN s.name AS name")
    assert services == [{"name": "风险补偿"}]


def test_a_later_plan_joins_the_same_nodes(seeded: Any) -> None:
    column_orgs = "MATCH (o:Organization) WHERE (o)-[:APPLIED_FOR|IMPLEMENTS]->() RETURN count(o) AS n"
    assert _rows(seeded, column_orgs) == [{"n": 7}]
    write_plan(seeded, plan_elements(parse_path(PLAN_2025)))
    # Only the old name of the bureau is a new body in the columns; it is joined to the new name by lineage.
    assert _rows(seeded, column_orgs) == [{"n": 8}]
    [exchange] = _rows(
        seeded,
        "MATCH (o:Organization {name: '广东股权交易中心股份有限公司'})-[:IMPLEMENTS]->(p) "
        "RETURN count(p) AS n, o.aliases AS aliases",
    )
    assert exchange["n"] == 2 and {"广东股交", "广东股权交易中心"} <= set(exchange["aliases"])
    sme = _rows(
        seeded,
        "MATCH (p:Project)-[:CONCERNS]->(:Platform {name: '广东省中小企业融资平台'}) "
        "RETURN DISTINCT p.year AS year, p.seq AS seq ORDER BY year, toInteger(seq)",
    )
    assert (2025, "1") in [(r["year"], r["seq"]) for r in sme]
    query = catalogue()["concentration"]
    canonical = read(seeded, query.cypher, query.bind({"by": "implementer"}), database="neo4j").rows
    assert canonical[0]["group"] == "广东省地方金融管理局" and canonical[0]["amount"] == "1805.5986"
    apart = read(seeded, query.cypher, query.bind({"by": "implementer", "canonical": "false"}), database="neo4j").rows
    assert {"广东省地方金融监督管理局": "60"}.items() <= {r["group"]: r["amount"] for r in apart}.items()


def _operators(plan: Any) -> set[str]:
    found = {plan["operatorType"].split("@")[0]}
    for child in plan.get("children", []):
        found |= _operators(child)
    return found


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("neighbourhood", {"name": "中小融"}),
        ("graph", {"name": "中小融"}),
        ("path", {"from": "广东股交", "to": "中小融"}),
        ("organization_profile", {"name": "广东股交"}),
        ("platform_profile", {"name": "中小融"}),
    ],
)
def test_lookups_by_alias_are_index_seeks(seeded: Any, name: str, params: dict[str, Any]) -> None:
    query = catalogue()[name]
    bound = query.bind(params)
    assert read(seeded, query.cypher, bound, database="neo4j").rows, f"{name} found nothing for {params}"
    with seeded.session(database="neo4j") as session:
        plan = session.run(f"EXPLAIN {query.cypher}", bound).consume().plan
    operators = _operators(plan)
    # A label scan or all-nodes scan at the start would read every organisation or platform (every node, at worst).
    scans = {op for op in operators if op in {"NodeByLabelScan", "AllNodesScan"} or "RelationshipTypeScan" in op}
    assert not scans, (name, sorted(operators))
    # What is left to find a start is a seek (index, unique index or element id): the hints in the queries pin them.


def test_alias_nodes_follow_the_entities(seeded: Any) -> None:
    named = _rows(
        seeded,
        "MATCH (a:Alias)-[:NAMES_PLATFORM]->(f:Platform {name: '广东省中小企业融资平台'}) RETURN a.name AS name",
    )
    # The canonical name and every alias the gazetteer or the text gave: the platform's own list, all indexed.
    [platform] = _rows(seeded, "MATCH (f:Platform {name: '广东省中小企业融资平台'}) RETURN f.aliases AS aliases")
    assert {r["name"] for r in named} == {"广东省中小企业融资平台", *platform["aliases"]}
    # A new build of the plan that names no platform: the platforms go, with the names that named only them.
    elements = plan_elements(parse_path(SEED_TXT))
    elements.build = "a build that finds no platform"
    elements.nodes = [n for n in elements.nodes if n.label != "Platform"]
    elements.edges = [e for e in elements.edges if e.type != "CONCERNS"]
    assert write_plan(seeded, elements).status == "refreshed"
    assert _rows(seeded, "MATCH (f:Platform) RETURN count(f) AS n") == [{"n": 0}]
    assert _rows(seeded, "MATCH (a:Alias) WHERE NOT (a)--() RETURN count(a) AS n") == [{"n": 0}]
    assert _rows(seeded, "MATCH (a:Alias)-[:NAMES_PLATFORM]->() RETURN count(a) AS n") == [{"n": 0}]
    assert _rows(seeded, "MATCH (:Alias {name: '广东股交'})-[:NAMES_ORGANIZATION]->(o) RETURN o.name AS n") == [
        {"n": "广东股权交易中心股份有限公司"}
    ]


def test_aliases_accumulate_across_writes(driver: Any) -> None:
    from fundgraph.graph.elements import GraphElements, Node

    for plan, alias in (("plan-a", "甲局"), ("plan-b", "乙局"), ("plan-c", None)):
        props = {"name": "某市某局", "aliases": [alias] if alias else None, "kind": None}
        write_plan(driver, GraphElements(plan, "v1", "d", nodes=[Node("Organization", "org-x", props)]))
    # Each write names the body its own way; none takes away what another wrote.
    assert _rows(driver, "MATCH (o:Organization {org_id: 'org-x'}) RETURN o.aliases AS a") == [{"a": ["甲局", "乙局"]}]
    named = _rows(driver, "MATCH (a:Alias)-[:NAMES_ORGANIZATION]->(:Organization {org_id: 'org-x'}) RETURN a.name AS n")
    assert sorted(r["n"] for r in named) == sorted(["甲局", "乙局", "某市某局"])


def test_a_store_from_before_the_alias_index_gets_its_names_indexed(driver: Any) -> None:
    from fundgraph.graph.store import apply_schema

    driver.execute_query("CREATE (:Organization {org_id: 'old', name: '旧局', aliases: ['旧简称']})")
    apply_schema(driver, "neo4j")
    named = _rows(driver, "MATCH (a:Alias)-[:NAMES_ORGANIZATION]->(:Organization {org_id: 'old'}) RETURN a.name AS n")
    assert sorted(r["n"] for r in named) == sorted(["旧局", "旧简称"])
    apply_schema(driver, "neo4j")  # once: a second run adds nothing
    assert len(_rows(driver, "MATCH (a:Alias) RETURN a.name AS n")) == 2


def test_no_generic_word_is_stored_as_a_platform_name(seeded: Any) -> None:
    """Every name a platform answers to (its aliases, its Alias nodes) is looked up against the one generic list: a
    lookup of 平台 or 系统平台 must not resolve to one platform."""
    from fundgraph.loaders.entities.discovery import is_generic
    from fundgraph.loaders.entities.reference import load_reference

    write_plan(seeded, plan_elements(parse_path(PLAN_2025)))
    aliases = _rows(seeded, "MATCH (p:Platform) UNWIND coalesce(p.aliases, []) AS a RETURN DISTINCT a")
    indexed = _rows(seeded, "MATCH (a:Alias)-[:NAMES_PLATFORM]->(:Platform) RETURN DISTINCT a.name AS a")
    assert aliases and indexed
    assert [r["a"] for r in aliases + indexed if is_generic(r["a"])] == []
    # The generic mentions were there to be dropped: the seed names its platforms generically too.
    mentions = load_reference().platforms.generic_mentions
    found = extract_entities(parse_path(SEED_TXT)).projects
    assert any(ref.as_written in mentions for project in found for ref in project.platforms)


def test_schema_apply_takes_generic_words_out_of_an_older_store(driver: Any) -> None:
    from fundgraph.graph.store import apply_schema, drop_generic_aliases

    driver.execute_query(
        "CREATE (p:Platform {platform_id: 'old', name: '某某监管平台', aliases: ['平台', '系统平台', '某监管平台']})"
    )
    apply_schema(driver, "neo4j")
    assert sorted(r["n"] for r in _rows(driver, "MATCH (a:Alias) RETURN a.name AS n")) == sorted(
        ["某某监管平台", "平台", "系统平台", "某监管平台"]
    )
    assert drop_generic_aliases(driver, "neo4j") == ["平台", "系统平台"]
    assert _rows(driver, "MATCH (p:Platform {platform_id: 'old'}) RETURN p.aliases AS a") == [{"a": ["某监管平台"]}]
    assert sorted(r["n"] for r in _rows(driver, "MATCH (a:Alias) RETURN a.name AS n")) == ["某某监管平台", "某监管平台"]
    assert drop_generic_aliases(driver, "neo4j") == []
