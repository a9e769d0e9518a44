"""The CLI as a user runs it, in a subprocess against the suite's server."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from tests.conftest import FORMATS, SEED_DOCX, SEED_TXT, SEED_XLSX, count_nodes, run_cli
from tests.layouts import HOSTILE_NAMES, hostile_names_plan


def count_plans(driver: Any) -> int:
    return int(driver.execute_query("MATCH (p:Plan) RETURN count(p) AS n").records[0]["n"])


def test_load_then_count_then_reload(driver: Any, cli_env: dict[str, str]) -> None:
    first = run_cli("load", str(SEED_TXT), "--json", env=cli_env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)[0]["status"] == "created"
    again = run_cli("load", str(SEED_TXT), str(SEED_DOCX), str(SEED_XLSX), "--json", env=cli_env)
    assert [r["status"] for r in json.loads(again.stdout)] == ["unchanged"] * 3
    counted = run_cli("cypher", "MATCH (p:Project) RETURN count(p) AS n", "--json", env=cli_env)
    assert json.loads(counted.stdout) == [{"n": 11}]


def test_query_json_keeps_money_as_decimal_strings(driver: Any, cli_env: dict[str, str]) -> None:
    run_cli("load", str(SEED_TXT), env=cli_env)
    result = run_cli("query", "concentration", "-p", "by=implementer", "-p", "year=2024", "--json", env=cli_env)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["group"] == "广东省地方金融管理局" and rows[0]["amount"] == "1545.5986"
    as_written = run_cli("query", "concentration", "-p", "canonical=false", "--json", env=cli_env)
    assert json.loads(as_written.stdout)[0]["group"] == "省地方金融管理局"
    human = run_cli("query", "concentration", "-p", "by=implementer", env=cli_env)
    assert "39.62%" in human.stdout and "hhi: 2519.4" in human.stdout


def test_cypher_file_with_params_and_refusals(driver: Any, cli_env: dict[str, str], tmp_path: Path) -> None:
    run_cli("load", str(SEED_TXT), env=cli_env)
    query_file = tmp_path / "big.cypher"
    query_file.write_text(
        "// name: big\n// params: min: string = 500\n"
        "MATCH (p:Project) WHERE p.amount_fen >= toInteger($min) * 1000000 "
        "RETURN p.seq AS seq ORDER BY toInteger(p.seq)\n",
        encoding="utf-8",
    )
    result = run_cli("cypher", "--file", str(query_file), "-p", "min=700", "--json", env=cli_env)
    assert json.loads(result.stdout) == [{"seq": "3"}, {"seq": "4"}]
    refused = run_cli("cypher", "MATCH (p:Project) DETACH DELETE p", env=cli_env)
    assert refused.returncode == 5 and "read-only" in refused.stderr
    assert count_nodes(driver) > 0


def test_bad_input_is_refused_naming_the_cell_and_the_rest_loads(
    driver: Any, cli_env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "tbd.txt"
    bad.write_text(SEED_TXT.read_text(encoding="utf-8").replace("\t400\n", "\t待定\n"), encoding="utf-8")
    strict = run_cli("load", str(SEED_TXT), str(bad), "--strict", env=cli_env)
    assert strict.returncode == 2
    assert "tbd.txt" in strict.stderr and "row 3" in strict.stderr and "column 7" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert count_nodes(driver) == 0
    result = run_cli("load", str(SEED_TXT), str(bad), env=cli_env)
    assert result.returncode == 6, result.stderr
    assert "tbd.txt" in result.stderr and "row 3" in result.stderr and "Traceback" not in result.stderr
    assert "verified" in result.stdout and str(SEED_TXT) in result.stdout
    assert count_plans(driver) == 1
    listed = run_cli("documents", "--refused", "--json", env=cli_env)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["path"] == str(bad) and row["status"] == "refused" and "column 7" in row["error"]
    assert row["refusal"]["args"]["reason"]["code"] == "refusal_amount_not_a_number"
    # Loaded again in Chinese: refused again, its reason said in Chinese, the place too.
    in_chinese = run_cli("load", str(bad), env={**cli_env, "FUNDGRAPH_LANG": "zh"})
    assert in_chinese.returncode == 2, in_chinese.stderr
    assert "第3行，第7列" in in_chinese.stderr and "金额“待定”不是数字" in in_chinese.stderr
    assert "not a number" not in in_chinese.stderr
    everything = json.loads(run_cli("documents", "--json", env=cli_env).stdout)
    assert sorted(r["status"] for r in everything) == ["refused", "verified"]
    # Both are in the archive, the refused one too, as their bytes: what every cited doc_id stands for.
    from fundgraph.graph.archive import fetch

    kept = Path(cli_env["FUNDGRAPH_ARCHIVE"])
    assert {fetch(kept, r["doc_id"]) for r in everything} == {SEED_TXT.read_bytes(), bad.read_bytes()}
    nothing = run_cli("load", str(bad), env=cli_env)
    assert nothing.returncode == 2 and "0 loaded" in nothing.stderr


def test_a_large_load_reads_in_worker_processes_and_one_bad_file_is_refused_alone(
    driver: Any, cli_env: dict[str, str], tmp_path: Path
) -> None:
    from fundgraph.loading import PARALLEL_FROM_FILES

    corpus = tmp_path / "corpus"
    assert run_cli("synth", str(corpus), "--projects", "2400", "--seed", "3", env=cli_env).returncode == 0
    files = sorted(corpus.iterdir())
    assert len(files) >= PARALLEL_FROM_FILES, "enough files for the worker processes"
    bad = corpus / "zz-bad.txt"
    bad.write_text(SEED_TXT.read_text(encoding="utf-8").replace("\t400\n", "\t待定\n"), encoding="utf-8")
    refused = run_cli("load", str(corpus), "--strict", env=cli_env)
    assert refused.returncode == 2 and "zz-bad.txt" in refused.stderr and "row 3" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert count_nodes(driver) == 0
    partial = run_cli("load", str(corpus), "--json", env=cli_env)
    assert partial.returncode == 6 and "1 document(s) refused" in partial.stderr
    rows = json.loads(partial.stdout)
    assert [r["status"] for r in rows if r["path"] == str(bad)] == ["refused"]
    assert sum(r.get("projects", 0) for r in rows) == 2400
    driver.execute_query("MATCH (n) DETACH DELETE n")
    bad.unlink()
    loaded = run_cli("load", str(corpus), "--json", env=cli_env)
    assert loaded.returncode == 0, loaded.stderr
    rows = json.loads(loaded.stdout)
    assert [r["path"] for r in rows] == [str(f) for f in files]
    assert {r["status"] for r in rows} == {"created"} and sum(r["projects"] for r in rows) == 2400
    records, _, _ = driver.execute_query("MATCH (p:Project) RETURN count(p) AS n")
    assert records[0]["n"] == 2400


def test_parse_json_touches_no_database(tmp_path: Path) -> None:
    result = run_cli(
        "parse", str(SEED_XLSX), "--json", env={"PATH": "/usr/bin:/bin", "NEO4J_URI": "bolt://127.0.0.1:1"}
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["stated_total"] == plan["computed_total"] == "3901"
    assert plan["projects"][3]["amount"] == "725.4014" and plan["projects"][3]["source"]["row"] == 8
    entities = plan["projects"][9]["entities"]
    assert entities["implementer"] == {
        "name": "广东省地方金融管理局",
        "as_written": "省地方金融管理局",
        "resolved_by": "reference",
    }
    platforms = {p["name"]: p for p in entities["platforms"]}
    sme = platforms["广东省中小企业融资平台"]
    assert (sme["roles"], sme["source"], sme["confidence"]) == (["secures"], "gazetteer", 1.0)
    assert set(plan) >= {
        "doc_id",
        "path",
        "format",
        "title",
        "attachment",
        "year",
        "fund",
        "programme",
        "unit",
        "notes",
        "projects",
        "problems",
    }


def test_status_is_truthful_when_nothing_listens(tmp_path: Path) -> None:
    from fundgraph.localserver import free_port

    env = {
        "PATH": "/usr/bin:/bin",
        "NEO4J_URI": f"bolt://127.0.0.1:{free_port()}",
        "FUNDGRAPH_NEO4J_HOME": str(tmp_path),
    }
    result = run_cli("neo4j", "status", env=env)
    assert result.returncode == 1 and "not answering" in result.stdout


def test_files_that_cannot_be_read_refuse_the_load_and_a_scan_needs_consent(
    driver: Any, cli_env: dict[str, str]
) -> None:
    for name, words in (("encrypted.pdf", "encrypted"), ("cut.pdf", "cut short"), ("no-text.png", "no text")):
        result = run_cli("load", str(SEED_TXT), str(FORMATS / name), env=cli_env)
        assert result.returncode == 6, (name, result.stderr)
        assert name in result.stderr and words in result.stderr and "Traceback" not in result.stderr
        assert count_plans(driver) == 1
    page = str(FORMATS / "seed-scan-page1.jpg")
    driver.execute_query("MATCH (n) DETACH DELETE n")
    refused = run_cli("load", page, env=cli_env)
    assert refused.returncode == 2 and "--accept-unverified" in refused.stderr
    assert count_plans(driver) == 0
    accepted = run_cli("load", page, "--accept-unverified", "--json", env=cli_env)
    assert accepted.returncode == 0, accepted.stderr
    [row] = json.loads(accepted.stdout)
    assert row["status"] == "created" and "ocr_unverified" in row["problems"]


def test_export_csv_writes_names_a_spreadsheet_would_run_as_text(
    driver: Any, cli_env: dict[str, str], tmp_path: Path
) -> None:
    plan = tmp_path / "hostile.txt"
    plan.write_text(hostile_names_plan(), encoding="utf-8")
    loaded = run_cli("load", str(plan), env=cli_env)
    assert loaded.returncode == 0, loaded.stderr
    exported = run_cli("export", str(tmp_path / "out"), "--format", "csv", env=cli_env)
    assert exported.returncode == 0, exported.stderr
    with (tmp_path / "out" / "nodes.csv").open(encoding="utf-8", newline="") as handle:
        nodes = list(csv.DictReader(handle))
    names = {row["name"] for row in nodes if row["name"]}
    assert {f"'{name}" for name in HOSTILE_NAMES.values()} <= names
    assert not {name for name in names if name.startswith(("=", "+", "-", "@", "\t", "\r"))}
    amounts = {row["name"]: row["amount"] for row in nodes if row["label"] == "Project"}
    # Numbers stay numbers: the second project's -3 万元 is not turned into text.
    assert amounts == {'\'=HYPERLINK("http://x","y")': "100", "'-2+3项目": "-3"}
    with (tmp_path / "out" / "edges.csv").open(encoding="utf-8", newline="") as handle:
        edges = list(csv.DictReader(handle))
    ends = {row["source"] for row in edges} | {row["target"] for row in edges}
    assert {"'org:@SUM(A1)", "'org:+cmd", "'org:-2+3"} & ends == set()  # keys start with org:, so are left alone
    assert {"org:@SUM(A1)", "org:+cmd"} <= ends
    # The CLI names documents by the path they were loaded from (the API by base name: fundgraph/api/paths.py).
    documents = json.loads(run_cli("query", "documents", "--json", env=cli_env).stdout)
    assert [d["path"] for d in documents] == [str(plan)]
    every_cell = [cell for row in nodes + edges for cell in row.values()]
    risky = [c for c in every_cell if c and c[0] in "=+-@\t\r" and not re.fullmatch(r"[+-]?[0-9.]+", c)]
    assert risky == []


def test_a_refused_notice_loads_by_its_kept_recipe(driver: Any, cli_env: dict[str, str], tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(
        "关于下达2024年某项资金的通知\n\n|序号|单位|数目|\n|1|甲县农业局|120|\n|2|乙县水利局|80.5|\n|合计||200.5|\n",
        encoding="utf-8",
    )
    recipes = tmp_path / "recipes"
    recipes.mkdir()
    env = {**cli_env, "FUNDGRAPH_RECIPES": str(recipes)}
    explained = run_cli("parse", str(notice), "--explain", "--json", env=env)
    assert explained.returncode == 2
    report = json.loads(explained.stdout)
    assert {"separator": "|", "lines": [3, 5], "first": "|序号|单位|数目|"} in report["line_blocks"]
    assert run_cli("load", str(notice), env=env).returncode == 2
    (recipes / "notice.yaml").write_text(
        f"document: '{report['doc_id']}'\nlines: [3, 6]\ncolumns: {{name: 2, amount: 3}}\nunit: 万元\n",
        encoding="utf-8",
    )
    loaded = run_cli("load", str(notice), "--json", env=env)
    assert loaded.returncode == 0, loaded.stderr
    [row] = json.loads(loaded.stdout)
    assert row["reading"] == "verified" and row["projects"] == 2
    records = driver.execute_query(
        "MATCH (p:Plan)-[:FROM_DOCUMENT]->(d:Document) RETURN p.read_by AS by, d.status AS status, d.error AS error"
    ).records
    assert [(r["by"], r["status"], r["error"]) for r in records] == [("recipe", "verified", None)]
