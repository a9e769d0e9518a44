"""The notebook-facing API: graphs from the server match graphs built from parsed plans; exports read back."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import networkx as nx

import fundgraph
from fundgraph.graph.nxsink import export, from_neo4j
from tests.conftest import SEED_TXT, run_cli


def _shape(graph: nx.MultiDiGraph) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    nodes = {(n, a["label"]) for n, a in graph.nodes(data=True) if a["label"] != "Document"}
    edges = {(u, v, k) for u, v, k in graph.edges(keys=True) if k != "FROM_DOCUMENT"}
    return nodes, edges


def test_the_servers_graph_is_the_parsed_graph(driver: Any) -> None:
    parsed = fundgraph.read_plan(SEED_TXT)
    fundgraph.load(driver, SEED_TXT)
    assert _shape(from_neo4j(driver, database="neo4j")) == _shape(parsed.to_networkx())
    plan_only = from_neo4j(driver, plan_id=parsed.plan.plan_id, database="neo4j")
    assert _shape(plan_only) == _shape(parsed.to_networkx())
    around = fundgraph.to_networkx(driver, around="中小融", depth=1, database="neo4j")
    assert {a["label"] for _, a in around.nodes(data=True)} == {"Platform", "Project"}
    assert sorted(a["seq"] for _, a in around.nodes(data=True) if a["label"] == "Project") == [
        "1",
        "10",
        "11",
        "6",
        "7",
    ]
    assert parsed.projects_frame().shape == (11, 10)  # seq, name, applicant, implementer, amount, ..., source, place
    frame = fundgraph.query_frame(driver, "concentration", by="implementer", year=2024)
    assert frame.iloc[0]["amount"] == "1545.5986"
    assert fundgraph.cypher_frame(driver, "MATCH (p:Project) RETURN count(p) AS n").iloc[0]["n"] == 11


def test_exports_read_back(tmp_path: Path) -> None:
    graph = fundgraph.read_plan(SEED_TXT).to_networkx()
    export(graph, "graphml", tmp_path / "g.graphml")
    export(graph, "gexf", tmp_path / "g.gexf")
    export(graph, "json", tmp_path / "g.json")
    export(graph, "csv", tmp_path / "csv")
    for reread in (nx.read_graphml(tmp_path / "g.graphml"), nx.read_gexf(tmp_path / "g.gexf")):
        assert (reread.number_of_nodes(), reread.number_of_edges()) == (
            graph.number_of_nodes(),
            graph.number_of_edges(),
        )
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert len(data["nodes"]) == graph.number_of_nodes() and len(data["edges"]) == graph.number_of_edges()
    with (tmp_path / "csv" / "nodes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    project = next(r for r in rows if r["id"].endswith("/4"))
    assert project["amount"] == "725.4014" and project["amount_fen"] == "725401400"


def test_export_command(driver: Any, cli_env: dict[str, str], tmp_path: Path) -> None:
    run_cli("load", str(SEED_TXT), env=cli_env)
    result = run_cli("export", "--format", "graphml", str(tmp_path / "all.graphml"), env=cli_env)
    assert result.returncode == 0, result.stderr
    assert nx.read_graphml(tmp_path / "all.graphml").number_of_nodes() > 50
