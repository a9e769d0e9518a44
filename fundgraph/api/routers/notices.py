"""Notices by their 文号, and a notice's chain up and down with the money passed down each link (the policy is
fundgraph.notices')."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from fundgraph.api.deps import Reader, StoreDep
from fundgraph.api.models import ERRORS, Page
from fundgraph.api.routers import paged
from fundgraph.api.routers.documents import SEED_DOC_ID
from fundgraph.notices import notice_chain, wenhao_key
from fundgraph.queries import get_query

router = APIRouter(tags=["notices"], responses=ERRORS)

_DEPTH = get_query("chain").param("max_depth")


@router.get(
    "/notices",
    response_model=Page,
    summary="Notices by their 文号, however bracketed or written: the loaded documents bearing it, else the "
    "placeholder its citations end at (not loaded)",
)
def notices(
    store: StoreDep,
    _: Reader,
    wenhao: Annotated[str, Query(min_length=1, max_length=100, examples=["粤财农〔2024〕30号"])],
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Page:
    return paged(store, "notices", {"wenhao_key": wenhao_key(wenhao)}, offset, limit)


@router.get(
    "/notices/{doc_id}/chain",
    summary="A notice's chain: the levels up and down (文号, date, issuers, total), the money passed down each "
    "link (each upper row's amount, what the lower notices allocate, the difference, both cells) and its level "
    "findings",
)
def chain(
    store: StoreDep,
    _: Reader,
    doc_id: Annotated[
        str, Path(pattern="^[0-9a-f]{64}$", description="The notice's doc_id (its sha256)", examples=[SEED_DOC_ID])
    ],
    max_depth: Annotated[int, Query(ge=_DEPTH.low, le=_DEPTH.high)] = 6,
) -> dict[str, Any]:
    return notice_chain(
        store.driver,
        doc_id,
        database=store.database,
        max_depth=max_depth,
        timeout=store.query_timeout,
        row_cap=store.row_cap,
    )
