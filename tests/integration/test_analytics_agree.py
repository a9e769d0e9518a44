"""Cypher and Python give the same concentration rows, on the seed and on generated plans."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest

from fundgraph.audit.analytics import BY, concentration
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.nxsink import to_networkx
from fundgraph.graph.store import read, write_plan
from fundgraph.loaders import parse_bytes, parse_path
from fundgraph.money import to_fen
from fundgraph.queries import catalogue
from fundgraph.synth import generate, render_word_text
from tests.conftest import SEED_TXT
from tests.unit.test_entities import PLAN_2025


@pytest.fixture(scope="module")
def corpus(session_driver: Any) -> tuple[Any, Any]:
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    plans = [parse_path(SEED_TXT), parse_path(PLAN_2025)]
    plans += [parse_bytes(render_word_text(p).encode(), f"synth-{i}.txt") for i, p in enumerate(generate(150, seed=11))]
    documents = [plan_elements(plan) for plan in plans]
    for elements in documents:
        write_plan(session_driver, elements)
    return session_driver, to_networkx(documents)


def _same(cypher_rows: list[dict[str, Any]], python_rows: list[dict[str, Any]]) -> None:
    assert len(cypher_rows) == len(python_rows)
    for ours, theirs in zip(cypher_rows, python_rows, strict=True):
        for key in ("group", "amount", "amount_fen", "rank", "n", "total", "warning"):
            assert ours[key] == theirs[key], (key, ours, theirs)
        for key in ("share", "hhi", "cr1", "cr3", "cr5", "gini"):
            if ours[key] is None or theirs[key] is None:
                assert ours[key] is theirs[key], (key, ours, theirs)
            else:
                assert ours[key] == pytest.approx(theirs[key], rel=1e-9, abs=1e-9), (key, ours, theirs)


@pytest.mark.parametrize(("by", "split", "canonical"), list(itertools.product(BY, ["equal", "none"], [True, False])))
def test_cypher_and_python_agree(corpus: tuple[Any, Any], by: str, split: str, canonical: bool) -> None:
    driver, graph = corpus
    query = catalogue()["concentration"]
    for year in (None, 2024, 2023):
        params = query.bind({"by": by, "split": split, "canonical": canonical, "year": year})
        cypher_rows = read(driver, query.cypher, params, database="neo4j").rows
        python_rows = concentration(graph, by, year=year, canonical=canonical, split=split)
        _same(cypher_rows, python_rows)
        if split == "equal" and cypher_rows:  # an exact split: groups add up to the whole, to the 分
            assert sum(r["amount_fen"] for r in cypher_rows) == to_fen(Decimal(cypher_rows[0]["total"]))
            assert abs(sum(r["share"] for r in cypher_rows) - 1) < 1e-9


def test_the_seed_figures_in_python(corpus: tuple[Any, Any]) -> None:
    _, graph = corpus
    rows = concentration(graph, "implementer", year=2024)
    seed_plan = parse_path(SEED_TXT).plan_id
    seed_rows = concentration(graph, "implementer", plan_id=seed_plan)
    assert (seed_rows[0]["group"], seed_rows[0]["amount"], seed_rows[0]["hhi"]) == (
        "广东省地方金融管理局",
        "1545.5986",
        2519.4,
    )
    assert round(seed_rows[0]["share"] * 100, 2) == 39.62
    assert rows  # the generated 2024 plans are there too


def _duplicate_services(graph: Any, year: int | None, gap: int = 1) -> dict[tuple[str, str], set[str]]:
    """duplicate_service by its definition, pair by pair: the projects with a neighbour in work years."""
    plan_of = {p: plan for plan, p, key in graph.edges(keys=True) if key == "ALLOCATES"}
    groups: dict[tuple[str, str], list[tuple[str, set[int]]]] = {}
    for project, platform, data in graph.edges(data=True):
        if data.get("type") != "CONCERNS" or data["role"] not in {
            "builds",
            "operates",
            "maintains",
            "secures",
            "upgrades",
        }:
            continue
        plan = graph.nodes[plan_of[project]]
        years = set(graph.nodes[project].get("years_named") or []) or {plan["year"]}
        groups.setdefault((graph.nodes[platform]["name"], data["role"]), []).append((project, years))
    found = {}
    for group, members in groups.items():
        listed = {
            p
            for p, years in members
            if any(q != p and any(abs(a - b) <= gap for a in years for b in others) for q, others in members)
        }
        scoped = year is None or any(graph.nodes[plan_of[p]]["year"] == year for p in listed)
        if len(listed) > 1 and scoped:
            found[group] = listed
    return found


@pytest.mark.parametrize("year", [None, 2024, 2023])
def test_duplicate_service_agrees_with_pairing_every_project(corpus: tuple[Any, Any], year: int | None) -> None:
    driver, graph = corpus
    query = catalogue()["duplicate_service"]
    expected = _duplicate_services(graph, year)
    rows = read(driver, query.cypher, query.bind({"year": year}), database="neo4j").rows
    assert expected, "the corpus should hold duplicate services"
    assert {(r["platform"], r["role"]): r["project_count"] for r in rows} == {g: len(m) for g, m in expected.items()}
    plan_of = {p: plan for plan, p, key in graph.edges(keys=True) if key == "ALLOCATES"}
    for row in rows:
        members = expected[(row["platform"], row["role"])]
        listed = {f"{p['plan_id']}/{p['seq']}" for p in row["projects"]}
        assert listed == {f"{plan_of[p]}/{graph.nodes[p]['seq']}" for p in members}
        assert row["work_years"] == sorted({y for p in row["projects"] for y in p["years"]})


def test_duplicate_service_counts_every_project_and_lists_the_first_few(corpus: tuple[Any, Any]) -> None:
    driver, _ = corpus
    query = catalogue()["duplicate_service"]
    whole = read(driver, query.cypher, query.bind({}), database="neo4j").rows
    short = read(driver, query.cypher, query.bind({"limit": 2}), database="neo4j").rows
    assert any(r["project_count"] > 2 for r in whole)
    for full, cut in zip(whole, short, strict=True):
        assert (cut["platform"], cut["role"], cut["project_count"], cut["work_years"]) == (
            full["platform"],
            full["role"],
            full["project_count"],
            full["work_years"],
        )
        assert cut["projects"] == full["projects"][:2]
