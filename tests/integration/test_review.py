"""The document viewer and the review desk through the API, against the real Neo4j: a loaded document's lines,
cells and page images for auditors; a refused notice (one the automatic reading must refuse: its money column has no
money word) previewed with a recipe, refused when the recipe is contradicted (nothing saved), then saved and loaded
as a plan read by recipe. Readers may do none of it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fundgraph.api import create_app
from fundgraph.api.auth import ApiKey
from fundgraph.config import Settings
from fundgraph.loading import load_paths
from tests.conftest import ROOT, SEED_TXT, SEED_XLSX

AUDITOR = ApiKey("alice", "auditor", "alice-secret-key-0001")
READER = ApiKey("bob", "reader", "bob-secret-key-000002")
AS_AUDITOR = {"Authorization": f"Bearer {AUDITOR.key}"}
AS_READER = {"Authorization": f"Bearer {READER.key}"}
REFUSED = ROOT / "tests" / "fixtures" / "review" / "no-money-word.txt"
OTHER_PDF = ROOT / "tests" / "fixtures" / "formats" / "other.pdf"  # another plan than the seed's
REFUSED_ID = hashlib.sha256(REFUSED.read_bytes()).hexdigest()
SEED_ID = hashlib.sha256(SEED_TXT.read_bytes()).hexdigest()
PDF_ID = hashlib.sha256(OTHER_PDF.read_bytes()).hexdigest()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


RECIPE = {"lines": [3, 6], "columns": {"name": 2, "amount": 3}, "unit": "万元", "total": "300"}


@pytest.fixture(scope="module")
def recipes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("desk-recipes")


@pytest.fixture(scope="module")
def client(neo4j_server: Any, session_driver: Any, recipes: Path) -> Iterator[TestClient]:
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    report = load_paths(session_driver, [SEED_TXT, REFUSED])
    assert [r.doc_id for r in report.refused] == [REFUSED_ID]
    settings = Settings(
        NEO4J_URI=neo4j_server.uri,
        NEO4J_PASSWORD=neo4j_server.password(),
        FUNDGRAPH_NEO4J_HOME=neo4j_server.home,
        FUNDGRAPH_RECIPES=recipes,
    )
    with TestClient(create_app([AUDITOR, READER], settings)) as test_client:
        yield test_client


def test_a_text_document_is_seen_as_its_lines_with_the_cells_the_graph_cites(client: TestClient) -> None:
    seen = client.get(f"/api/v1/documents/{SEED_ID}/view", headers=AS_AUDITOR).json()
    assert seen["kind"] == "text" and seen["status"] == "verified"
    cited = [c for c in seen["cited"] if c["row"] is not None]
    assert cited and all(seen["lines"][c["line"] - 1] for c in cited if c["line"])
    # A cited cell's words stand on its line (its first, for a cell written over several): the viewer highlights
    # them there.
    cell = next(c for c in cited if c["text"] == "汕尾市金融局")
    assert "汕尾市金融局" in seen["lines"][cell["line"] - 1]
    # Each cell once, with words wherever any edge kept them: a cell also cited by an edge that keeps none (the
    # name cell a service type is read from) still shows its words.
    places = [(c["row"], c["col"], c["line"], c["page"]) for c in seen["cited"]]
    assert len(places) == len(set(places))
    platform = [c for c in cited if c["col"] == 2 and "融资平台运维" in seen["lines"][c["line"] - 1]]
    assert platform and all(c["text"] and c["text"] in seen["lines"][c["line"] - 1] for c in platform)


def test_a_pdf_page_is_drawn_and_its_cited_cells_have_boxes(client: TestClient, session_driver: Any) -> None:
    load_paths(session_driver, [OTHER_PDF])
    seen = client.get(f"/api/v1/documents/{PDF_ID}/view", headers=AS_AUDITOR).json()
    assert seen["kind"] == "pages" and seen["pages"][0]["width"] > 500
    boxed = [c for c in seen["cited"] if c["box"]]
    assert boxed and all(c["page"] == 1 and len(c["box"]) == 4 for c in boxed)
    page = client.get(f"/api/v1/documents/{PDF_ID}/pages/1.png", headers=AS_AUDITOR)
    assert page.status_code == 200 and page.headers["content-type"] == "image/png"
    assert page.content.startswith(b"\x89PNG")
    assert client.get(f"/api/v1/documents/{PDF_ID}/pages/9.png", headers=AS_AUDITOR).status_code == 404
    assert client.get(f"/api/v1/documents/{SEED_ID}/pages/1.png", headers=AS_AUDITOR).status_code == 404


def test_readers_may_not_see_documents_nor_write(client: TestClient) -> None:
    for method, url, body in (
        ("GET", f"/api/v1/documents/{SEED_ID}/view", None),
        ("GET", f"/api/v1/documents/{PDF_ID}/pages/1.png", None),
        ("GET", f"/api/v1/documents/{REFUSED_ID}/candidates", None),
        ("POST", f"/api/v1/documents/{REFUSED_ID}/recipe/preview", RECIPE),
        ("PUT", f"/api/v1/documents/{REFUSED_ID}/recipe", RECIPE),
    ):
        answer = client.request(method, url, headers=AS_READER, json=body)
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden", url
    assert client.put(f"/api/v1/documents/{REFUSED_ID}/recipe", json=RECIPE).status_code == 401


def test_the_review_desk_turns_a_refused_notice_into_a_plan_read_by_recipe(
    client: TestClient, recipes: Path, session_driver: Any
) -> None:
    url = f"/api/v1/documents/{REFUSED_ID}"
    found = client.get(f"{url}/candidates", headers=AS_AUDITOR).json()
    assert found["status"] == "refused" and "no table found" in found["error"]
    assert {"separator": "|", "lines": [3, 6], "first": "|序号|单位|数目|"} in found["line_blocks"]

    # A recipe is a recipe: no key it does not know, no column it does not have.
    for bad in ({**RECIPE, "path": "/etc/passwd"}, {**RECIPE, "columns": {"name": 2, "amount": 3, "x": 1}}):
        refused = client.post(f"{url}/recipe/preview", headers=AS_AUDITOR, json=bad)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "bad_parameter"
    backwards = client.post(f"{url}/recipe/preview", headers=AS_AUDITOR, json={**RECIPE, "lines": [6, 3]})
    assert backwards.status_code == 422 and "lines" in backwards.json()["error"]["message"]

    preview = client.post(f"{url}/recipe/preview", headers=AS_AUDITOR, json=RECIPE).json()
    [plan] = preview["plans"]
    assert [r["name"] for r in plan["rows"]] == ["甲县农业局", "乙县水利局", "丙镇人民政府"]
    assert [r["amount"] for r in plan["rows"]] == ["120", "80.5", "99.5"]
    assert plan["reconciled"] and plan["read_by"] == "recipe" and plan["status"] == "verified"
    assert list(recipes.iterdir()) == [], "a preview saves nothing"

    # The document contradicts a recipe whose total its rows do not add up to: refused, located, nothing saved.
    wrong = client.put(f"{url}/recipe", headers=AS_AUDITOR, json={**RECIPE, "total": "301"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "bad_document"
    assert "no-money-word.txt" in wrong.json()["error"]["message"]
    assert list(recipes.iterdir()) == []
    listed = client.get("/api/v1/documents", params={"doc_id": REFUSED_ID}, headers=AS_AUDITOR).json()["items"]
    assert listed[0]["status"] == "refused" and listed[0]["plans"] == []

    saved = client.put(f"{url}/recipe", headers=AS_AUDITOR, json=RECIPE)
    assert saved.status_code == 200, saved.text
    assert [p.name for p in recipes.iterdir()] == [f"{REFUSED_ID}.yaml"]
    assert f"document: {REFUSED_ID}" in (recipes / f"{REFUSED_ID}.yaml").read_text(encoding="utf-8")
    [loaded] = saved.json()["loaded"]
    assert loaded["projects"] == 3 and loaded["path"] == "no-money-word.txt"
    listed = client.get("/api/v1/documents", params={"doc_id": REFUSED_ID}, headers=AS_AUDITOR).json()["items"]
    assert listed[0]["status"] == "verified" and listed[0]["error"] is None and listed[0]["plans"]
    assert Path(listed[0]["path"]).name == REFUSED.name, "the document keeps the name it was loaded under"
    records, _, _ = session_driver.execute_query(
        "MATCH (pl:Plan {doc_id: $d}) RETURN pl.read_by AS read_by, pl.computed_total AS total", d=REFUSED_ID
    )
    assert [(r["read_by"], r["total"]) for r in records] == [("recipe", "300")]


def test_the_opening_page_counts_what_is_loaded(client: TestClient) -> None:
    seen = client.get("/api/v1/overview", headers=AS_READER).json()
    year = next(y for y in seen["years"] if y["year"] == 2024)
    assert year["plans"] >= 1 and year["projects"] >= 11 and isinstance(year["money"], str)
    assert {d["status"] for d in seen["documents"]} <= {"verified", "unverified", "problems", "refused"}


def test_an_office_file_is_seen_as_the_cells_its_reader_laid_out(client: TestClient, session_driver: Any) -> None:
    """Last in the module: it loads the seed's workbook into an emptied store (the same plan as the seed's text, which
    would otherwise stand for it)."""
    session_driver.execute_query("MATCH (n) DETACH DELETE n")
    load_paths(session_driver, [SEED_XLSX])
    seen = client.get(f"/api/v1/documents/{_sha(SEED_XLSX)}/view", headers=AS_AUDITOR).json()
    assert seen["kind"] == "cells" and seen["reading"] == "xlsx" and seen["lines"] is None
    cells = {(c["row"], c["col"]): c["text"] for t in seen["tables"] for row in t["rows"] for c in row}
    cited = [c for c in seen["cited"] if c["row"] is not None and c["text"]]
    # Every cell the graph cites is one the reader laid out, where the viewer highlights it.
    assert cited and all((c["row"], c["col"]) in cells for c in cited)
    assert any(cells[(c["row"], c["col"])] == c["text"] == "330" for c in cited)
