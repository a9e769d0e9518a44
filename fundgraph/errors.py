"""Typed errors that users can act on.

Every error names where it happened (file, row, column, line) and what to do about it, so the CLI can print it and
exit non-zero, and the API can map it to an HTTP status in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self


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
    page: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.col is not None:
            parts.append(f"column {self.col}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts)

    def parts(self) -> list[dict[str, Any]]:
        """The place as messages (``where_*`` in vocabularies.yaml), one after another after the path: its str in
        English, and in Chinese rendered as 第3页，表1，第2行."""
        shown = [("page", self.page), ("table", self.table), ("row", self.row), ("col", self.col), ("line", self.line)]
        return [{"code": f"where_{name}", "args": {name: value}} for name, value in shown if value is not None]


class ParseError(FundgraphError):
    """The document cannot be read faithfully; nothing from it is loaded.

    A refusal made with :meth:`of` is data: its ``code`` and ``arguments`` render the template ``refusal_<code>``
    (vocabularies.yaml) in zh or en; ``message`` and ``str()`` stay English."""

    exit_code = 2

    def __init__(
        self, message: str, where: Location, *, code: str = "", arguments: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{where}: {message}")
        self.message = message
        self.where = where
        # ``arguments``, not ``args``: Exception.args is the tuple an exception was raised with.
        self.code = code
        self.arguments = dict(arguments or {})

    @classmethod
    def of(cls, code: str, where: Location, **arguments: Any) -> Self:
        """A refusal whose message is the template ``refusal_<code>`` and its arguments."""
        from fundgraph.vocabularies import render  # the vocabularies read this module's SchemaError

        return cls(render(f"refusal_{code}", arguments, "en"), where, code=code, arguments=arguments)

    def reason(self) -> dict[str, Any] | None:
        """The refusal's reason as a message (``{code, args}``), None for one given only as English text."""
        return {"code": f"refusal_{self.code}", "args": self.arguments} if self.code else None

    def as_message(self, path: str | None = None) -> dict[str, Any] | None:
        """The whole refusal as a message, place and reason (``path`` in place of the location's, e.g. its base
        name): in English it reads as ``str()`` does. None for a refusal given only as English text."""
        reason = self.reason()
        if reason is None:
            return None
        shown = self.where.path if path is None else path
        return {"code": "refused_at", "args": {"path": shown, "where": self.where.parts(), "reason": reason}}

    def text(self, lang: str = "en") -> str:
        """The reason (without the place) in ``en`` or ``zh``; English where it has no template."""
        from fundgraph.vocabularies import render

        reason = self.reason()
        return self.message if reason is None else render(reason["code"], reason["args"], lang)


class EmptyTableError(ParseError):
    """A header was found with no rows under it: a heading in prose that looks like a header, or a cut file."""


class SchemaError(FundgraphError):
    """Graph elements name a label, relationship type or property the schema does not have: a bug in a mapping,
    refused before anything is written."""

    exit_code = 1


class ConfigError(FundgraphError):
    """A setting or a required tool is missing or wrong."""

    exit_code = 3


class StoreNotEmpty(ConfigError):
    """A bulk load builds a new store, and the store holds data (pass --replace, or load transactionally)."""


class Neo4jUnavailable(FundgraphError):
    """The Neo4j server cannot be reached or did not start."""

    exit_code = 4


class QueryError(FundgraphError):
    """A named query or Cypher statement was refused or failed."""

    exit_code = 5


class QueryRefused(QueryError):
    """The read-only guard refused a statement (a write, a procedure not allowed, PROFILE, ...)."""


class AnswerTooLarge(QueryError):
    """An answer's rows come to more bytes than one answer may carry."""


class UnknownQuery(QueryError):
    """No named query by that name is in the catalogue."""


class UnknownPlan(QueryError):
    """No plan with that plan_id is loaded."""


class UnknownDocument(QueryError):
    """No document of that doc_id is loaded, its bytes are not in the archive, or it has no such page."""


class BadParameter(QueryError):
    """A query parameter is missing, unknown or of the wrong type."""


class SnapshotExpired(QueryError):
    """A kept answer's id that is not (or no longer) kept (fundgraph/audit/snapshots.py): ask again without it."""


NEO4J_DOWN = "Neo4j is not answering; the request can be retried once it is back"


def classify(exc: Exception) -> tuple[int, str, str]:
    """An HTTP status, a short code and a message for any error the store or the guard can raise."""
    from neo4j.exceptions import ClientError, DriverError, ServiceUnavailable, SessionExpired, TransientError

    if isinstance(exc, QueryRefused):
        return 400, "query_refused", str(exc)
    if isinstance(exc, AnswerTooLarge):
        return 400, "answer_too_large", str(exc)
    if isinstance(exc, BadParameter):
        return 422, "bad_parameter", str(exc)
    if isinstance(exc, (UnknownQuery, UnknownPlan, UnknownDocument)):
        return 404, "not_found", str(exc)
    if isinstance(exc, SnapshotExpired):
        return 410, "snapshot_expired", str(exc)
    if isinstance(exc, ParseError):
        return 422, "bad_document", str(exc)
    if isinstance(exc, Neo4jUnavailable | ServiceUnavailable | SessionExpired):
        return 503, "neo4j_unavailable", NEO4J_DOWN
    if isinstance(exc, ClientError):
        code = exc.code or ""
        if "TransactionTimedOut" in code or "Terminated" in code or "TransactionMarkedAsFailed" in code:
            return 408, "timeout", "the query was cut off by the time limit"
        if "Statement.AccessMode" in code:
            return 400, "query_refused", "only read-only Cypher is allowed"
        if "ParseException" in (exc.message or "") or "queryparser" in (exc.message or ""):
            # A search text in Lucene's syntax that does not parse: Neo4j's message is a Java stack's.
            return 400, "bad_search", "the search is not valid full-text syntax: check its quotes, brackets, operators"
        return 400, "cypher_error", exc.message or code
    if isinstance(exc, TransientError) and "MemoryPoolOutOfMemory" in (exc.code or ""):
        return 400, "too_much_memory", "the query needs more memory than one query may use; narrow it"
    if isinstance(exc, TransientError):
        return 503, "neo4j_busy", "Neo4j could not serve the request now; retry it"
    if isinstance(exc, DriverError):
        return 503, "neo4j_unavailable", NEO4J_DOWN
    if isinstance(exc, ConfigError):
        return 500, "misconfigured", str(exc)
    if isinstance(exc, FundgraphError):
        return 400, "bad_request", str(exc)
    return 500, "internal_error", "an unexpected error; the server log has the details"
