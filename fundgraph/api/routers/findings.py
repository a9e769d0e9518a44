from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from fundgraph.api.deps import Reader, StoreDep
from fundgraph.api.models import ERRORS, FindingsPage
from fundgraph.audit.findings import snapshot_findings
from fundgraph.jsonable import to_jsonable

router = APIRouter(tags=["findings"], responses=ERRORS)


@router.get("/findings", response_model=FindingsPage, summary="The red-flag findings, most severe first, citing cells")
def findings(
    store: StoreDep,
    _: Reader,
    year: Annotated[int | None, Query(examples=[2024])] = None,
    plan_id: str | None = None,
    severity: Literal["high", "medium", "low"] | None = None,
    rule: str | None = None,
    snapshot: Annotated[
        str | None, Query(description="A previous page's `snapshot`: the next pages of that run, not a new one")
    ] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> FindingsPage:
    kept = snapshot_findings(
        store.findings,
        store.driver,
        snapshot_id=snapshot,
        year=year,
        plan_id=plan_id,
        database=store.database,
        rules=None if rule is None else [rule],
        severity=severity,
    )
    found = kept.answer
    return FindingsPage(
        items=to_jsonable([f.as_dict() for f in found[offset : offset + limit]]),
        total=len(found),
        offset=offset,
        limit=limit,
        snapshot=kept.id,
        taken_at=kept.taken_at,
    )
