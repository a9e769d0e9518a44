"""The named-query catalogue: one ``.cypher`` file per query, a ``//`` header, then one statement.

A body line ``{{ lookup $name AS start }}`` stands for the catalogue's one entity lookup (``fragments/lookup.cypher``:
one index seek per kind of key or name, Alias nodes for names and aliases), binding ``start``.

Header lines: ``name``, ``description``, ``params`` (``name: type = default``, comma-separated; an integer may add
its bounds, ``in LOW..HIGH``, which every caller — CLI, API, notebook — is held to; a list's default is written
``[a, b]``; a default that is a vocabulary's term is held to ``vocabularies.yaml`` by a test), ``example``
(``key=value`` pairs to run it with where defaults make no sense) and ``mode`` (``read``).

>>> q = parse_query_text("// name: demo\\n// params: year: int = null, limit: int = 20 in 1..1000\\nRETURN $year")
>>> [(p.name, p.type, p.default, p.low, p.high) for p in q.params]
[('year', 'int', None, None, None), ('limit', 'int', 20, 1, 1000)]
>>> q.bind({"year": "2024"})
{'year': 2024, 'limit': 20}
>>> q.bind({"limit": 1000000000})
Traceback (most recent call last):
...
fundgraph.errors.BadParameter: parameter 'limit' must be from 1 to 1000, got 1000000000
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from neo4j import Driver

from fundgraph.config import LIMITS
from fundgraph.errors import BadParameter, UnknownQuery
from fundgraph.graph.store import QueryResult, read

_HEADER = re.compile(r"^//\s*(name|description|params|example|mode)\s*:\s*(.*)$")
_PARAM = re.compile(
    r"^\s*(\w+)\s*:\s*(int|float|string|bool|list)\s*(?:=\s*(.*?))?\s*(?:\bin\s+(-?\d+)\.\.(-?\d+))?\s*$"
)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any = None
    required: bool = False
    low: int | None = None
    high: int | None = None

    def convert(self, raw: Any) -> Any:
        """Turn a CLI or HTTP value into the declared type within its bounds; ``null`` is None."""
        value = self._typed(raw)
        if value is not None and self.low is not None and self.high is not None and not self.low <= value <= self.high:
            raise BadParameter(f"parameter {self.name!r} must be from {self.low} to {self.high}, got {value}")
        return value

    def _typed(self, raw: Any) -> Any:
        if raw is None or (isinstance(raw, str) and raw.strip().lower() == "null"):
            return None
        if isinstance(raw, str) and not raw.strip() and self.type != "string":
            return None
        try:
            if self.type == "int":
                if isinstance(raw, bool):
                    raise ValueError
                return int(raw)
            if self.type == "float":
                return float(raw)
            if self.type == "bool":
                if isinstance(raw, bool):
                    return raw
                lowered = str(raw).strip().lower()
                if lowered not in {"true", "false", "1", "0", "yes", "no"}:
                    raise ValueError
                return lowered in {"true", "1", "yes"}
            if self.type == "list":
                if isinstance(raw, list):
                    return raw
                text = str(raw).strip()
                text = text[1:-1] if text.startswith("[") and text.endswith("]") else text
                return [s.strip().strip("'\"") for s in text.split(",") if s.strip()]
            return str(raw)
        except (TypeError, ValueError):
            raise BadParameter(f"parameter {self.name!r} must be {self.type}, got {raw!r}") from None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    cypher: str
    params: tuple[Param, ...] = ()
    example: dict[str, str] = field(default_factory=dict)
    mode: str = "read"

    @property
    def rows(self) -> str | None:
        """The part of the query above its `// page:` line: the rows, in their order, before their details."""
        head, mark, _ = self.cypher.partition(PAGE_MARK)
        return head.rstrip() if mark else None

    @property
    def details(self) -> str | None:
        """The part below `// page:`: what each row of a page gathers (a group's first projects, their cells)."""
        _, mark, tail = self.cypher.partition(PAGE_MARK)
        return tail.split("\n", 1)[1] if mark and "\n" in tail else None

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def bind(self, given: dict[str, Any]) -> dict[str, Any]:
        """Parameters for a run: declared defaults, overridden by ``given``; unknown or missing ones refused."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(given) - declared.keys())
        if unknown:
            raise BadParameter(
                f"query {self.name!r} has no parameter {', '.join(unknown)}; it takes {', '.join(declared) or 'none'}"
            )
        bound = {}
        for param in self.params:
            if param.name in given:
                bound[param.name] = param.convert(given[param.name])
            elif param.required:
                raise BadParameter(f"query {self.name!r} needs the parameter {param.name!r} ({param.type})")
            else:
                bound[param.name] = param.default
        return bound


# A line in a query's body: the rows above it are counted and paged (SKIP/LIMIT) before the lines below it run, so a
# page of a whole-graph overlap gathers the first projects of its own groups only. The part above must end in a
# `WITH … ORDER BY …` clause, which the page's SKIP and LIMIT continue (or `RETURN count(*)` follows, for the total).
PAGE_MARK = "// page:"

# `{{ lookup EXPR AS VAR }}` in a query's body: the catalogue's one entity lookup (fragments/lookup.cypher) in place.
_INCLUDE = re.compile(r"^\s*\{\{\s*lookup\s+(.+?)\s+AS\s+([A-Za-z_]\w*)\s*\}\}\s*$")


@cache
def _fragment(name: str) -> str:
    text = resources.files(__name__).joinpath("fragments", f"{name}.cypher").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("//"))


def _expand(line: str) -> str:
    match = _INCLUDE.match(line)
    if match is None:
        return line
    expr, var = match.groups()
    return _fragment("lookup").replace("__EXPR__", expr).replace("__VAR__", var)


def parse_query_text(text: str, fallback_name: str = "") -> NamedQuery:
    header: dict[str, str] = {}
    body: list[str] = []
    for line in text.splitlines():
        match = _HEADER.match(line.strip()) if not body else None
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif line.strip() or body:
            body.append(_expand(line))
    params = tuple(_parse_param(item) for item in _split_params(header.get("params", "")))
    example = dict(pair.split("=", 1) for pair in header.get("example", "").split() if "=" in pair)
    return NamedQuery(
        name=header.get("name", fallback_name),
        description=header.get("description", ""),
        cypher="\n".join(body).strip().rstrip(";"),
        params=params,
        example=example,
        mode=header.get("mode", "read"),
    )


def _split_params(text: str) -> list[str]:
    """The declarations of a ``params`` line: split at commas outside a list's brackets.

    >>> _split_params("roles: list = [builds, operates], limit: int = 20")
    ['roles: list = [builds, operates]', 'limit: int = 20']
    """
    return [item.strip() for item in re.split(r",(?![^\[]*\])", text) if item.strip()]


def _parse_param(item: str) -> Param:
    match = _PARAM.match(item)
    if match is None:
        raise ValueError(f"bad parameter declaration {item!r}; write `name: type = default`")
    name, type_, default_text, low, high = match.groups()
    if (low is not None) and type_ != "int":
        raise ValueError(f"bounds are for int parameters: {item!r}")
    lo, hi = (int(low), int(high)) if low is not None else (None, None)
    if default_text is None:
        return Param(name, type_, None, required=True, low=lo, high=hi)
    return Param(name, type_, Param(name, type_, low=lo, high=hi).convert(default_text), low=lo, high=hi)


@cache
def catalogue() -> dict[str, NamedQuery]:
    """Every named query shipped with the package, by name."""
    queries = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            query = parse_query_text(entry.read_text(encoding="utf-8"), entry.name.removesuffix(".cypher"))
            queries[query.name] = query
    return queries


def get_query(name: str) -> NamedQuery:
    try:
        return catalogue()[name]
    except KeyError:
        raise UnknownQuery(
            f"no named query {name!r}; `fundgraph queries` lists them ({', '.join(sorted(catalogue()))})"
        ) from None


def run_query(
    driver: Driver,
    name: str,
    given: dict[str, Any] | None = None,
    *,
    database: str | None = None,
    timeout: float = LIMITS.timeout_s,
    row_cap: int = LIMITS.row_cap,
) -> QueryResult:
    """Run a named query with parameters checked against its header (the CLI's and the API's one way in)."""
    named = get_query(name)
    return read(driver, named.cypher, named.bind(given or {}), database=database, timeout=timeout, row_cap=row_cap)


@dataclass(frozen=True)
class PageResult:
    """One page of a named query's rows and how many rows it has in all (never capped)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    total: int


def run_page(
    driver: Driver,
    name: str,
    given: dict[str, Any] | None = None,
    *,
    offset: int = 0,
    limit: int = 100,
    database: str | None = None,
    timeout: float = LIMITS.timeout_s,
) -> PageResult:
    """A page of a named query, paged in the query (SKIP/LIMIT around it), and its true total (count(*) around it):
    a page past any row cap, and a total that is never the cap. The query's own ORDER BY orders the pages."""
    named = get_query(name)
    params = named.bind(given or {})
    columns = read(driver, f"EXPLAIN {named.cypher}", params, database=database, timeout=timeout).columns
    if named.rows is not None and named.details is not None:
        # Counted and paged before the details: a page of a hundred groups lists a hundred, not every group.
        counted = f"{named.rows}\nRETURN count(*) AS total"
        paged = f"{named.rows}\nSKIP $__offset LIMIT $__limit\n{named.details}"
    else:
        inner = f"CALL () {{\n{named.cypher}\n}}"
        returned = ", ".join("`" + c.replace("`", "``") + "`" for c in columns)
        counted = f"{inner}\nRETURN count(*) AS total"
        paged = f"{inner}\nRETURN {returned} SKIP $__offset LIMIT $__limit"
    total = read(driver, counted, params, database=database, timeout=timeout)
    page = read(
        driver,
        paged,
        {**params, "__offset": offset, "__limit": limit},
        database=database,
        timeout=timeout,
        row_cap=None,
    )
    return PageResult(columns, page.rows, int(total.rows[0]["total"]))


def neighbourhood_ids(driver: Driver, around: str, depth: int = 1, *, database: str | None = None) -> list[str]:
    """The element ids of the entities within ``depth`` steps of ``around`` (by name, alias or key), found by the
    explorer's neighbourhood query, for :func:`fundgraph.graph.nxsink.from_neo4j` to read as a graph."""
    from fundgraph.graph.nxsink import EXPORT

    if not 1 <= depth <= 3:
        raise BadParameter(f"depth is 1, 2 or 3, not {depth}")
    neighbourhood = get_query("neighbourhood")
    # An export on this machine takes the whole neighbourhood: past the bound the catalogue holds callers to.
    params = {**neighbourhood.bind({"name": around, "depth": depth}), "limit": EXPORT.row_cap}
    found = read(
        driver, neighbourhood.cypher, params, database=database, row_cap=EXPORT.row_cap, timeout=EXPORT.timeout_s
    ).rows
    return sorted({row[end] for row in found for end in ("start_id", "from_id", "to_id")})
