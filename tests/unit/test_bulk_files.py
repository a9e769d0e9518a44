"""The bulk load's import files (no server needed): rows rendered in a worker and in the loading process agree, and
the importer reads line-blind only when a field spans lines."""

from __future__ import annotations

import pickle
from pathlib import Path

from fundgraph.io.bulk import CsvGraph, render
from fundgraph.mapping.elements import Edge, GraphElements, Node


def _plan(plan_id: str, targets: str) -> GraphElements:
    plan = GraphElements(plan_id, "v1", f"doc-{plan_id}")
    plan.nodes += [
        Node("Document", f"doc-{plan_id}", {"path": f"{plan_id}.txt"}),
        Node("Plan", plan_id, {"year": 2024}),
        Node("Project", f"{plan_id}/1", {"name": 'a "quoted" name', "targets_text": targets, "amount_fen": 5}),
        Node("Organization", "org:x", {"name": "X", "aliases": [f"X {plan_id}"]}),
    ]
    plan.edges += [
        Edge("ALLOCATES", plan_id, f"{plan_id}/1", {"amount_fen": 5, "row": 1}),
        Edge("APPLIED_FOR", "org:x", f"{plan_id}/1", {"as_written": "X", "row": 1, "col": 2}),
    ]
    return plan


def _files(folder: Path, plans: list[GraphElements], *, pickled: bool) -> tuple[list[str], dict[str, str]]:
    csv = CsvGraph(folder)
    rendered = [render(p) for p in plans]
    if pickled:  # as they come back from a worker
        rendered = [pickle.loads(pickle.dumps(r)) for r in rendered]
    csv.add_rendered(rendered)
    args, _, _ = csv.finish()
    return args, {f.name: f.read_text(encoding="utf-8") for f in sorted(folder.iterdir())}


def test_rows_rendered_in_a_worker_are_the_rows_written_in_process(tmp_path: Path) -> None:
    plans = [_plan("plan-a", "1.甲"), _plan("plan-b", "1.乙")]
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    csv = CsvGraph(tmp_path / "in")
    csv.add_group(plans)
    args, _, _ = csv.finish()
    written = {f.name: f.read_text(encoding="utf-8") for f in sorted((tmp_path / "in").iterdir())}
    args_pickled, from_workers = _files(tmp_path / "out", plans, pickled=True)
    assert written == from_workers
    assert [a.replace("/out/", "/in/") for a in args_pickled] == args
    # The organisation both plans name is one row, with both aliases; each plan's project is its own row.
    assert (
        written["node-Organization.csv"].count("\n") == 1 and "X plan-a\x1fX plan-b" in written["node-Organization.csv"]
    )
    assert written["node-Project.csv"].count('"a ""quoted"" name"') == 2


def test_the_importer_reads_line_blind_only_when_a_field_spans_lines(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    single, _ = _files(tmp_path / "one", [_plan("plan-a", "1.甲 2.乙")], pickled=False)
    spanning, files = _files(tmp_path / "two", [_plan("plan-a", "1.甲\n2.乙")], pickled=False)
    assert "--multiline-fields=false" in single and "--multiline-fields=true" not in single
    assert "--multiline-fields=true" in spanning
    assert '"1.甲\n2.乙"' in files["node-Project.csv"]
