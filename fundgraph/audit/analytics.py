"""Concentration measures in Python, on networkx graphs built by :mod:`fundgraph.graph.nxsink`, for notebooks
without a server. They follow the ``concentration`` named query step for step and give the same rows.

>>> hhi([0.5, 0.5])
5000.0
>>> cr([0.5, 0.3, 0.2], 2)
0.8
>>> round(gini([100, 0]), 3)
0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx

from fundgraph.money import format_wan, from_fen
from fundgraph.vocabularies import hosting_role

BY = ("applicant", "implementer", "platform", "service_type", "region", "approval")


def hhi(shares: Sequence[float]) -> float:
    """Herfindahl–Hirschman index on the 0–10,000 scale, from shares that add up to 1.

    >>> hhi([1.0])
    10000.0
    """
    total = 0.0
    for share in shares:
        total += (100 * share) ** 2
    return total


def cr(shares: Sequence[float], k: int) -> float:
    """The share of the ``k`` largest groups (shares given largest first).

    >>> cr([0.6, 0.4], 5)
    1.0
    """
    total = 0.0
    for share in shares[:k]:
        total += share
    return total


def gini(amounts: Sequence[float]) -> float | None:
    """Gini coefficient of amounts given largest first; None for fewer than two groups.

    >>> gini([10, 10, 10])
    0.0
    """
    k = len(amounts)
    total = sum(amounts)
    if k < 2 or total == 0:
        return None
    weighted = 0.0
    for i, amount in enumerate(amounts):
        weighted += (k - i) * amount
    return 2.0 * weighted / (k * total) - (k + 1.0) / k


def concentration(
    graph: nx.MultiDiGraph,
    by: str = "implementer",
    *,
    year: int | None = None,
    plan_id: str | None = None,
    canonical: bool = True,
    split: str = "equal",
) -> list[dict[str, Any]]:
    """One row per group with ``group``, ``amount``, ``amount_fen``, ``share``, ``rank``, ``n``, ``total`` and the
    whole's ``hhi``, ``cr1``, ``cr3``, ``cr5``, ``gini``, ``warning`` — the rows the named query returns."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    projects = []
    for plan, attributes in graph.nodes(data=True):
        if attributes.get("label") != "Plan":
            continue
        if (year is not None and attributes.get("year") != year) or (plan_id is not None and plan != plan_id):
            continue
        projects += [p for _, p, key in graph.out_edges(plan, keys=True) if key == "ALLOCATES"]
    fen_by_group: dict[str, int] = {}
    members: dict[str, set[str]] = {}
    for project in sorted(set(projects)):
        fen = int(graph.nodes[project].get("amount_fen") or 0)  # a missing amount adds nothing, as in Cypher's sum
        groups = sorted(set(_groups(graph, project, by, canonical))) or ["(none)"]
        k = len(groups)
        for i, group in enumerate(groups):
            share = fen if split == "none" else fen // k + (1 if i < fen % k else 0)
            fen_by_group[group] = fen_by_group.get(group, 0) + share
            members.setdefault(group, set()).add(project)
    ordered = sorted(fen_by_group.items(), key=lambda item: (-item[1], item[0]))
    involved = set().union(*members.values()) if members else set()
    total = sum(int(graph.nodes[p].get("amount_fen") or 0) for p in involved)
    shares = [0.0 if total == 0 else fen / total for _, fen in ordered]
    overlapping = split == "none"
    k = len(ordered)
    warning = (
        f"only {k} groups over {len(involved)} projects: shares, HHI and Gini mean little"
        if k < 5 or len(involved) < 10
        else None
    )
    whole = {
        "total": format_wan(from_fen(total)),
        "hhi": None if overlapping else round(hhi(shares), 1),
        "cr1": None if overlapping else (shares[0] if shares else None),
        "cr3": None if overlapping else cr(shares, 3),
        "cr5": None if overlapping else cr(shares, 5),
        "gini": None if overlapping else gini([float(fen) for _, fen in ordered]),
        "warning": warning,
    }
    return [
        {
            "group": group,
            "amount": format_wan(from_fen(fen)),
            "amount_fen": fen,
            "share": share,
            "rank": rank,
            "n": len(members[group]),
            **whole,
        }
        for rank, ((group, fen), share) in enumerate(zip(ordered, shares, strict=True), start=1)
    ]


def _groups(graph: nx.MultiDiGraph, project: str, by: str, canonical: bool) -> list[str]:
    node = graph.nodes[project]
    if by == "approval":
        return [node["approval"]] if node.get("approval") is not None else []
    if by in {"applicant", "implementer"}:
        wanted = "APPLIED_FOR" if by == "applicant" else "IMPLEMENTS"
        names = []
        for org, _, data in graph.in_edges(project, data=True):
            if data.get("type") == wanted:
                names.append(_latest_name(graph, org) if canonical else data.get("as_written"))
        return [n for n in names if n is not None]
    wanted, skip = {
        "platform": ("CONCERNS", hosting_role()),
        "service_type": ("PROVIDES", None),
        "region": ("IN_REGION", None),
    }[by]
    return [
        graph.nodes[target]["name"]
        for _, target, data in graph.out_edges(project, data=True)
        if data.get("type") == wanted and (skip is None or data.get("role") != skip)
    ]


def _latest_name(graph: nx.MultiDiGraph, org: str) -> str:
    """Follow RENAMED_TO (at most five steps, as the query does) to the newest name."""
    current = org
    for _ in range(5):
        newer = [t for _, t, data in graph.out_edges(current, data=True) if data.get("type") == "RENAMED_TO"]
        if not newer:
            break
        current = newer[0]
    return str(graph.nodes[current]["name"])
