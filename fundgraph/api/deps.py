"""Dependencies handed to route handlers: the store (one driver per app) and the caller's key."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from neo4j import Driver
from starlette.exceptions import HTTPException

from fundgraph.api.auth import ApiKey, KeyThrottle, match
from fundgraph.audit.findings import Finding
from fundgraph.audit.snapshots import Snapshots


@dataclass
class Store:
    driver: Driver
    database: str
    query_timeout: float
    row_cap: int
    cypher_timeout: float
    cypher_row_cap: int
    cypher_byte_cap: int
    cypher_max_query: int
    archive: Path  # the documents' bytes by doc_id (fundgraph.archive)
    recipes: Path  # where the review desk saves reading recipes (fundgraph.review)
    # Findings runs kept for paging (fundgraph/audit/snapshots.py): one worker's, as its driver is.
    findings: Snapshots[list[Finding]] = field(default_factory=Snapshots)


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer KEY`")


def _caller(request: Request, credentials: HTTPAuthorizationCredentials | None) -> ApiKey:
    challenge = {"WWW-Authenticate": "Bearer"}
    throttle: KeyThrottle = request.app.state.key_throttle
    client = request.client.host if request.client else ""
    wait = throttle.retry_after(client)
    if wait is not None:
        raise HTTPException(
            429, f"too many wrong API keys from this address: try again in {wait} s", headers={"Retry-After": str(wait)}
        )
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "an API key is required: send `Authorization: Bearer KEY`", headers=challenge)
    key = match(request.app.state.keys, credentials.credentials)
    if key is None:
        throttle.failed(client)
        raise HTTPException(401, "the API key is not valid", headers=challenge)
    request.state.key_name = key.name  # for the request's log line (fundgraph.api.logging), never the key itself
    return key


def reader(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> ApiKey:
    return _caller(request, credentials)


def auditor(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> ApiKey:
    key = _caller(request, credentials)
    if not key.may("auditor"):
        raise HTTPException(403, f"key {key.name!r} is a {key.role}; ad-hoc Cypher needs an auditor key")
    return key


StoreDep = Annotated[Store, Depends(get_store)]
Reader = Annotated[ApiKey, Depends(reader)]
Auditor = Annotated[ApiKey, Depends(auditor)]
