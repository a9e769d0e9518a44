"""Typed errors that users can act on.

Every error names where it happened (file, row, column, line) and what to do about it, so the CLI can print it and
exit non-zero, and the API can map it to an HTTP status in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


class FundgraphError(Exception):
    """Base of every error fundgraph raises on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class Location:
    """Where in a document something was found: 1-based row, column and line where they apply."""

    path: str
    table: int | None = None
    row: int | None = None
    col: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.col is not None:
            parts.append(f"column {self.col}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts)


class ParseError(FundgraphError):
    """The document cannot be read faithfully; nothing from it is loaded."""

    exit_code = 2

    def __init__(self, message: str, where: Location) -> None:
        super().__init__(f"{where}: {message}")
        self.message = message
        self.where = where


class ConfigError(FundgraphError):
    """A setting or a required tool is missing or wrong."""

    exit_code = 3


class Neo4jUnavailable(FundgraphError):
    """The Neo4j server cannot be reached or did not start."""

    exit_code = 4


class QueryError(FundgraphError):
    """A named query or Cypher statement was refused or failed."""

    exit_code = 5


class QueryRefused(QueryError):
    """The read-only guard refused a statement (a write, a procedure not allowed, PROFILE, ...)."""


class UnknownQuery(QueryError):
    """No named query by that name is in the catalogue."""


class UnknownPlan(QueryError):
    """No plan with that plan_id is loaded."""


class BadParameter(QueryError):
    """A query parameter is missing, unknown or of the wrong type."""
