"""The findings on the seed, through Python, the CLI and the HTML report rendered in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from fundgraph.audit.findings import Finding, run_findings
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import write_plan
from fundgraph.loaders import parse_path
from tests.conftest import CHROMIUM_FLAGS, ROOT, SEED_TXT, run_cli

ARTIFACTS = ROOT / "artifacts"


@pytest.fixture()
def seed_findings(driver: Any) -> list[Finding]:
    write_plan(driver, plan_elements(parse_path(SEED_TXT)))
    return run_findings(driver, year=2024, database="neo4j")


def _by_rule(found: list[Finding], rule: str) -> list[Finding]:
    return [f for f in found if f.rule == rule]


def test_duplicate_services_on_the_shared_platforms(seed_findings: list[Finding]) -> None:
    duplicates = {
        (f.details["platform"], f.details["role"], tuple(p.seq for p in f.projects))
        for f in _by_rule(seed_findings, "duplicate_service")
    }
    assert duplicates == {
        ("广东省中小企业融资平台", "maintains", ("6", "7")),
        ("广东省中小企业融资平台", "secures", ("10", "11")),
        ("广东省地方金融风险监测防控平台", "operates", ("8", "9")),
        ("广东省地方金融风险监测防控平台", "upgrades", ("8", "9")),
    }
    security = next(f for f in _by_rule(seed_findings, "duplicate_service") if f.details["role"] == "secures")
    assert security.details["work_years"] == {"10": [2023], "11": [2024]} and security.severity == "high"


def test_cross_year_pass_through_totals_and_money_in_text(seed_findings: list[Finding]) -> None:
    assert sorted(p.seq for f in _by_rule(seed_findings, "cross_year") for p in f.projects) == ["10", "8"]
    [through] = _by_rule(seed_findings, "pass_through")
    assert through.details == {"applicant": "潮州市金融局", "implementer": "粤财普惠金融（潮州）融资担保股份有限公司"}
    [total] = _by_rule(seed_findings, "total_reconciled")
    assert "3901" in total.title and total.evidence[0].text == "3901" and total.evidence[0].row == 13
    [money] = _by_rule(seed_findings, "amount_in_text_mismatch")
    assert "1197" in money.title and "612" in money.title and "70% of 1197 is 837.9, not 834.642" in money.title
    assert money.details["arithmetic"] == [
        {"base": "1197", "percent": "70", "stated": "834.642", "expected": "837.9", "agrees": False}
    ]


def test_every_finding_cites_its_cells(seed_findings: list[Finding]) -> None:
    assert {f.rule for f in seed_findings} >= {
        "duplicate_service",
        "platform_shared",
        "cross_year",
        "pass_through",
        "total_reconciled",
        "amount_in_text_mismatch",
        "alias_variants",
        "near_duplicate_text",
    }
    for finding in seed_findings:
        assert finding.evidence, finding.rule
        for cell in finding.evidence:
            assert cell.path and cell.path.endswith("000_bc106945e02cee55.txt") and cell.row is not None
            assert cell.text, finding.rule
    lines = SEED_TXT.read_text(encoding="utf-8").splitlines()
    for finding in seed_findings:
        for cell in finding.evidence:
            if cell.line is not None and finding.rule in {"cross_year", "pass_through", "total_reconciled"}:
                assert lines[cell.line - 1].strip() == cell.text  # the cited line holds the text quoted


def test_findings_json_from_the_cli(driver: Any, cli_env: dict[str, str]) -> None:
    run_cli("load", str(SEED_TXT), env=cli_env)
    result = run_cli("findings", "--year", "2024", "--json", env=cli_env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    first = found[0]
    assert set(first) >= {"rule", "severity", "title", "projects", "evidence"}
    assert set(first["projects"][0]) == {"plan_id", "project_id", "year", "seq", "name", "amount"}
    assert all(p["project_id"] for f in found for p in f["projects"] if p["seq"])
    assert set(first["evidence"][0]) == {"doc_id", "path", "row", "col", "line", "text"}
    assert [f["severity"] for f in found] == sorted((f["severity"] for f in found), key=["high", "medium", "low"].index)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_html_report_renders_in_headless_chromium(driver: Any, cli_env: dict[str, str]) -> None:
    chromium = _chromium()
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make browser` installs Debian's chromium")
        pytest.skip("chromium is not installed (`make browser`)")
    run_cli("load", str(SEED_TXT), env=cli_env)
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / "findings-2024.html"
    result = run_cli("findings", "--year", "2024", "--html", str(report), env=cli_env)
    assert result.returncode == 0, result.stderr
    page = report.read_text(encoding="utf-8")
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # self-contained
    with tempfile.TemporaryDirectory() as profile:
        flags = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run(
            [*flags, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120, check=True
        ).stdout
        screenshot = ARTIFACTS / "findings-2024.png"
        subprocess.run(
            [*flags, "--window-size=1300,2400", f"--screenshot={screenshot}", report.as_uri()],
            capture_output=True,
            timeout=120,
            check=True,
        )
    assert dom.count('class="finding"') == len(
        json.loads(run_cli("findings", "--year", "2024", "--json", env=cli_env).stdout)
    )
    assert "HHI 2519.4" in dom and "广东省地方金融管理局" in dom and "39.62%" in dom
    assert dom.count("<svg") == 2 and "platforms × projects".lower() in dom.lower()
    assert screenshot.stat().st_size > 50_000 and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_seeds_findings_in_chinese_in_the_report_and_the_cli(
    tmp_path: Path, driver: Any, cli_env: dict[str, str]
) -> None:
    """`findings --html --lang zh` and FUNDGRAPH_LANG=zh: every sentence is its code and args in Chinese, none of the
    English ones is left."""
    import html

    from fundgraph.vocabularies import render

    run_cli("load", str(SEED_TXT), env=cli_env)
    found = json.loads(run_cli("findings", "--year", "2024", "--json", env=cli_env).stdout)
    assert found and {"code", "args", "title"} <= set(found[0])
    target = tmp_path / "zh.html"
    assert run_cli("findings", "--year", "2024", "--html", str(target), "--lang", "zh", env=cli_env).returncode == 0
    page = html.unescape(target.read_text(encoding="utf-8"))
    listed = run_cli("findings", "--year", "2024", env={**cli_env, "FUNDGRAPH_LANG": "zh"}).stdout
    for finding in found:
        chinese = render(finding["code"], finding["args"], "zh")
        assert chinese != finding["title"] and chinese in page and finding["title"] not in page
        assert chinese.split("：")[-1][:20] in " ".join(listed.split())
    assert "<html lang='zh-CN'>" in page and "Findings" not in page
    refused = run_cli("findings", "--lang", "fr", env=cli_env)
    assert refused.returncode != 0 and "unknown language" in refused.stderr


def test_report_paths_are_written_where_asked(tmp_path: Path, driver: Any, cli_env: dict[str, str]) -> None:
    run_cli("load", str(SEED_TXT), env=cli_env)
    target = tmp_path / "out.html"
    assert run_cli("findings", "--html", str(target), env=cli_env).returncode == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_findings_on_platforms_no_gazetteer_lists_fire_for_the_labelled_projects(driver: Any) -> None:
    """The labelled example names only platforms found by their form: the overlap findings fire exactly for the
    projects its labels list, and say the platform is not yet reviewed."""
    import json as _json

    from tests.unit.test_discovery import EXAMPLE, LABELS

    labels = _json.loads(LABELS.read_text(encoding="utf-8"))["findings"]
    write_plan(driver, plan_elements(parse_path(EXAMPLE)))
    found = run_findings(driver, database="neo4j")
    shared = [f for f in found if f.rule == "platform_shared"]
    assert [sorted(int(p.seq) for p in f.projects) for f in shared] == [labels["platform_shared"]]
    assert all("not yet reviewed" in f.title for f in shared)
    cross = [f for f in found if f.rule == "cross_year"]
    assert sorted(int(p.seq) for f in cross for p in f.projects) == labels["cross_year"]
    assert not [f for f in found if f.rule == "duplicate_service"]


def test_findings_are_whole_past_the_row_cap(driver: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reads capped at 3 rows unless the caller asks for all: every finding still comes, with its document's path."""
    from fundgraph.audit import findings as findings_module
    from fundgraph.graph.store import read as real_read
    from fundgraph.loaders import parse_bytes
    from fundgraph.loaders.entities import extract_entities
    from fundgraph.synth import generate, render_word_text

    plans = [parse_bytes(render_word_text(p).encode(), f"synth-{i}.txt") for i, p in enumerate(generate(120, seed=3))]
    for plan in plans:
        write_plan(driver, plan_elements(plan))
    want = sum(
        1
        for plan in plans
        for found in extract_entities(plan).projects
        if found.applicant and found.implementer and found.applicant.canonical != found.implementer.canonical
    )
    assert want > 3 and len(plans) > 3

    def capped(*args: Any, row_cap: int | None = 3, **kwargs: Any) -> Any:
        return real_read(*args, row_cap=row_cap, **kwargs)

    monkeypatch.setattr(findings_module, "read", capped)
    found = run_findings(driver, rules=["pass_through"], database="neo4j")
    assert len(found) == want
    assert all(e.path and e.path.startswith("synth-") for f in found for e in f.evidence)


