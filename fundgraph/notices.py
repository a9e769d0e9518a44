"""A notice's page: its chain of notices up and down (the ``chain`` query), the money passed down each link between
two of them, and the level findings that cite it. The API's /notices routes, the explorer's #/notice page and
notebooks call it.

A link's money is ``not_passed_down_in_full``'s rows where either notice is in the chain, reconciled in the groups
the level rule reconciles (:func:`fundgraph.audit.findings.level_groups`): what an upper row gave against what the
lower notices passing it on allocate, and the difference (allocated − received), exact, with the cells of both.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from neo4j import Driver

from fundgraph.audit.findings import PASSED_DOWN_DAYS, level_groups, run_findings
from fundgraph.config import LIMITS
from fundgraph.errors import BadParameter, UnknownDocument
from fundgraph.jsonable import to_jsonable
from fundgraph.loaders.notice import read_text
from fundgraph.money import format_wan
from fundgraph.queries import run_query

# The findings across levels (fundgraph/audit/findings.py) a notice's page shows where they cite it.
LEVEL_RULES = ("not_passed_down_in_full", "passed_down_late", "not_passed_down")


def wenhao_key(wenhao: str) -> str:
    """The graph's key of a 文号 however it is bracketed or written; BadParameter when the text is no 文号.

    >>> wenhao_key("粤财农[2024]30号"), wenhao_key("粤财农〔2024〕30号")
    ('粤财农|2024|30', '粤财农|2024|30')
    """
    found = read_text(wenhao.strip()).wenhao
    if found is None:
        raise BadParameter(f"{wenhao!r} is not a 文号 (发文字号) such as 粤财农〔2024〕30号")
    return found.key_text


def _wan(fen: int | None) -> str | None:
    return None if fen is None else format_wan(Decimal(fen) / 1_000_000)


def _days(upper: str | None, lower: str | None) -> int | None:
    """Days from one notice's date to the other's; None where either is missing or not a date."""
    try:
        return (datetime.date.fromisoformat(lower or "") - datetime.date.fromisoformat(upper or "")).days
    except ValueError:
        return None


def _sum(values: Iterable[Any]) -> int | None:
    """Exact fen summed, or None when any is missing: a sum with a hole in it is no sum."""
    listed = list(values)
    return None if any(v is None for v in listed) else sum(int(v) for v in listed)


def _upper_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "project_id": row["project_id"],
        "plan_id": row["plan_id"],
        "seq": row["seq"],
        "name": row["project"],
        "amount": row["amount"],
        "wenhao": row["upper_wenhao"],
        "cell": {"doc_id": row["doc_id"], "row": row["row"], "col": row["col"], "line": row["line"]},
        "text": row["amount_text"],
    }


def _lower_plan(row: dict[str, Any]) -> dict[str, Any]:
    stated = row.get("lower_total_row") is not None or row.get("lower_total_line") is not None
    return {
        "plan_id": row["lower_plan_id"],
        "doc_id": row["lower_doc_id"],
        "wenhao": row["lower_wenhao"],
        "title": row["lower_title"],
        "total": row["lower_total"],
        # The allocation's own cell: the plan's stated total where it states one, else where it cites the upper one.
        "total_cell": {
            "doc_id": row["lower_doc_id"],
            "row": row.get("lower_total_row"),
            "col": row.get("lower_total_col"),
            "line": row.get("lower_total_line"),
        }
        if stated
        else None,
        "cited_cell": {"doc_id": row["lower_doc_id"], "row": None, "col": None, "line": row["cited_line"]},
        "cited_as": row["cited_as"],
    }


def links_of(rows: list[dict[str, Any]], level_of: dict[str, int], limit_days: int) -> list[dict[str, Any]]:
    """The money passed down between each two notices of a chain (both in ``level_of``: doc_id to level), from
    ``not_passed_down_in_full``'s rows: per upper row passed on, its amount and the sums of its group (what it was
    received with, what the lower plans allocate, the difference), the other rows and plans of its group named.

    >>> row = {"plan_id": "up", "project_id": "up/1", "seq": "1", "project": "湖南省", "amount": "200",
    ...        "amount_fen": 200_000_000, "amount_text": "200", "upper_wenhao": "财农〔2024〕12号",
    ...        "upper_date": "2024-01-10", "doc_id": "U", "row": 2, "col": 3, "line": 11,
    ...        "lower_plan_id": "down", "lower_title": "t", "lower_total": "190", "lower_total_fen": 190_000_000,
    ...        "lower_doc_id": "L", "lower_wenhao": "湘财农〔2024〕22号", "lower_date": "2024-02-24",
    ...        "cited_as": "财农〔2024〕12号", "cited_line": 4}
    >>> [link] = links_of([row], {"U": -1, "L": 0}, 30)
    >>> link["days"], link["late"], [(r["amount"], r["allocated"], r["difference"]) for r in link["rows"]]
    (45, True, [('200', '190', '-10')])
    """
    links: dict[tuple[str, str], dict[str, Any]] = {}
    for group in level_groups(rows):
        uppers = {r["project_id"]: r for r in group}
        lowers = {r["lower_plan_id"]: r for r in group}
        received = _sum(r["amount_fen"] for r in uppers.values())
        allocated = _sum(r["lower_total_fen"] for r in lowers.values())
        difference = None if received is None or allocated is None else allocated - received
        touched: list[dict[str, Any]] = []
        for row in group:
            upper, lower = row["doc_id"], row["lower_doc_id"]
            if upper not in level_of or lower not in level_of:
                continue  # a notice outside the chain: its rows count in the sums and are named, not listed
            link = links.setdefault(
                (upper, lower),
                {
                    "upper": {"doc_id": upper, "wenhao": row["upper_wenhao"], "date": row["upper_date"]},
                    "lower": {"doc_id": lower, "wenhao": row["lower_wenhao"], "date": row["lower_date"]},
                    "upper_level": level_of[upper],
                    "lower_level": level_of[lower],
                    "days": _days(row["upper_date"], row["lower_date"]),
                    "limit_days": limit_days,
                    "rows": {},
                },
            )
            entry = link["rows"].setdefault(
                row["project_id"],
                {
                    **_upper_row(row),
                    "lower_plans": [],
                    "received": _wan(received),
                    "allocated": _wan(allocated),
                    "difference": _wan(difference),
                    "with_rows": [_upper_row(r) for pid, r in uppers.items() if pid != row["project_id"]],
                    "with_plans": [],
                },
            )
            entry["lower_plans"].append(_lower_plan(row))
            touched.append(entry)
        for entry in touched:
            own = {p["plan_id"] for p in entry["lower_plans"]}
            entry["with_plans"] = [_lower_plan(r) for pid, r in lowers.items() if pid not in own]
    result = []
    for link in sorted(
        links.values(), key=lambda k: (k["upper_level"], k["upper"]["wenhao"] or "", k["lower"]["wenhao"] or "")
    ):
        days = link["days"]
        rows_listed = sorted(link["rows"].values(), key=lambda r: (r["plan_id"], _seq_key(r["seq"]), r["project_id"]))
        result.append({**link, "late": days is not None and days > limit_days, "rows": rows_listed})
    return result


def _seq_key(seq: str | None) -> tuple[int, str]:
    text = seq or ""
    return (int(text), "") if text.isdigit() else (1 << 30, text)


def notice_chain(
    driver: Driver,
    doc_id: str,
    *,
    database: str | None = None,
    max_depth: int = 6,
    timeout: float = LIMITS.timeout_s,
    row_cap: int = LIMITS.row_cap,
    limit_days: int = PASSED_DOWN_DAYS,
) -> dict[str, Any]:
    """A loaded notice's page: ``notice`` (its own level), ``levels`` up (-1, -2 …) and down (1, 2 …) with their
    文号, date, issuers, doc_id when loaded and plan total; ``links``, the money passed down between each two of
    them (:func:`links_of`); ``findings``, the level findings citing it; ``truncated`` where the row cap cut the
    chain or its money. UnknownDocument when no document of that doc_id is loaded."""
    chain = run_query(
        driver,
        "chain",
        {"doc_id": doc_id, "max_depth": max_depth},
        database=database,
        timeout=timeout,
        row_cap=row_cap,
    )
    if not chain.rows:
        raise UnknownDocument(f"no notice {doc_id[:12]}… is loaded")
    levels = [{k: v for k, v in r.items() if k not in {"of", "total_fen"}} for r in chain.rows]
    level_of = {r["doc_id"]: r["level"] for r in levels if r["doc_id"]}
    money = run_query(
        driver,
        "not_passed_down_in_full",
        {"doc_ids": sorted(level_of)},
        database=database,
        timeout=timeout,
        row_cap=row_cap,
    )
    found = run_findings(driver, rules=LEVEL_RULES, database=database, timeout=timeout, passed_down_days=limit_days)
    concerning = [f.as_dict() for f in found if any(e.doc_id == doc_id for e in f.evidence)]
    result: dict[str, Any] = to_jsonable(
        {
            "notice": next(r for r in levels if r["level"] == 0),
            "levels": levels,
            "links": links_of(money.rows, level_of, limit_days),
            "findings": concerning,
            "limit_days": limit_days,
            "truncated": chain.truncated or money.truncated,
        }
    )
    return result
