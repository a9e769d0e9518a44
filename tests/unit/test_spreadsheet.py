"""CSV cells a spreadsheet would take for a formula are written as text; numbers and plain text are left alone."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest

from fundgraph.graph.nxsink import export
from fundgraph.graph.spreadsheet import safe_cell

HOSTILE = [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("+cmd", "'+cmd"),
    ("-2+3", "'-2+3"),
    ("\t=1+1", "'\t=1+1"),
    ("\rcmd", "'\rcmd"),
    ("-", "'-"),
    ("+", "'+"),
    ("-1e5", "'-1e5"),
    ("- 3", "'- 3"),
]
LEFT_ALONE = ["-3", "+1", "-0.5", "-.5", "12.", "612", "0", "广东省=平台", "a-b", "", " =x", "'=already text"]


@pytest.mark.parametrize(("written", "safe"), HOSTILE)
def test_a_cell_that_could_start_a_formula_becomes_text(written: str, safe: str) -> None:
    assert safe_cell(written) == safe


@pytest.mark.parametrize("written", LEFT_ALONE)
def test_plain_numbers_and_text_are_left_as_written(written: str) -> None:
    assert safe_cell(written) == written


def test_values_that_are_not_text_are_not_touched() -> None:
    assert [safe_cell(v) for v in (-3, -0.5, None, True)] == [-3, -0.5, None, True]


def test_the_csv_export_writes_every_cell_safe(tmp_path: Path) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("=key", label="Organization", name="@SUM(A1)", amount="-612.5", aliases=["-x"])
    graph.add_node("p/1", label="Project", name="\tname")
    graph.add_edge("=key", "p/1", key="+IMPLEMENTS", type="IMPLEMENTS", evidence="-2+3")
    export(graph, "csv", tmp_path)
    with (tmp_path / "nodes.csv").open(encoding="utf-8", newline="") as handle:
        nodes = {row["id"]: row for row in csv.DictReader(handle)}
    assert nodes["'=key"]["name"] == "'@SUM(A1)" and nodes["'=key"]["amount"] == "-612.5"
    assert nodes["'=key"]["aliases"] == '["-x"]' and nodes["p/1"]["name"] == "'\tname"
    with (tmp_path / "edges.csv").open(encoding="utf-8", newline="") as handle:
        [edge] = list(csv.DictReader(handle))
    assert (edge["source"], edge["key"], edge["evidence"]) == ("'=key", "'+IMPLEMENTS", "'-2+3")
