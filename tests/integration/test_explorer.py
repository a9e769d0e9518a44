"""The explorer in a real browser: Debian's chromium driven by Playwright, headless, against `fundgraph serve` on
loopback with the seed loaded and every request off the machine refused. Screenshots go to artifacts/explorer/."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from bench.loadtest import start_server
from fundgraph.api.routers.explorer import BUNDLE
from fundgraph.graph.elements import plan_elements
from fundgraph.graph.store import write_plan
from fundgraph.loaders import parse_path
from fundgraph.localserver import free_port
from tests.conftest import CHROMIUM_FLAGS, ROOT, SEED_TXT, server_env
from tests.layouts import HOSTILE_NAMES, hostile_names_plan

playwright_api = pytest.importorskip("playwright.sync_api")

AUDITOR_KEY = "auditor-explorer-key-0001"
READER_KEY = "reader-explorer-key-00002"
SHOTS = ROOT / "artifacts" / "explorer"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make browser` installs Debian's chromium")
        pytest.skip("chromium is not installed (`make browser`)")
    if not BUNDLE.is_file():
        pytest.fail("the explorer bundle is missing: `make web` builds it")
    return found


@pytest.fixture(scope="module")
def base_url(session_driver: Any, cli_env: dict[str, str]) -> Iterator[str]:
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))
    port = free_port()
    server = start_server(cli_env, port, keys=f"alice:auditor:{AUDITOR_KEY},bob:reader:{READER_KEY}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def cli_env(neo4j_server: Any) -> dict[str, str]:
    return server_env(neo4j_server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Watch:
    """What the page said on its console, and every request that tried to leave the machine (refused)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []

    def clean(self, expected: str | None = None) -> None:
        errors = [e for e in self.errors if not (expected and re.search(expected, e))]
        assert errors == [], errors
        assert self.outside == [], self.outside


@pytest.fixture()
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    watch = Watch()

    def route(route: Any) -> None:
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            watch.outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: watch.errors.append(f"uncaught: {e}"))
    tab.watch = watch
    yield tab
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def _open(page: Any, base_url: str, hash_: str, key: str = AUDITOR_KEY) -> None:
    """The page at a route, the key riding in the fragment with it (#/route?key=…), as a link would carry it."""
    page.goto(f"{base_url}/#/{hash_}{'&' if '?' in hash_ else '?'}key={key}")
    page.wait_for_selector("header.top")
    assert "key=" not in page.url, "the key is taken out of the address bar"


def _graph_ready(page: Any) -> None:
    page.wait_for_selector("section.graph[data-ready=true]", timeout=30_000)


