"""The bulk load's tally counter keeps a count and the first plans, not every plan id, and says so when a plan
comes twice."""

from __future__ import annotations

import random

import pytest

from fundgraph.graph.elements import Edge, GraphElements, Node
from fundgraph.graph.tallies import FIRST_PLANS, Counter


def _plan(plan_id: str, projects: int) -> GraphElements:
    plan = GraphElements(plan_id, "v1", f"doc-{plan_id}")
    plan.nodes.append(Node("Plan", plan_id, {"year": 2024}))
    plan.nodes.append(Node("Platform", "platform:x", {"name": "X"}))
    for i in range(projects):
        plan.nodes.append(Node("Project", f"{plan_id}/{i}", {"year": 2024, "amount_fen": 100 + i}))
        plan.edges.append(Edge("CONCERNS", f"{plan_id}/{i}", "platform:x", {"role": "maintains"}))
    return plan


def test_plans_arriving_in_any_order_give_their_count_and_the_first_by_id() -> None:
    ids = [f"plan-{i:04d}" for i in range(3 * FIRST_PLANS + 7)]
    random.Random(3).shuffle(ids)
    counter = Counter()
    for n, plan_id in enumerate(ids):
        counter.add(_plan(plan_id, 1 + n % 3))  # several projects of one plan count the plan once
    rows = {key: props for _, key, props in counter.nodes()}
    row = rows["platform:x|2024|*|"]
    assert row["plan_count"] == len(ids)
    assert row["plans"] == sorted(ids)[:FIRST_PLANS]
    assert row["n"] == sum(1 + n % 3 for n in range(len(ids)))


def test_a_plan_counted_twice_is_refused() -> None:
    counter = Counter()
    counter.add(_plan("plan-a", 2))
    with pytest.raises(ValueError, match="plan-a counted twice"):
        counter.add(_plan("plan-a", 2))