def test_findings_on_a_plan_loaded_unverified_say_so(driver: Any) -> None:
    from dataclasses import replace

    from fundgraph.loaders.model import Problem, Source

    plan = parse_path(SEED_TXT)
    unverified = Problem("ocr_unverified", "read by OCR with no stated total", Source(plan.doc_id))
    write_plan(driver, plan_elements(replace(plan, problems=(unverified,))))
    found = run_findings(driver, year=2024, database="neo4j")
    resting = [f for f in found if any(p.plan_id == plan.plan_id for p in f.projects)]
    assert resting
    for finding in resting:
        assert "read by OCR and not checked against a total" in finding.title
        assert finding.details["unverified_plans"] == [plan.plan_id]


def test_a_total_that_missing_amounts_may_make_up_is_unverified_not_a_mismatch(driver: Any) -> None:
    """11_chaozhou: one row's amount is missing, and with it the stated total would be met. No `total_mismatch`
    finding (high) is made; the plan's `total_unverified` problem is, saying what the missing amount must be."""
    from fundgraph.loaders import parse_plans

    (plan,) = parse_plans(ROOT / "tests" / "fixtures" / "corpus" / CHAOZHOU)
    write_plan(driver, plan_elements(plan))
    rules = {f.rule: f.title for f in run_findings(driver, rules=["totals"], database="neo4j")}
    assert "total_mismatch" not in rules and "total_reconciled" not in rules
    assert "only if they add up to -0.18" in rules["total_unverified"]


CHAOZHOU = "11_chaozhou-student-aid-2018-comma-sep-float-noise-TRUNCATED.txt"