def _nodes(page: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = page.evaluate(
        "() => window.fundgraphExplorer.cy.nodes().map(n => ({kind: n.data('kind'), seq: n.data('seq'),"
        " amount: n.data('amount'), caption: n.data('caption'), name: n.data('name')}))"
    )
    return nodes


def _click_element(page: Any, selector: str) -> None:
    """A real mouse click on a cytoscape node or edge, at the place it is drawn."""
    canvas = page.locator(".graph-canvas")
    canvas.scroll_into_view_if_needed()
    # cytoscape refreshes its cached container position a moment after a scroll.
    page.wait_for_timeout(400)
    box = canvas.bounding_box()
    point = page.evaluate(
        """(selector) => {
            const element = window.fundgraphExplorer.cy.$(selector)[0];
            return element.isEdge() ? element.renderedMidpoint() : element.renderedPosition();
        }""",
        selector,
    )
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_search_leads_to_the_platform_graph_with_its_projects_amounts_and_roles(page: Any, base_url: str) -> None:
    _open(page, base_url, "search")
    page.fill("input[name=q]", "中小企业融资平台")
    page.press("input[name=q]", "Enter")
    # The platform named with the words as written says so, before the texts that hold only some of them.
    first = page.locator(".search-group[data-kind=Platform] li >> nth=0")
    assert first.get_attribute("data-match") == "name" and "名称含检索词" in first.inner_text()
    page.click(".search-group[data-kind=Platform] a >> nth=0")
    _graph_ready(page)
    assert page.locator("h1").inner_text().endswith("广东省中小企业融资平台")
    projects = {n["seq"]: n for n in _nodes(page) if n["kind"] == "Project"}
    assert {"6", "7", "10", "11"} <= set(projects)
    assert [projects[s]["amount"] for s in ("6", "7", "10", "11")] == ["612", "49.282", "136.3166", "86"]
    assert "612 万元" in projects["6"]["caption"]
    captions = page.evaluate("() => window.fundgraphExplorer.cy.edges().map(e => e.data('caption'))")
    assert "运营、运维、升级改造 · 612 万元" in captions or any("运维" in c and "612 万元" in c for c in captions)
    assert any(c.startswith("安全运营 · 86 万元") for c in captions)
    # The projects table cites the cells the platform is named in.
    row_six = page.locator("table tr", has_text="612 万元")
    row_six.locator("details.prov summary").click()
    assert "第 7 行" in row_six.inner_text() and "省地方金融监管局中小企业融资平台" in row_six.inner_text()
    page.watch.clean()


def test_an_edge_shows_its_source_cell_and_a_click_expands_a_node(page: Any, base_url: str) -> None:
    _open(page, base_url, "entity/Platform/" + "广东省中小企业融资平台")
    _graph_ready(page)
    seven = page.evaluate("() => window.fundgraphExplorer.cy.nodes('[seq = \"7\"]').connectedEdges()[0].id()")
    _click_element(page, f'[id = "{seven}"]')
    panel = page.locator(".graph-panel")
    panel.locator("details.prov[open]").first.wait_for()
    assert "第 8 行" in panel.inner_text() and "第 2 列" in panel.inner_text()
    assert "广东省中小企业融资平台" in panel.locator(".cell-text").first.inner_text()
    assert "000_bc106945e02cee55.txt" in panel.inner_text()

    before = len(_nodes(page))
    _click_element(page, 'node[seq = "6"]')
    page.wait_for_function(f"() => window.fundgraphExplorer.cy.nodes().length > {before}")
    kinds = {n["kind"] for n in _nodes(page)}
    assert {"Organization", "Plan"} <= kinds, kinds
    assert (
        page.locator(".graph-panel .open-entity").get_attribute("href").endswith("Project/plan-2024-e18bcb81f6d6%2F6")
    )
    page.watch.clean()


def test_findings_list_the_duplicate_maintenance_and_cross_year_items_with_their_cells(
    page: Any, base_url: str
) -> None:
    _open(page, base_url, "findings")
    page.wait_for_selector("details.finding")
    titles = page.locator("details.finding summary").all_inner_texts()  # the page is in Chinese: so are they
    assert any("运行维护（运维）在2024年由序号6、7的项目重复安排" in t for t in titles)
    assert sum("2024年方案安排2023年的工作" in t for t in titles) == 2
    maintenance = page.locator("details.finding", has_text="在2024年由序号6、7的项目重复安排")
    evidence = maintenance.locator("ul.evidence")
    assert not evidence.is_visible()
    maintenance.locator(":scope > summary").click()
    assert evidence.is_visible()
    text = evidence.inner_text()
    assert "第 7 行" in text and "第 8 行" in text and "广东省中小企业融资平台运维服务项目" in text
    cross_year = page.locator("details.finding[data-rule=cross_year]").first
    cross_year.locator(":scope > summary").click()
    assert "（2023年）" in cross_year.locator("ul.evidence").inner_text()
    maintenance.locator("a.entity-link", has_text="广东省中小企业融资平台运维服务项目").click()
    page.wait_for_selector("[data-route=entity] dl.facts")
    assert "49.282 万元" in page.locator("dl.facts").inner_text()
    _graph_ready(page)
    page.watch.clean()


def test_findings_speak_the_pages_language(page: Any, base_url: str) -> None:
    """Each finding's sentence is its code and args rendered in the page's language, by the templates the schema
    gives: the same sentence fundgraph.vocabularies.render writes (the CLI, the HTML report)."""
    from fundgraph.vocabularies import render

    answer = page.request.get(
        f"{base_url}/api/v1/findings?limit=200", headers={"Authorization": f"Bearer {AUDITOR_KEY}"}
    )
    found = answer.json()["items"]
    assert found and all(f["code"] and f["title"] == render(f["code"], f["args"], "en") for f in found)
    _open(page, base_url, "findings")
    page.wait_for_selector("details.finding")
    shown = page.locator("details.finding .finding-title").all_inner_texts()
    assert shown == [render(f["code"], f["args"], "zh") for f in found[: len(shown)]]
    assert not any(f["title"] in shown for f in found)
    assert not any(re.search(r"\b(funded|plan|projects|applies)\b", text) for text in shown), shown
    page.click("header [data-lang=en]")
    page.wait_for_selector("details.finding .finding-title:has-text('funded in 2024')")
    shown = page.locator("details.finding .finding-title").all_inner_texts()
    assert shown == [f["title"] for f in found[: len(shown)]]
    page.click("header [data-lang=zh]")
    page.wait_for_selector("header nav [data-nav=search]:has-text('搜索')")
    page.watch.clean()


def test_concentration_shows_hhi_cr_k_and_n_for_implementers_in_2024(page: Any, base_url: str) -> None:
    _open(page, base_url, "concentration?by=implementer&year=2024")
    page.wait_for_selector("dl.stats")
    assert page.locator("[data-stat=hhi] dd").inner_text() == "2519.4"
    assert page.locator("[data-stat=cr1] dd").inner_text() == "39.62%"
    assert page.locator("[data-stat=cr3] dd").inner_text() == "78.72%"
    assert page.locator("[data-stat=n] dd").inner_text() == "6"
    assert page.locator("[data-stat=total] dd").inner_text() == "3,901 万元"
    assert page.locator(".chart canvas").bounding_box()["height"] > 100
    assert "1,545.5986 万元" in page.locator("table").inner_text()
    page.select_option("select[name=by]", "platform")
    page.wait_for_function("() => location.hash.includes('by=platform')")
    page.wait_for_selector("dl.stats")
    assert "广东省中小企业融资平台" in page.locator("table").inner_text()
    page.watch.clean()


def test_a_named_query_runs_from_its_form_and_downloads_as_csv(page: Any, base_url: str) -> None:
    _open(page, base_url, "queries/pass_through")
    page.wait_for_selector("form.query-form")
    assert page.locator("#param-year").get_attribute("type") == "number"
    page.fill("#param-year", "2024")
    page.click("form.query-form button[type=submit]")
    page.wait_for_selector(".results table")
    assert "粤财普惠金融（潮州）融资担保股份有限公司" in page.locator(".results table").inner_text()
    with page.expect_download() as download:
        page.click(".results .download")
    saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert saved.splitlines()[0].startswith("plan_id") or "implementer" in saved.splitlines()[0]
    assert "粤财普惠金融（潮州）融资担保股份有限公司" in saved

    _open(page, base_url, "queries/graph")
    page.fill("#param-name", "广东股交")
    page.click("form.query-form button[type=submit]")
    page.click(".results button[data-view=graph]")
    _graph_ready(page)
    assert "广东股权交易中心股份有限公司" in [n["name"] for n in _nodes(page)]
    page.watch.clean()


def test_the_console_highlights_completes_and_refuses_a_write(page: Any, base_url: str, session_driver: Any) -> None:
    _open(page, base_url, "console")
    page.wait_for_selector(".editor .cm-content")
    assert page.locator(".editor .cm-content span").count() > 3, "the Cypher is highlighted"
    page.evaluate("() => window.fundgraphExplorer.editor.setValue('')")
    page.click(".editor .cm-content")
    page.keyboard.type("MATCH (n:Pla")
    page.wait_for_selector(".cm-tooltip-autocomplete")
    assert "Platform" in page.locator(".cm-tooltip-autocomplete").inner_text()
    page.keyboard.press("Escape")

    page.evaluate("() => window.fundgraphExplorer.editor.setValue(\"CREATE (:Organization {org_id: 'x'}) RETURN 1\")")
    page.click("button.run")
    refusal = page.locator(".error-box")
    refusal.wait_for()
    assert refusal.get_attribute("data-code") == "query_refused"
    assert "查询被拒绝" in refusal.inner_text()
    records, _, _ = session_driver.execute_query("MATCH (o:Organization {org_id: 'x'}) RETURN count(o) AS n")
    assert records[0]["n"] == 0

    page.evaluate(
        "() => window.fundgraphExplorer.editor.setValue("
        "'MATCH (p:Project)-[c:CONCERNS]->(f:Platform) WHERE p.seq = \"7\" RETURN p, c, f')"
    )
    page.click(".editor .cm-content")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".results table")
    page.click(".results button[data-view=graph]")
    _graph_ready(page)
    assert {n["kind"] for n in _nodes(page)} == {"Project", "Platform"}
    page.watch.clean(expected="status of 400")


