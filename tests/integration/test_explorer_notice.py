"""A notice's page in the explorer, in a real browser against `fundgraph serve` and the real Neo4j: a level finding
opens on its notice, which shows its chain up and down and, per link, the rows passed down with the difference, each
amount opening its cell in the viewer; documents link to their notice's page; a 文号 finds it.

The chain is fundgraph.synth's (tests/fixtures/chain passes every 万元 on; this one plants a level 10 万元 short and
45 days late), written as text files and loaded the way `fundgraph load` loads them. With FUNDGRAPH_DOC_SHOTS=1 the
page is also shot into docs/screenshots/notice-chain.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bench.loadtest import start_server
from fundgraph.audit.findings import Finding, run_findings
from fundgraph.loading import load_paths
from fundgraph.localserver import free_port
from fundgraph.synth import generate_chain, render_chain
from tests.conftest import server_env
from tests.integration import test_explorer as explorer
from tests.integration.test_explorer import AUDITOR_KEY, READER_KEY, _open
from tests.integration.test_explorer_documents import _shoot

browser = explorer.browser
page = explorer.page


@pytest.fixture(scope="module")
def loaded(session_driver: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    folder = tmp_path_factory.mktemp("chain")
    for name, data in render_chain(generate_chain(seed=3).notices, "txt").items():
        (folder / name).write_bytes(data)
    report = load_paths(session_driver, [folder])
    assert not report.refused and len(report.loaded) == len(generate_chain(seed=3).notices)
    return session_driver


@pytest.fixture(scope="module")
def short(loaded: Any) -> Finding:
    """The planted shortfall of 湖南省 (the chain plants others too), as the rule finds it: the upper row's cell
    first, the lower notice's citation last."""
    found = run_findings(loaded, rules=["not_passed_down_in_full"])
    [finding] = [f for f in found if f.severity == "high" and f.projects[0].name == "湖南省"]
    return finding


@pytest.fixture(scope="module")
def base_url(loaded: Any, neo4j_server: Any) -> Iterator[str]:
    port = free_port()
    server = start_server(server_env(neo4j_server), port, keys=f"alice:auditor:{AUDITOR_KEY},bob:reader:{READER_KEY}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wenhao(driver: Any, doc_id: str | None) -> str:
    records, _, _ = driver.execute_query("MATCH (d:Document {doc_id: $d}) RETURN d.wenhao AS w", d=doc_id)
    return str(records[0]["w"])


def test_a_level_finding_opens_on_its_notice_with_the_chain_and_the_shortfall(
    page: Any, base_url: str, loaded: Any, short: Finding
) -> None:
    upper, lower = short.evidence[0].doc_id, short.evidence[-1].doc_id
    _open(page, base_url, "findings?severity=high")
    finding = page.locator("details.finding[data-rule=not_passed_down_in_full]")
    finding = finding.filter(has_text=re.compile(r"湖南省[:：]"))
    finding.locator(":scope > summary").click()
    finding.locator("a.open-chain").click()
    page.wait_for_selector("section.link")
    assert f"#/notice/{lower}" in page.url
    assert page.locator("main h1").inner_text() == _wenhao(loaded, lower)

    # The levels: the Ministry's notice above as a link to its page, what it cites (not loaded) above that, the
    # cities' notices below.
    assert page.locator(f"li.level[data-level='-1'] a.notice-ref[data-doc='{upper}']").inner_text() == _wenhao(
        loaded, upper
    )
    assert "财农〔2023〕7号" in page.locator("li.level[data-level='-2'] span.notice-ref.not-loaded").inner_text()
    assert page.locator("li.level[data-level='1'] a.notice-ref").count() == 2

    # The link from the Ministry: the 45 days beyond the limit, and the row the finding is about with its shortfall.
    link = page.locator(f"section.link[data-upper='{upper}'][data-lower='{lower}']")
    assert link.locator(".days.late").get_attribute("data-days") == "45"
    row = link.locator("tr.passed-row.focus")
    assert row.get_attribute("data-project") == short.projects[0].project_id
    difference = row.locator(".difference")
    assert difference.get_attribute("data-difference") == "-" + short.details["difference"] == "-10"
    assert "short" in (difference.get_attribute("class") or "")
    # 长沙市 passed its share on in full; 株洲市 allocates 120 more, citing a notice not loaded.
    assert sorted(
        d.get_attribute("data-difference")
        for d in page.locator(f"section.link[data-upper='{lower}'] .difference").all()
    ) == ["0", "120"]
    findings = page.locator("ul.notice-findings li")
    assert {findings.nth(i).get_attribute("data-rule") for i in range(findings.count())} >= {
        "not_passed_down_in_full",
        "passed_down_late",
    }
    page.evaluate("() => window.scrollTo(0, 0)")
    _shoot(page, "notice-chain")

    # What was received opens at its cell in the Ministry's notice.
    row.locator("a.cell-link.received").click()
    page.wait_for_selector("ol.doc-lines li.cited")
    assert f"#/document/{upper}" in page.url
    assert short.projects[0].name in page.locator("ol.doc-lines li.cited").inner_text()
    page.watch.clean()


def test_the_notice_page_speaks_english(page: Any, base_url: str, short: Finding) -> None:
    _open(page, base_url, f"notice/{short.evidence[-1].doc_id}")
    page.wait_for_selector("section.link")
    page.click("header [data-lang=en]")
    page.wait_for_selector("section.link")
    assert "Received" in page.locator("table.passed-down thead").first.inner_text()
    assert "beyond the 30-day limit" in page.locator(".days.late").first.inner_text()
    assert page.locator("li.level[data-level='-2'] span.notice-ref.not-loaded").inner_text().endswith("not loaded")
    page.click("header [data-lang=zh]")
    page.watch.clean()


def test_documents_and_a_wenhao_lead_to_the_notice(page: Any, base_url: str, loaded: Any, short: Finding) -> None:
    lower = short.evidence[-1].doc_id
    _open(page, base_url, "documents")
    page.locator(f"a.notice-chain[data-doc='{lower}']").click()
    page.wait_for_url(f"**/#/notice/{lower}")
    page.wait_for_selector("section.link")
    # In the viewer too.
    _open(page, base_url, f"document/{lower}")
    page.locator(f"a.notice-chain[data-doc='{lower}']").click()
    page.wait_for_url(f"**/#/notice/{lower}")
    page.wait_for_selector("section.link")
    # Typed with other brackets, the 文号 finds its notice.
    typed = _wenhao(loaded, lower).replace("〔", "[").replace("〕", "]")
    _open(page, base_url, f"notice?wenhao={typed}")
    # The notice's page is on screen already (the same one): wait for the 文号's answer to lead back to it.
    page.wait_for_url(f"**/#/notice/{lower}")
    page.wait_for_selector("section.link")
    # A notice only cited says so; a reader sees the chain too.
    _open(page, base_url, "notice?wenhao=财农〔2023〕7号", key=READER_KEY)
    page.wait_for_selector("main p.not-loaded")
    page.watch.clean()


def test_a_notice_not_loaded_is_a_not_found(page: Any, base_url: str) -> None:
    _open(page, base_url, f"notice/{'0' * 64}")
    page.wait_for_selector(".error-box[data-code=not_found]")
    page.watch.clean(expected="404")


@pytest.fixture(autouse=True)
def _bundle_built() -> None:
    """The explorer's bundle must hold this page: a stale one (built before it) would fail every test obscurely."""
    from fundgraph.api.routers.explorer import BUNDLE

    if BUNDLE.is_file():
        assert "notice.open" in BUNDLE.read_text(encoding="utf-8"), "the explorer bundle is stale: `make web`"
