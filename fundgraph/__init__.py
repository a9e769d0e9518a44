"""fundgraph: a graph knowledge base of public fund-allocation plans (资金分配方案) on Neo4j.

For notebooks::

    import fundgraph
    plan = fundgraph.read_plan("data/plans/000_bc106945e02cee55.txt")   # no server needed
    graph = plan.to_networkx()
    fundgraph.concentration(graph, "implementer")

    driver = fundgraph.connect()                                         # the local server, or NEO4J_URI
    fundgraph.load(driver, "data/plans/000_bc106945e02cee55.txt")
    fundgraph.query_frame(driver, "concentration", by="implementer", year=2024)
    fundgraph.to_networkx(driver, around="广东省中小企业融资平台", depth=2)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fundgraph.version import __version__ as __version__

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from neo4j import Driver

    from fundgraph.graph.elements import GraphElements
    from fundgraph.loaders.model import Plan


@dataclass
class ParsedPlan:
    """A plan read from a document, with its graph elements, usable with no server."""

    plan: Plan
    elements: GraphElements

    def to_networkx(self) -> nx.MultiDiGraph:
        from fundgraph.graph.nxsink import to_networkx

        return to_networkx([self.elements])

    def projects_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([p.as_dict() for p in self.plan.projects]).drop(columns=["cells", "extra", "targets"])


def read_plan(path: str | Path) -> ParsedPlan:
    from fundgraph.graph.elements import plan_elements
    from fundgraph.loaders import parse_path

    plan = parse_path(path)
    return ParsedPlan(plan, plan_elements(plan))


def connect(uri: str | None = None, user: str | None = None, password: str | None = None) -> Driver:
    """A driver to NEO4J_URI (default: the local server `make run` starts), connectivity checked."""
    from fundgraph.config import Settings, get_settings
    from fundgraph.graph.store import connect as store_connect

    settings = get_settings()
    overrides = {k: v for k, v in {"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password}.items() if v}
    if overrides:
        settings = Settings(**{**settings.model_dump(by_alias=True), **overrides})
    return store_connect(settings)


def server_available() -> bool:
    try:
        connect().close()
    except Exception:  # any failure: no server to use
        return False
    return True


def load(driver: Driver, *paths: str | Path, accept_unverified: bool = False) -> list[str]:
    """Check and load plan files or folders, the same pipeline as ``fundgraph load``: each plan's write status,
    then ``refused`` for each document that does not read (``fundgraph documents --refused`` says why).
    ``accept_unverified`` takes scans with no stated total to check them against, marked ``ocr_unverified``."""
    from fundgraph.loading import load_paths

    report = load_paths(driver, paths, accept_unverified=accept_unverified)
    return [result.status for result in report.loaded] + ["refused" for _ in report.refused]


def query_frame(driver: Driver, name: str, **params: Any) -> pd.DataFrame:
    """A named query's rows as a DataFrame (amounts stay decimal strings; ``*_fen`` columns are integers)."""
    import pandas as pd

    from fundgraph.queries import run_query

    result = run_query(driver, name, params)
    return pd.DataFrame(result.rows, columns=result.columns)


def chain(driver: Driver, project_id: str, max_depth: int = 6) -> pd.DataFrame:
    """A project's money back to the top as a DataFrame: its row (level 0), then each level above it that passed
    the money down, with the notice's 文号, date, issuers and the row's amount (the ``project_chain`` query)."""
    return query_frame(driver, "project_chain", project_id=project_id, max_depth=max_depth)


def cypher_frame(driver: Driver, query: str, **params: Any) -> pd.DataFrame:
    """Read-only Cypher (through the same guard as the CLI and the API) as a DataFrame."""
    import pandas as pd

    from fundgraph.graph.guard import run_guarded

    result = run_guarded(driver, query, params)
    return pd.DataFrame(result.rows, columns=result.columns)


def to_networkx(
    driver: Driver,
    *,
    plan_id: str | None = None,
    around: str | None = None,
    depth: int = 1,
    database: str | None = None,
) -> nx.MultiDiGraph:
    """The server's graph (everything, one plan, or an entity's neighbourhood) as a networkx MultiDiGraph."""
    from fundgraph.graph.nxsink import from_neo4j
    from fundgraph.queries import neighbourhood_ids

    if plan_id is None and around is not None:
        ids = neighbourhood_ids(driver, around, depth, database=database)
        return from_neo4j(driver, ids=ids, database=database)
    return from_neo4j(driver, plan_id=plan_id, database=database)


def concentration(graph: nx.MultiDiGraph, by: str = "implementer", **options: Any) -> list[dict[str, Any]]:
    from fundgraph.audit.analytics import concentration as measure

    return measure(graph, by, **options)