def test_a_reader_does_not_see_the_console(page: Any, base_url: str) -> None:
    _open(page, base_url, "search", key=READER_KEY)
    assert page.locator("header nav [data-nav=console]").count() == 0
    assert page.locator("header nav [data-nav=findings]").count() == 1
    page.goto(f"{base_url}/#/console")
    page.wait_for_selector("main .notice")
    assert page.locator(".editor").count() == 0
    page.watch.clean()


def test_the_key_is_asked_once_and_a_wrong_one_is_refused(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/findings")
    page.wait_for_selector("form.key-form")
    page.fill("form.key-form input", "not-the-right-key-at-all")
    page.click("form.key-form button")
    page.wait_for_selector("form.key-form .error")
    page.fill("form.key-form input", AUDITOR_KEY)
    page.click("form.key-form button")
    page.wait_for_selector("details.finding")
    page.reload()
    page.wait_for_selector("details.finding")  # kept for the browser session: not asked again
    page.watch.clean(expected="status of 401")


def test_english_on_request_with_the_unit_shown(page: Any, base_url: str) -> None:
    _open(page, base_url, "entity/Project/plan-2024-e18bcb81f6d6%2F6")
    page.wait_for_selector("dl.facts")
    assert "612 万元" in page.locator("dl.facts").inner_text() and "申报单位" in page.locator("dl.facts").inner_text()
    page.click("header [data-lang=en]")
    page.wait_for_selector("header nav [data-nav=search]:has-text('Search')")
    page.wait_for_selector("dl.facts")
    facts = page.locator("dl.facts").inner_text()
    assert "Applicants" in facts and "612 万元 (10k yuan)" in facts
    assert page.evaluate("() => document.documentElement.lang") == "en"
    page.click("header [data-lang=zh]")
    page.wait_for_selector("header nav [data-nav=search]:has-text('搜索')")
    _graph_ready(page)
    page.watch.clean()


def test_the_key_in_the_url_serve_prints_or_an_old_link_leaves_the_address_bar(page: Any, base_url: str) -> None:
    served: list[str] = []
    page.on("request", lambda request: served.append(request.url))
    page.goto(f"{base_url}/#key={READER_KEY}")
    page.wait_for_selector("[data-route=home]")  # the opening page
    assert page.url == f"{base_url}/"
    assert page.evaluate("() => sessionStorage.getItem('fundgraph.key')") == READER_KEY
    assert not [url for url in served if READER_KEY in url], "a fragment is never sent to the server"
    page.go_back()
    assert READER_KEY not in page.url, "replaced, not pushed: Back does not bring the key back"

    # An old link's ?key= (it did reach the server) is still taken, and the auditor's key replaces the reader's.
    page.goto(f"{base_url}/?key={AUDITOR_KEY}#/concentration?by=implementer&year=2024")
    page.wait_for_selector("dl.stats")
    assert page.url == f"{base_url}/#/concentration?by=implementer&year=2024"
    assert "alice" in page.locator("header .who").inner_text()
    page.watch.clean()


def test_a_csv_download_writes_names_a_spreadsheet_would_run_as_text(
    page: Any, base_url: str, session_driver: Any, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(hostile_names_plan(), encoding="utf-8")
    write_plan(session_driver, plan_elements(parse_path(hostile)))
    try:
        _open(page, base_url, "entity/Organization/" + quote(HOSTILE_NAMES["implementer"], safe=""))
        page.wait_for_selector("dl.facts")
        with page.expect_download() as download:
            page.click("[data-route=entity] .table-wrap .download")
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        assert {row["project"]: row["amount"] for row in rows} == {
            "'" + HOSTILE_NAMES["project"]: "100",
            "'" + HOSTILE_NAMES["second_project"]: "-3",
        }
        # The console's download goes through the same function: a tab first, and plain numbers left as numbers.
        page.goto(f"{base_url}/#/console")
        page.wait_for_selector(".editor .cm-content")
        page.evaluate(
            "() => window.fundgraphExplorer.editor.setValue(\"RETURN '\\t=1+1' AS tab, '@SUM(A1)' AS at, "
            "-3 AS minus, '-0.5' AS text_number, '+cmd' AS plus\")"
        )
        page.click("button.run")
        page.wait_for_selector(".results table")
        with page.expect_download() as download:
            page.click(".results .download")
        [row] = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        assert row == {"tab": "'\t=1+1", "at": "'@SUM(A1)", "minus": "-3", "text_number": "-0.5", "plus": "'+cmd"}
    finally:
        session_driver.execute_query("MATCH (n) DETACH DELETE n")
        write_plan(session_driver, plan_elements(parse_path(SEED_TXT)))
    page.watch.clean()


def test_the_api_docs_run_from_the_package_under_their_policy(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "fundgraph" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-tag-section")
    assert page.locator(".opblock").count() >= 17
    # A Content-Security-Policy violation is a console error: watch.clean() fails on one, and on any request that
    # tried to leave the machine.
    page.watch.clean()
