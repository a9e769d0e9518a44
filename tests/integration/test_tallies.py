"""The tallies the overlap queries read stay equal to a recount from the relationships through creates, new
versions that drop projects and platforms, reloads and a rebuild."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from fundgraph.audit.analytics import concentration
from fundgraph.graph import tallies
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.nxsink import from_neo4j
from fundgraph.graph.store import finish_load, read, write_plan, write_plans
from fundgraph.loaders import parse_bytes
from fundgraph.queries import catalogue, run_page
from fundgraph.synth import SynthPlan, generate, render_word_text
from tests.integration.test_analytics_agree import _duplicate_services, _same


def _elements(plan: SynthPlan, name: str) -> Any:
    return plan_elements(parse_bytes(render_word_text(plan).encode(), name))


def _stored(driver: Any, label: str = "PlatformTally", *, groups: bool = False) -> dict[str, Any]:
    """The tallies per plan year (and with ``groups``, a platform's rows over all years too)."""
    records, _, _ = driver.execute_query(
        f"MATCH (t:{label}) WHERE $groups OR t.span IS NULL RETURN t.key AS key, properties(t) AS props", groups=groups
    )
    return {r["key"]: r["props"] for r in records}


def test_tallies_stay_exact_through_versions(driver: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Three first plans a tally, so that replacing one of them must refill the list from the relationships.
    monkeypatch.setattr(tallies, "FIRST_PLANS", 3)
    plans = list(generate(900, seed=3))
    write_plans(driver, [_elements(p, f"synth-{i}.txt") for i, p in enumerate(plans)])
    assert tallies.drift(driver, "neo4j") == {}
    stored = _stored(driver)
    assert any(t["plan_count"] > 3 and len(t["plans"]) == 3 for t in stored.values())
    hub = max(stored.values(), key=lambda t: t["plan_count"])

    # A new version of the hub's first plan: half its rows gone, the others' money changed.
    first = next(i for i, p in enumerate(plans) if _elements(p, "x.txt").plan_id == hub["plans"][0])
    shorter = dataclasses.replace(
        plans[first],
        rows=[dataclasses.replace(r, amount=r.amount + 1) for r in plans[first].rows[: len(plans[first].rows) // 2]],
    )
    result = write_plan(driver, _elements(shorter, "v2.txt"))
    assert result.status == "replaced"
    assert tallies.drift(driver, "neo4j") == {}
    # A version with a single row: the platforms only its other rows named lose their tallies.
    single = dataclasses.replace(plans[first], rows=plans[first].rows[:1])
    assert write_plan(driver, _elements(single, "v3.txt")).status == "replaced"
    assert tallies.drift(driver, "neo4j") == {}
    after = _stored(driver)
    assert all(t["n"] > 0 for t in after.values())
    assert hub["key"] in after and after[hub["key"]]["plan_count"] <= hub["plan_count"]
    # The same version again changes nothing; a rebuild counts what the writes kept.
    assert write_plan(driver, _elements(single, "v3-again.txt")).status == "unchanged"
    organizations = _stored(driver, "OrganizationTally")
    assert any(t["role"] == "+" for t in organizations.values())
    platforms = _stored(driver, groups=True)
    assert tallies.rebuild(driver, "neo4j") == len(platforms) + len(organizations)
    assert _stored(driver, groups=True) == platforms and _stored(driver, "OrganizationTally") == organizations
    # What a platform's rows over all years report is duplicate_service's answer by its definition, pair by pair.
    graph = from_neo4j(driver)
    # Concentration by platform, read from the tallies' shares, is the Python definition's after the replacements.
    concentration_query = catalogue()["concentration"]
    for year in (None, 2024, 2023):
        for split in ("equal", "none"):
            params = concentration_query.bind({"by": "platform", "split": split, "year": year})
            _same(
                read(driver, concentration_query.cypher, params).rows,
                concentration(graph, "platform", year=year, split=split),
            )
    query = catalogue()["duplicate_service"]
    for year, gap in ((None, 1), (2024, 1), (2023, 1), (None, 0), (2024, 2)):
        # At the default gap the answer kept whole; at another, counted from the rows per year and work years.
        expected = _duplicate_services(graph, year, gap)
        rows = read(driver, query.cypher, query.bind({"year": year, "max_year_gap": gap})).rows
        assert {(r["platform"], r["role"]): r["project_count"] for r in rows} == {
            g: len(m) for g, m in expected.items()
        }


def test_a_project_counts_once_under_star_and_by_its_work_years(driver: Any) -> None:
    plan = next(iter(generate(30, seed=8)))
    write_plan(driver, _elements(plan, "one.txt"))
    records, _, _ = driver.execute_query(
        "MATCH (p:Project)-[c:CONCERNS]->(f:Platform) WHERE c.role <> 'hosted_on' "
        "RETURN count(DISTINCT p) AS projects, count(DISTINCT [p, f, c.role]) AS roles"
    )
    stored = _stored(driver).values()
    by_platform = sum(t["n"] for t in stored if t["role"] == "*")
    # '*' counts a project once per platform; the roles, once per role it plays.
    platforms_per_project, _, _ = driver.execute_query(
        "MATCH (p:Project)-[c:CONCERNS]->(f:Platform) WHERE c.role <> 'hosted_on' "
        "RETURN count(DISTINCT [p, f]) AS pairs"
    )
    assert by_platform == platforms_per_project[0]["pairs"]
    assert sum(t["n"] for t in stored if t["role"] != "*") == records[0]["roles"]
    assert all(t.get("years", []) == sorted(set(t.get("years", []))) for t in stored)
    assert all("years" not in t for t in stored if t["role"] == "*")  # an empty list is no property
    assert tallies.drift(driver, "neo4j") == {}


# platforms_shared_by_projects as it was before tallies: every relationship walked. The definition the tallies must
# reproduce.
SHARED_BY_WALKING = """
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[c:CONCERNS]->(f:Platform)
WHERE c.role <> 'hosted_on' AND ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
WITH f, p, pl.year AS year, collect(DISTINCT c.role) AS roles
WITH f, count(p) AS project_count, sum(p.amount_fen) AS amount_fen, collect(roles) AS roles,
     collect(DISTINCT year) AS years
WHERE project_count >= 2
RETURN f.name AS platform, project_count, amount_fen,
       COLLECT { UNWIND roles AS r UNWIND r AS x RETURN DISTINCT x ORDER BY x } AS roles,
       COLLECT { UNWIND years AS y RETURN y ORDER BY y } AS years
ORDER BY project_count DESC, f.platform_id
"""


def _hosted_first(plan: SynthPlan) -> SynthPlan:
    """The plan with its first project hosted on (never paying for) the platform its second one pays for: a
    project that a platform's overlaps must not list, first in its plan's order."""
    first, second, *rest = plan.rows
    summary = f"本项目建设数据共享系统，部署在{second.platform}上，服务实体经济发展。"
    return dataclasses.replace(plan, rows=[dataclasses.replace(first, summary=summary), second, *rest])


def test_overlaps_from_tallies_agree_with_walking_every_relationship(driver: Any) -> None:
    plans = [_hosted_first(p) if i % 5 == 0 else p for i, p in enumerate(generate(1500, seed=4))]
    documents = [_elements(p, f"synth-{i}.txt") for i, p in enumerate(plans)]
    write_plans(driver, documents)
    some_plan = documents[7].plan_id
    shared = catalogue()["platforms_shared_by_projects"]
    services = catalogue()["duplicate_service"]
    biggest = 0
    for scope in ({}, {"year": 2024}, {"year": 2023}, {"plan_id": some_plan}):
        walked = read(driver, SHARED_BY_WALKING, {"year": None, "plan_id": None, **scope}).rows
        rows = read(driver, shared.cypher, shared.bind({**scope, "limit": 60})).rows
        assert walked, scope
        assert [{k: r[k] for k in walked[0]} for r in rows] == walked, scope
        # The first few, found through the tallies' first plans (every group, small or big, over all plans or a
        # year), are the first of the whole walk (limit > 50).
        for limit in (1, 3):
            few = read(driver, shared.cypher, shared.bind({**scope, "limit": limit})).rows
            assert [r["projects"] for r in few] == [r["projects"][:limit] for r in rows], (scope, limit)
        every = read(driver, services.cypher, services.bind({**scope, "limit": 60})).rows
        first = read(driver, services.cypher, services.bind({**scope, "limit": 1})).rows
        three = read(driver, services.cypher, services.bind({**scope, "limit": 3})).rows
        assert every or scope.get("plan_id"), scope
        assert [r["projects"] for r in first] == [r["projects"][:1] for r in every], scope
        assert [r["projects"] for r in three] == [r["projects"][:3] for r in every], scope
        # A page: counted and paged before the projects are gathered, the same rows as the whole.
        page = run_page(driver, "duplicate_service", {**scope, "limit": 1}, offset=2, limit=5)
        assert page.total == len(first) and page.rows == first[2:7], scope
        assert [r["project_count"] for r in every] == sorted((r["project_count"] for r in every), reverse=True)
        biggest = max([biggest, *(r["project_count"] for r in every), *(r["project_count"] for r in rows)])
    assert biggest > 20  # groups listed through their first plans
    hosted = read(driver, "MATCH ()-[c:CONCERNS {role: 'hosted_on'}]->() RETURN count(c) AS n", {}).rows[0]["n"]
    assert hosted > 0  # hosted projects are in the store (not every one: a first and second row may share a platform)


# organization_profile's figures and first projects as they were before tallies: every relationship walked.
PROFILE_BY_WALKING = """
MATCH (o:Organization {name: $name})
CALL (o) {
  OPTIONAL MATCH (o)-[r:APPLIED_FOR|IMPLEMENTS]->(p:Project)
  RETURN count(DISTINCT CASE type(r) WHEN 'IMPLEMENTS' THEN p END) AS implements,
         count(DISTINCT CASE type(r) WHEN 'APPLIED_FOR' THEN p END) AS applies_for,
         sum(CASE type(r) WHEN 'IMPLEMENTS' THEN p.amount_fen ELSE 0 END) AS implemented_fen,
         sum(CASE type(r) WHEN 'APPLIED_FOR' THEN p.amount_fen ELSE 0 END) AS applied_fen,
         count(DISTINCT p) AS project_count
}
CALL (o) {
  MATCH (o)-[:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(p:Project)
  WITH DISTINCT p ORDER BY p.year DESC, p.plan_id, toInteger(p.seq) LIMIT $limit
  RETURN collect(p.project_id) AS projects
}
RETURN implements, applies_for, implemented_fen, applied_fen, project_count, projects
"""


def test_organization_profiles_from_tallies_agree_with_walking(driver: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Three first plans a tally: a limit above it lists through the latest years' lists, up to the first one cut.
    monkeypatch.setattr(tallies, "FIRST_PLANS", 3)
    plans = list(generate(2500, seed=6))
    documents = [_elements(p, f"synth-{i}.txt") for i, p in enumerate(plans)]
    write_plans(driver, documents)
    # A new version of one plan, so that some lists were refilled.
    write_plan(driver, _elements(dataclasses.replace(plans[0], rows=plans[0].rows[:2]), "v2.txt"))
    names = [r["name"] for r in read(driver, "MATCH (o:Organization) RETURN o.name AS name ORDER BY name", {}).rows]
    profile = catalogue()["organization_profile"]
    busiest = 0
    for name in names:
        for limit in (1, 3, 5, 20, 60):
            [walked] = read(driver, PROFILE_BY_WALKING, {"name": name, "limit": limit}).rows
            [row] = read(driver, profile.cypher, profile.bind({"name": name, "limit": limit})).rows
            assert {k: row[k] for k in walked if k != "projects"} == {
                k: v for k, v in walked.items() if k != "projects"
            }
            assert [p["project_id"] for p in row["projects"]] == walked["projects"], (name, limit)
        busiest = max(busiest, row["project_count"])
    assert busiest > 20 * 20  # bodies listed through their first plans at every limit but the last


def test_stale_groups_are_counted_by_the_readers_until_the_load_ends(driver: Any) -> None:
    # A store whose groups were counted, then more plans and a new version written without counting them again (as
    # in the middle of a load, or after a load that stopped before its end): the old answers must not be read.
    plans = list(generate(900, seed=11))
    documents = [_elements(p, f"synth-{i}.txt") for i, p in enumerate(plans)]
    half = len(documents) // 2
    write_plans(driver, documents[:half])
    assert tallies.drift(driver, "neo4j") == {}
    write_plans(driver, documents[half:], regroup=False)
    write_plan(driver, _elements(dataclasses.replace(plans[0], rows=plans[0].rows[:1]), "v2.txt"), regroup=False)
    stale = tallies.drift(driver, "neo4j")
    assert stale and all(have == {"stale": True} for have, _ in stale.values())
    # Some stale groups hold an answer counted before (wrong now), some are new.
    records, _, _ = driver.execute_query(
        "MATCH (g:PlatformTally {stale: true}) RETURN count(g.n) AS counted, count(*) AS all"
    )
    assert 0 < records[0]["counted"] < records[0]["all"]

    shared = catalogue()["platforms_shared_by_projects"]
    services = catalogue()["duplicate_service"]

    def answers() -> list[Any]:
        graph = from_neo4j(driver)
        got = []
        for scope in ({}, {"year": 2024}):
            walked = read(driver, SHARED_BY_WALKING, {"year": None, "plan_id": None, **scope}).rows
            rows = read(driver, shared.cypher, shared.bind({**scope, "limit": 60})).rows
            assert [{k: r[k] for k in walked[0]} for r in rows] == walked, scope
            expected = _duplicate_services(graph, scope.get("year"))
            found = read(driver, services.cypher, services.bind({**scope, "limit": 60})).rows
            assert {(r["platform"], r["role"]): r["project_count"] for r in found} == {
                g: len(m) for g, m in expected.items()
            }
            got += [rows, found]
        return got

    before = answers()
    assert finish_load(driver, "neo4j") == len(stale)
    assert tallies.drift(driver, "neo4j") == {}
    # Counted, the groups give the same answers, now read whole.
    assert answers() == before
    assert finish_load(driver, "neo4j") == 0
