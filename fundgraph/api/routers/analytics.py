from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from fundgraph.api.deps import Reader, StoreDep
from fundgraph.api.models import ERRORS, Page
from fundgraph.api.routers import paged
from fundgraph.graph.store import plan_history
from fundgraph.jsonable import to_jsonable

router = APIRouter(tags=["analytics"], responses=ERRORS)

Year = Annotated[int | None, Query(description="The plan's year", examples=[2024])]
PlanId = Annotated[str | None, Query(description="One plan, by its plan_id")]
Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=1000)]
By = Literal["applicant", "implementer", "platform", "service_type", "region", "approval"]


@router.get("/plans", response_model=Page, summary="The loaded plans")
def plans(store: StoreDep, _: Reader, year: Year = None, offset: Offset = 0, limit: Limit = 100) -> Page:
    return paged(store, "plans", {"year": year}, offset, limit)


@router.get("/plans/{plan_id}/versions", summary="What changed between the loaded versions of a plan")
def versions(store: StoreDep, _: Reader, plan_id: str) -> list[dict[str, object]]:
    history: list[dict[str, object]] = to_jsonable(plan_history(store.driver, plan_id, store.database))
    return history


@router.get("/concentration", response_model=Page, summary="Shares, HHI, CR-k and Gini by a dimension")
def concentration(
    store: StoreDep,
    _: Reader,
    by: Annotated[By, Query(examples=["implementer"])] = "implementer",
    year: Year = None,
    plan_id: PlanId = None,
    canonical: bool = True,
    split: Literal["equal", "none"] = "equal",
    offset: Offset = 0,
    limit: Limit = 1000,
) -> Page:
    params = {"by": by, "year": year, "plan_id": plan_id, "canonical": canonical, "split": split}
    return paged(store, "concentration", params, offset, limit)


@router.get("/reconciliation", response_model=Page, summary="Stated against computed totals, exact to the 分")
def reconciliation(
    store: StoreDep, _: Reader, year: Year = None, plan_id: PlanId = None, offset: Offset = 0, limit: Limit = 100
) -> Page:
    return paged(store, "reconciliation", {"year": year, "plan_id": plan_id}, offset, limit)


OVERLAPS = {
    "platforms": "platforms_shared_by_projects",
    "services": "duplicate_service",
    "cross-year": "cross_year",
    "pass-through": "pass_through",
    "aliases": "alias_variants",
    "money-in-text": "amount_in_text",
}


@router.get(
    "/overlaps/{kind}",
    response_model=Page,
    summary="Overlaps: platforms, services, cross-year, pass-through, aliases, money-in-text",
)
def overlaps(
    store: StoreDep,
    _: Reader,
    kind: Literal["platforms", "services", "cross-year", "pass-through", "aliases", "money-in-text"],
    year: Year = None,
    plan_id: PlanId = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page:
    return paged(store, OVERLAPS[kind], {"year": year, "plan_id": plan_id}, offset, limit)
