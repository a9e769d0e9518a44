"""The bulk load's import files (no server needed): rows rendered in a worker and in the loading process agree, and
the importer reads line-blind only the parts of a file where a field spans lines."""

from __future__ import annotations

import csv
import io
import pickle
from pathlib import Path

from fundgraph.graph.bulk import PART_CHARS, CsvGraph, render
from fundgraph.graph.elements import Edge, GraphElements, Node


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


def _files(
    folder: Path, plans: list[GraphElements], *, pickled: bool, part_chars: int = PART_CHARS
) -> tuple[list[str], dict[str, str]]:
    graph = CsvGraph(folder, part_chars=part_chars)
    rendered = [render(p) for p in plans]
    if pickled:  # as they come back from a worker
        rendered = [pickle.loads(pickle.dumps(r)) for r in rendered]
    graph.add_rendered(rendered)
    args, _, _ = graph.finish()
    return args, {f.name: f.read_text(encoding="utf-8") for f in sorted(folder.iterdir())}


def test_rows_rendered_in_a_worker_are_the_rows_written_in_process(tmp_path: Path) -> None:
    plans = [_plan("plan-a", "1.甲"), _plan("plan-b", "1.乙")]
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    graph = CsvGraph(tmp_path / "in")
    graph.add_group(plans)
    args, _, _ = graph.finish()
    written = {f.name: f.read_text(encoding="utf-8") for f in sorted((tmp_path / "in").iterdir())}
    args_pickled, from_workers = _files(tmp_path / "out", plans, pickled=True)
    assert written == from_workers
    assert [a.replace("/out/", "/in/") for a in args_pickled] == args
    # The organisation both plans name is one row, with both aliases; each plan's project is its own row.
    assert (
        written["node-Organization.00000.csv"].count("\n") == 1
        and "X plan-a\x1fX plan-b" in written["node-Organization.00000.csv"]
    )
    assert written["node-Project.00000.csv"].count('"a ""quoted"" name"') == 2


def test_only_the_parts_where_a_field_spans_lines_are_read_line_blind(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    single, _ = _files(tmp_path / "one", [_plan("plan-a", "1.甲 2.乙")], pickled=False)
    spanning, files = _files(tmp_path / "two", [_plan("plan-a", "1.甲\n2.乙")], pickled=False)
    assert not [a for a in single if a.startswith("--multiline")]
    assert spanning[-2:] == [
        "--multiline-fields-format=v2",
        f"--multiline-fields={tmp_path / 'two'}/node-Project.00000.csv",
    ]
    assert '"1.甲\n2.乙"' in files["node-Project.00000.csv"]


def test_a_file_is_cut_into_parts_at_rows_ends(tmp_path: Path) -> None:
    """Parts where a field spans lines no longer than asked (a row longer than a part is one alone), each part
    ending where a row ends, together the one file; the parts named line-blind are exactly those with a line break
    inside a field, and a file with none is one part (the importer reads 2,375 parts slower than 342)."""
    plans = [_plan(f"plan-{i}", "1.甲\n2.乙" if i % 3 == 0 else "1.甲 2.乙") for i in range(40)]
    plans[7].nodes[2].props["summary"] = "长" * 300  # longer than a part
    (tmp_path / "whole").mkdir()
    (tmp_path / "parts").mkdir()
    whole_args, whole = _files(tmp_path / "whole", plans, pickled=False)
    args, parts = _files(tmp_path / "parts", plans, pickled=False, part_chars=200)
    for stem in ("node-Project", "rel-ALLOCATES", "node-Organization"):
        names = sorted(n for n in parts if n.startswith(stem + ".") and n != f"{stem}.header.csv")
        assert "".join(parts[n] for n in names) == whole[f"{stem}.00000.csv"]
        assert parts[f"{stem}.header.csv"] == whole[f"{stem}.header.csv"]
        kind, name = stem.split("-")
        listed = next(a for a in args if a.startswith(f"--{'nodes' if kind == 'node' else 'relationships'}={name}="))
        assert listed.split(",")[1:] == [str(tmp_path / "parts" / n) for n in names]
        spanning = args[-1].removeprefix("--multiline-fields=").split(",")
        for n in names:
            rows = list(csv.reader(io.StringIO(parts[n], newline="")))
            assert parts[n].endswith("\n")
            if str(tmp_path / "parts" / n) in spanning:
                assert len(parts[n]) <= 200 or len(rows) == 1
        if stem != "node-Project":
            assert len(names) == 1 and len(parts[names[0]]) > 200
    projects = sorted(n for n in parts if n.startswith("node-Project.0"))
    assert len(projects) > 5
    assert spanning == [str(tmp_path / "parts" / n) for n in projects if "甲\n" in parts[n]]
    assert len(whole_args) == len(args)
