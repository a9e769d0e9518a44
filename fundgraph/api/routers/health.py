from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from fundgraph import __version__
from fundgraph.api.deps import StoreDep
from fundgraph.api.models import ErrorBody, Health
from fundgraph.api.problems import error_body
from fundgraph.errors import NEO4J_DOWN

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="The process is up")
def health() -> Health:
    return Health(status="ok", version=__version__)


@router.get("/ready", response_model=Health, responses={503: {"model": ErrorBody}}, summary="Neo4j answers")
def ready(store: StoreDep) -> Any:
    try:
        store.driver.execute_query("RETURN 1", database_=store.database)
    except Exception:  # any failure to answer means not ready; the body says why in general terms
        return JSONResponse(error_body(503, "neo4j_unavailable", NEO4J_DOWN), status_code=503)
    return Health(status="ready", version=__version__)
