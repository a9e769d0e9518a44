"""The HTTP API: ``create_app()`` builds it around one Neo4j driver and a set of API keys.

Data lives under ``/api/v1``; ``/health``, ``/ready``, ``/docs`` and ``/openapi.json`` stay open; everything else needs
``Authorization: Bearer KEY``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from fundgraph import __version__
from fundgraph.api import headers, paths, problems
from fundgraph.api import logging as request_log
from fundgraph.api.auth import ApiKey, KeyThrottle
from fundgraph.api.deps import Store
from fundgraph.api.limits import BodyLimit
from fundgraph.api.routers import (
    analytics,
    catalogue,
    cypher,
    documents,
    entities,
    explorer,
    findings,
    health,
    meta,
    notices,
)
from fundgraph.config import LIMITS, Settings, get_settings
from fundgraph.errors import ConfigError

API_PREFIX = "/api/v1"


def create_app(
    keys: list[ApiKey],
    settings: Settings | None = None,
    *,
    cors_origins: list[str] | None = None,
    query_timeout: float = LIMITS.timeout_s,
    row_cap: int = LIMITS.row_cap,
    cypher_timeout: float | None = None,
    cypher_row_cap: int | None = None,
    cypher_byte_cap: int | None = None,
    key_throttle: KeyThrottle | None = None,
) -> FastAPI:
    if not keys:
        raise ConfigError("the API needs at least one key; it is never open (see FUNDGRAPH_API_KEYS)")
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from fundgraph.graph.store import connect

        # Not verified at start: the API answers 503 while Neo4j is down and recovers when it is back.
        driver = connect(settings, verify=False, connection_timeout=5.0, acquisition_timeout=10.0)
        app.state.store = Store(
            driver,
            settings.neo4j_database,
            query_timeout,
            row_cap,
            cypher_timeout if cypher_timeout is not None else settings.cypher_timeout,
            cypher_row_cap if cypher_row_cap is not None else settings.cypher_row_cap,
            cypher_byte_cap if cypher_byte_cap is not None else settings.cypher_byte_cap,
            settings.cypher_max_query,
            settings.archive_folder,
            settings.recipes,
        )
        try:
            yield
        finally:
            driver.close()

    app = FastAPI(
        title="fundgraph",
        version=__version__,
        summary="Relationship lookups and audit analytics over public fund-allocation plans (资金分配方案).",
        description=(
            "Amounts are decimal strings in 万元 (never binary floats), with `*_fen` integers where exact sums matter. "
            "Every list is a page: `items`, `total`, `offset`, `limit`, `truncated`. Every error has one body: "
            '`{"error": {"status", "code", "message"}}`, with `template` and `args` where the error is a refused '
            "document's (a message to render in zh or en). Send the key as `Authorization: Bearer KEY`."
        ),
        lifespan=lifespan,
        # /docs is served from the package (routers/explorer.py), not from FastAPI's CDN; ReDoc would be a CDN too.
        docs_url=None,
        redoc_url=None,
    )
    app.state.keys = keys
    app.state.key_throttle = key_throttle or KeyThrottle()
    problems.install(app)
    request_log.install(app)
    paths.install(app)
    origins = (
        cors_origins if cors_origins is not None else [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    )
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT"],
            allow_headers=["Authorization", "Content-Type"],
        )
    # Outside everything that reads a body: none over the limit reaches a parser, a key check or a handler.
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    headers.install(app)  # last, so outermost: every response gets the headers, whichever layer made it
    app.include_router(health.router)
    for module in (entities, documents, notices, analytics, findings, catalogue, cypher, meta):
        app.include_router(module.router, prefix=API_PREFIX)
    explorer.install(app)
    return app
