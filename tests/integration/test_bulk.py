"""The bulk load (neo4j-admin import) gives the graph the transactional load gives, on a Neo4j of the test's own
(the import stops its server). Compared: every node's labels and properties, every relationship's type, ends and
properties — load timestamps aside."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase

from fundgraph import loading
from fundgraph.audit.findings import run_findings
from fundgraph.errors import ParseError, StoreNotEmpty
from fundgraph.graph.schema import load_schema
from fundgraph.loading import bulk_load
from fundgraph.localserver import LocalServer, free_port
from fundgraph.synth import generate, generate_chain, render_chain, render_word_text
from fundgraph.vocabularies import render
from tests.conftest import FORMATS, ROOT, SEED_TXT

CHAIN = generate_chain(seed=3)
# Timestamps of the load, not of the plans.
VOLATILE = {"loaded_at"}


def _corpus(folder: Path) -> list[Path]:
    """Synthetic plans sharing organisations, platforms and regions across groups, a chain of notices citing each
    other, the seed (also as a PDF with pages and boxes, the same plan), a plan whose platforms are found by their
    form, and a PDF over pages."""
    folder.mkdir()
    for number, plan in enumerate(generate(240, seed=5), start=1):
        (folder / f"synth-{number:03d}.txt").write_text(render_word_text(plan), encoding="utf-8")
    extra = [
        # A chain of notices citing each other by 文号, and one never loaded (a Notice placeholder).
        *sorted((ROOT / "tests" / "fixtures" / "chain").glob("*.txt")),
        SEED_TXT,
        FORMATS / "seed.pdf",
        FORMATS / "spanning.pdf",
        ROOT / "tests" / "fixtures" / "entities" / "zj-2024-digital-reform-example.txt",
    ]
    for path in extra:
        shutil.copy(path, folder / path.name)
    # The generated chain: rows to bodies, notices citing two, an undated notice matched by its title (a guess).
    for name, data in render_chain(CHAIN.notices, "txt").items():
        (folder / name).write_bytes(data)
    return sorted(folder.iterdir())


def _dump(driver: Any) -> tuple[Counter[str], Counter[str]]:
    keys = {label: node.key for label, node in load_schema().nodes.items()}

    def key_of(labels: list[str], props: dict[str, Any]) -> str:
        return f"{labels[0]}:{props[keys[labels[0]]]}"

    nodes, _, _ = driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    node_rows: Counter[str] = Counter()
    for record in nodes:
        props = {k: v for k, v in record["props"].items() if k not in VOLATILE}
        node_rows[json.dumps([sorted(record["labels"]), props], sort_keys=True, ensure_ascii=False)] += 1
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN labels(a) AS la, properties(a) AS pa, type(r) AS type, properties(r) AS pr, "
        "labels(b) AS lb, properties(b) AS pb"
    )
    rel_rows: Counter[str] = Counter()
    for record in rels:
        ends = [key_of(record["la"], record["pa"]), record["type"], key_of(record["lb"], record["pb"])]
        rel_rows[json.dumps([ends, record["pr"]], sort_keys=True, ensure_ascii=False)] += 1
    return node_rows, rel_rows


def test_the_bulk_load_builds_the_graph_the_transactional_load_builds(
    driver: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small groups, so that shared nodes are written across many transactions in both paths.
    monkeypatch.setattr(loading, "GROUP_PROJECTS", 60)
    # Small import files, so that rows whose fields span lines are read from many parts, beside parts without.
    monkeypatch.setattr("fundgraph.graph.bulk.PART_CHARS", 20_000)
    files = _corpus(tmp_path / "plans")
    loaded = loading.load_paths(driver, files, workers=1).loaded
    assert [r.status for r in loaded].count("unchanged") == 1  # seed.pdf after the seed's text
    expected = _dump(driver)
    # The fixture chain's two rows passed down a level (广东省 and 韶关市 to the notices of their finance offices),
    # and the generated chain's.
    assert sum(n for row, n in expected[1].items() if '"PASSED_DOWN_BY"' in row) == 2 + CHAIN.links
    expected_findings = [f.as_dict() for f in run_findings(driver)]

    server = LocalServer(home=tmp_path / "bulk", port=free_port(), jars=ROOT / ".neo4j", heap="1g", pagecache="256m")

    def connect(s: LocalServer) -> Any:
        return GraphDatabase.driver(s.uri, auth=("neo4j", s.password() or ""))

    def plans_in(s: LocalServer) -> int:
        bulk = connect(s)
        try:
            return int(bulk.execute_query("MATCH (p:Plan) RETURN count(p) AS n").records[0]["n"])
        finally:
            bulk.close()

    try:
        result = bulk_load(server, connect, files, workers=2)
        assert result.plans == len(loaded) - 1
        assert not (Path.cwd() / "import.report").exists()  # the importer's report goes to the server's logs
        assert [Path(p).name for p in result.skipped] == ["seed.pdf"]
        # The prepare step's CPU: the two workers parsed and extracted (their CPU reached this process once they
        # were waited for); this process merged and wrote.
        assert result.cpu_seconds["prepare_workers"] > 0 and result.cpu_seconds["prepare_loader"] > 0
        bulk = connect(server)
        try:
            got = _dump(bulk)
            constraints, _, _ = bulk.execute_query("SHOW CONSTRAINTS YIELD name RETURN count(*) AS n")
        finally:
            bulk.close()
        assert got[0] == expected[0], (
            "nodes differ",
            sorted((got[0] - expected[0]).elements())[:3],
            sorted((expected[0] - got[0]).elements())[:3],
        )
        assert got[1] == expected[1], "relationships differ"
        # The tallies, counted in Python from the elements and imported with them, are the writer's (compared above).
        assert sum(got[0].values()) == result.nodes and sum(got[1].values()) == result.relationships
        assert any(json.loads(row)[0] == ["OrganizationTally"] for row in got[0])
        assert constraints[0]["n"] == len(load_schema().nodes)
        # Every finding rule gives the same findings, in the same order, on the two stores: the same graph laid out
        # differently on disk (the importer's order, not the writer's) must not change an audit.
        bulk = connect(server)
        try:
            got_findings = [f.as_dict() for f in run_findings(bulk)]
        finally:
            bulk.close()
        assert len(got_findings) == len(expected_findings) > 0
        for ours, theirs in zip(got_findings, expected_findings, strict=True):
            assert ours == theirs, {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]}
        # A store with data is not replaced unless asked.
        with pytest.raises(StoreNotEmpty, match="--replace"):
            bulk_load(server, connect, files[:1], workers=1)
        synthetic = [f for f in files if f.name.startswith("synth-")][:3]
        again = bulk_load(server, connect, synthetic, workers=1, replace=True)
        assert again.plans == 3 and again.skipped == []
        assert again.cpu_seconds["prepare_workers"] == 0  # one worker is a thread of this process
        assert plans_in(server) == 3
        # With strict, a file that does not read stops the load with its location, before the store is touched.
        bad = tmp_path / "bad" / "zz-bad.csv"
        bad.parent.mkdir()
        bad.write_text("序号,项目名称,金额（万元）\n1,某项目,十二\n合计,,12\n", encoding="utf-8")
        with pytest.raises(ParseError) as failed:
            bulk_load(server, connect, [*synthetic, bad], workers=2, replace=True, strict=True)
        assert "zz-bad.csv" in str(failed.value)
        assert plans_in(server) == 3
        # Without it, as the transactional load: the others load, the refused one is kept with its error.
        partial = bulk_load(server, connect, [*synthetic[:2], bad], workers=2, replace=True)
        assert partial.plans == 2 and [Path(r.path).name for r in partial.refused] == ["zz-bad.csv"]
        assert plans_in(server) == 2
        bulk = connect(server)
        try:
            query = "MATCH (d:Document {status: 'refused'}) RETURN d.path AS p, d.error AS e, d.refusal AS r"
            [kept] = bulk.execute_query(query).records
        finally:
            bulk.close()
        assert kept["p"] == str(bad) and "zz-bad.csv" in kept["e"]
        # Its error as a message as well (to say in zh or en), which in English is the error kept.
        said = json.loads(kept["r"])
        assert said["args"]["reason"]["code"] == "refusal_amount_not_a_number"
        assert render(said["code"], said["args"], "en") == kept["e"]
        # Nothing that reads: the store is left as it was, not replaced by an empty one.
        with pytest.raises(ParseError, match="no document could be read") as nothing:
            bulk_load(server, connect, [bad], workers=1, replace=True)
        assert nothing.value.arguments["first"]["code"] == "refused_at"
        assert plans_in(server) == 2
    finally:
        server.stop()
