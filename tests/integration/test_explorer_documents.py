"""The documents in the explorer, in a real browser against `fundgraph serve` and the real Neo4j: a finding's evidence
opened at its highlighted cell in a text, a PDF page and a scan (its box drawn, its OCR confidence shown); the review
desk turning a refused notice into a loaded plan read by recipe; the opening page; both languages.

With FUNDGRAPH_DOC_SHOTS=1 the pages are also shot into docs/screenshots/."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.loadtest import start_server
from fundgraph.errors import ParseError
from fundgraph.loaders import parse_plans
from fundgraph.loading import load_paths
from fundgraph.localserver import free_port
from fundgraph.vocabularies import render
from tests.conftest import ROOT, SEED_TXT, server_env
from tests.integration import test_explorer as explorer
from tests.integration.test_explorer import AUDITOR_KEY, READER_KEY, _open

# The explorer tests' browser and page fixtures.
browser = explorer.browser
page = explorer.page

FORMATS = ROOT / "tests" / "fixtures" / "formats"
SPANNING_PDF = FORMATS / "spanning.pdf"  # another plan than the scan's (other-scan.pdf reads as other.pdf)
OTHER_SCAN = FORMATS / "other-scan.pdf"
# A notice the automatic reading must refuse: its money column has no money word, and it states no total.
REFUSED = ROOT / "tests" / "fixtures" / "review" / "no-money-word.txt"
DOCS_SHOTS = ROOT / "docs" / "screenshots"


def _id(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _shoot(page: Any, name: str) -> None:
    """The viewport as a small PNG (64 colours, no dithering: a scan's speckle would triple it)."""
    if os.environ.get("FUNDGRAPH_DOC_SHOTS"):
        from PIL import Image

        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        target = DOCS_SHOTS / f"{name}.png"
        page.screenshot(path=str(target))
        shot = Image.open(target).convert("RGB")
        shot.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(target, optimize=True)


@pytest.fixture(scope="module")
def base_url(session_driver: Any, neo4j_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    report = load_paths(session_driver, [SEED_TXT, SPANNING_PDF, OTHER_SCAN, REFUSED], accept_unverified=True)
    assert [r.doc_id for r in report.refused] == [_id(REFUSED)]
    port = free_port()
    # The desk saves its recipe in a folder of this module's own: the suite's recipes read no notice differently.
    env = {**server_env(neo4j_server), "FUNDGRAPH_RECIPES": str(tmp_path_factory.mktemp("desk-recipes"))}
    server = start_server(env, port, keys=f"alice:auditor:{AUDITOR_KEY},bob:reader:{READER_KEY}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_finding_opens_its_source_text_at_the_highlighted_cell_in_two_clicks(page: Any, base_url: str) -> None:
    _open(page, base_url, "findings?severity=high")
    page.wait_for_selector("details.finding")
    finding = page.locator(f"details.finding:has(a.open-source[data-doc='{_id(SEED_TXT)}'])").first
    finding.locator(":scope > summary").click()  # one
    finding.locator(f"a.open-source[data-doc='{_id(SEED_TXT)}']").first.click()  # two
    page.wait_for_selector("ol.doc-lines li.cited")
    cited = page.locator("ol.doc-lines li.cited")
    assert cited.count() == 1
    line = int(cited.get_attribute("data-line"))
    assert f"line={line}" in page.url
    words = page.locator("li.cited mark.cited-words").inner_text()
    assert words and words in SEED_TXT.read_text(encoding="utf-8").splitlines()[line - 1]
    assert page.locator("h1 .badge[data-status=verified]").count() == 1
    _shoot(page, "viewer-text")
    page.watch.clean()


def test_a_pdf_cell_is_drawn_on_its_page(page: Any, base_url: str) -> None:
    _open(page, base_url, f"document/{_id(SPANNING_PDF)}?row=2&col=4&page=1")
    page.wait_for_selector(".page-frame .cell-box.cited")
    image = page.locator(".page-frame img.page-image")
    assert image.evaluate("img => img.complete && img.naturalWidth > 500")
    box = page.locator(".cell-box.cited").bounding_box()
    frame = page.locator(".page-frame").bounding_box()
    assert box and frame and box["width"] > 10 and frame["x"] <= box["x"] <= frame["x"] + frame["width"]
    _shoot(page, "viewer-pdf")
    page.watch.clean()


def test_a_scan_shows_its_cell_box_and_ocr_confidence(page: Any, base_url: str, session_driver: Any) -> None:
    records, _, _ = session_driver.execute_query(
        "MATCH (pl:Plan {doc_id: $d})-[a:ALLOCATES]->() WHERE a.confidence IS NOT NULL "
        "RETURN a.row AS row, a.col AS col, a.page AS page, a.confidence AS confidence ORDER BY a.row LIMIT 1",
        d=_id(OTHER_SCAN),
    )
    cell = records[0]
    _open(page, base_url, f"document/{_id(OTHER_SCAN)}?row={cell['row']}&col={cell['col']}&page={cell['page']}")
    page.wait_for_selector(".page-frame .cell-box.cited")
    shown = page.locator(".confidence").get_attribute("data-confidence")
    assert float(shown) == cell["confidence"]
    _shoot(page, "viewer-scan")
    page.watch.clean()


def test_the_viewer_is_for_auditors(page: Any, base_url: str) -> None:
    _open(page, base_url, f"document/{_id(SEED_TXT)}?row=2&col=2", key=READER_KEY)
    page.wait_for_selector("main .notice")
    assert page.locator("ol.doc-lines").count() == 0
    page.watch.clean()


def test_a_refused_file_s_reason_and_the_findings_are_said_in_the_page_s_language(page: Any, base_url: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_plans(REFUSED)
    said = caught.value.as_message(REFUSED.name)
    assert said is not None
    _open(page, base_url, "documents?status=refused")
    reason = page.locator(f"tr:has(span.doc-name[data-doc='{_id(REFUSED)}']) .doc-error")
    reason.wait_for()
    assert reason.inner_text() == render(said["code"], said["args"], "zh")
    _shoot(page, "documents-refused-zh")
    page.locator("button[data-lang=en]").click()
    page.wait_for_selector(f"tr:has(span.doc-name[data-doc='{_id(REFUSED)}'])")
    # In English it reads as the error kept with it, file by its base name.
    assert reason.inner_text() == str(caught.value).replace(str(REFUSED), REFUSED.name)

    _open(page, base_url, "findings")
    page.wait_for_selector("details.finding .finding-title")
    english = page.locator("details.finding .finding-title").all_inner_texts()
    _shoot(page, "findings-en")
    page.locator("button[data-lang=zh]").click()
    page.wait_for_selector("details.finding .finding-title")
    chinese = page.locator("details.finding .finding-title").all_inner_texts()
    assert len(chinese) == len(english) and all(zh != en for zh, en in zip(chinese, english, strict=True))
    _shoot(page, "findings-zh")
    page.watch.clean()


def test_the_review_desk_turns_a_refused_notice_into_a_loaded_plan(page: Any, base_url: str) -> None:
    _open(page, base_url, "documents?status=refused")
    page.wait_for_selector(f"a.review-doc[data-doc='{_id(REFUSED)}']")
    _shoot(page, "documents")
    page.locator(f"a.review-doc[data-doc='{_id(REFUSED)}']").click()
    page.wait_for_selector("form.review-form")
    # The block of lines the text splits into cells, its columns named from its header line.
    page.select_option("select[name=choice]", label=page.locator("select[name=choice] option").last.inner_text())
    page.select_option("select[name=name]", "2")
    page.select_option("select[name=amount]", "3")
    page.select_option("select[name=unit]", "万元")
    page.fill("input[name=total]", "301")
    page.locator("input[name=total]").dispatch_event("change")
    page.click("button[name=preview]")
    page.wait_for_selector(".review-result .error-box")
    assert "301" in page.locator(".review-result .error-box").inner_text()
    assert page.locator("button[name=save]").is_disabled()

    page.fill("input[name=total]", "300")
    page.locator("input[name=total]").dispatch_event("change")
    page.click("button[name=preview]")
    page.wait_for_selector(".preview[data-rows='3']")
    assert page.locator(".check").get_attribute("data-reconciled") == "true"
    assert page.locator(".preview .read-by-recipe").count() == 1
    _shoot(page, "review-desk")
    page.click("button[name=save]")
    page.wait_for_selector(".review-result .saved")
    plan_link = page.locator(".review-result .saved a.entity-link")
    assert plan_link.count() == 1

    _open(page, base_url, "documents")
    row = page.locator(f"tr:has(span.doc-name[data-doc='{_id(REFUSED)}'])")
    row.locator(".badge[data-status=verified]").wait_for()
    assert row.locator(".read-by-recipe").count() == 1
    page.watch.clean(expected="status of 422")  # the contradicted recipe's preview


def test_the_opening_page_shows_what_is_loaded_findings_and_documents(page: Any, base_url: str) -> None:
    _open(page, base_url, "")
    page.wait_for_selector("table.loaded tr[data-year='2024']")
    page.wait_for_selector("ul.by-severity li[data-severity=high]")
    assert page.locator("form.search-form input[name=q]").count() == 1
    assert int(page.locator("ul.by-severity li[data-severity=high]").get_attribute("data-count")) >= 1
    assert page.locator("section.home-waiting").count() == 1
    _shoot(page, "home-zh")
    page.locator("button[data-lang=en]").click()
    page.wait_for_selector("table.loaded")
    assert page.locator("section.home-loaded h2").inner_text() == "What is loaded"
    assert "High" in page.locator("ul.by-severity li[data-severity=high]").inner_text() or "high" in (
        page.locator("ul.by-severity li[data-severity=high]").inner_text()
    )
    _shoot(page, "home-en")
    page.locator("button[data-lang=zh]").click()
    page.watch.clean()
