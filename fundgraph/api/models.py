"""Request and response shapes shown in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    status: int
    code: str = Field(examples=["query_refused"])
    message: str = Field(examples=["only read-only Cypher is allowed; this statement is a write"])
    # A refused document's error is data as well: the message template (vocabularies.yaml `messages`) and its
    # arguments, which the explorer renders in zh or en. Only there; ``message`` says it in English either way.
    template: str | None = Field(
        default=None, examples=["refused_at"], description="the message's template, where the error is data"
    )
    args: dict[str, Any] | None = Field(default=None, description="the template's arguments (nested messages too)")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(BaseModel):
    """A page of rows, paged in Cypher: ``total`` rows matched in all, never the count of rows fetched. A query that
    bounds its own rows (search, neighbourhood) says ``total: null`` and ``truncated`` where its bound cut them."""

    items: list[dict[str, Any]]
    total: int | None
    offset: int
    limit: int
    truncated: bool = False


class FindingsPage(Page):
    """A page of one run of the rules: pass its ``snapshot`` back for the next pages (cut from the same run, the
    graph as it stood at ``taken_at``); ask without it for a new run."""

    snapshot: str
    taken_at: str


class Rows(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False


class CypherRequest(BaseModel):
    query: str = Field(
        examples=[
            "MATCH (o:Organization)-[:IMPLEMENTS]->(p:Project) RETURN o.name AS name, "
            "sum(p.amount_fen) AS fen ORDER BY fen DESC"
        ]
    )
    parameters: dict[str, Any] = Field(default_factory=dict, examples=[{}])


class QueryRequest(BaseModel):
    parameters: dict[str, Any] = Field(default_factory=dict, examples=[{"by": "implementer", "year": 2024}])


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    version: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": description}
    for code, description in {
        401: "No API key, or an unknown one",
        403: "The key's role may not do this",
        404: "No such entity or query",
        422: "A parameter is missing or of the wrong type",
        503: "Neo4j is not answering",
    }.items()
}
