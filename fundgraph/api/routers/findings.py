from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from fundgraph.api.deps import Reader, StoreDep
from fundgraph.api.models import ERRORS, Page
from fundgraph.audit.findings import run_findings
from fundgraph.jsonable import to_jsonable

router = APIRouter(tags=["findings"], responses=ERRORS)


@router.get("/findings", response_model=Page, summary="The red-flag findings, most severe first, citing cells")
def findings(
    store: StoreDep,
    _: Reader,
    year: Annotated[int | None, Query(examples=[2024])] = None,
    plan_id: str | None = None,
    severity: Literal["high", "medium", "low"] | None = None,
    rule: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Page:
    rules = None if rule is None else [rule]
    found = [
        f.as_dict()
        for f in run_findings(
            store.driver, year=year, plan_id=plan_id, database=store.database, rules=rules, severity=severity
        )
    ]
    return Page(items=to_jsonable(found[offset : offset + limit]), total=len(found), offset=offset, limit=limit)
