"""Headers on every response, /docs from the package, and 500s logged with their request id. No Neo4j is needed:
the routes asked for here do not touch it, and the driver is made without being verified."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from neo4j.exceptions import DatabaseError

from fundgraph.api import create_app
from fundgraph.api.auth import ApiKey
from fundgraph.api.routers.explorer import BUNDLE, STATIC, SWAGGER

READER = ApiKey("bob", "reader", "bob-secret-key-000002")
AS_READER = {"Authorization": f"Bearer {READER.key}"}


def _failing_app() -> FastAPI:
    app = create_app([READER])

    # Test-only routes: a bug (any exception fundgraph does not map) and a Neo4j error no rule knows.
    @app.get("/api/v1/test-only/bug")
    def bug() -> None:
        raise RuntimeError("secret detail of the failure")

    @app.get("/api/v1/test-only/neo4j")
    def neo4j() -> None:
        raise DatabaseError("secret detail of the failure")

    return app


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    # raise_server_exceptions stays on: an exception that reached Starlette's outermost handler would fail the test.
    with TestClient(_failing_app()) as client:
        yield client


def _built() -> None:
    if not BUNDLE.is_file() or not all((STATIC / "dist" / name).is_file() for name in SWAGGER):
        pytest.skip("the web assets are not built (`make web`)")


def _every_response_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/health", "/api/v1/session", "/api/v1/schema", "/openapi.json", "/no-such-page"])
def test_json_answers_are_not_sniffed_cached_or_framed(api: TestClient, path: str) -> None:
    response = api.get(path, headers=AS_READER)
    assert response.headers["content-type"] == "application/json"
    _every_response_headers(response)
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_errors_and_refusals_carry_the_headers_too(api: TestClient) -> None:
    for response in (api.get("/api/v1/session"), api.get("/api/v1/test-only/bug")):
        _every_response_headers(response)


def test_the_explorer_page_has_a_policy_without_inline_scripts(api: TestClient) -> None:
    page = api.get("/")
    assert page.headers["content-type"].startswith("text/html")
    _every_response_headers(page)
    policy = dict(p.strip().split(" ", 1) for p in page.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "<script>" not in page.text and not re.search(r"\son\w+=", page.text), "no inline script or handler"


def test_static_assets_are_not_cached_either(api: TestClient) -> None:
    _built()
    for name in ("explorer.js", "explorer.css", *SWAGGER):
        asset = api.get(f"/static/dist/{name}")
        assert asset.status_code == 200
        assert asset.headers["X-Content-Type-Options"] == "nosniff" and asset.headers["Cache-Control"] == "no-store"


def test_docs_are_swagger_ui_from_the_package_with_a_policy_of_their_own(api: TestClient) -> None:
    _built()
    docs = api.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    _every_response_headers(docs)
    policy = dict(p.strip().split(" ", 1) for p in docs.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert "<script>" not in docs.text, "Swagger UI starts from a file, not an inline script"
    referenced = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert referenced and all(r.startswith("/static/dist/") or r == "data:," for r in referenced), referenced
    assert not re.search(r"https?:|//[a-z]", docs.text), "no other host"
    for asset in referenced:
        if asset.startswith("/"):
            assert api.get(asset).status_code == 200, asset
    assert "cdn" not in api.get("/static/dist/swagger-init.js").text
    assert api.get("/redoc").status_code == 404, "ReDoc would load from a CDN"


@pytest.mark.parametrize("route", ["bug", "neo4j"])
def test_an_unexpected_failure_is_logged_with_its_request_id_and_not_told(
    api: TestClient, caplog: pytest.LogCaptureFixture, route: str
) -> None:
    with caplog.at_level(logging.INFO, logger="fundgraph.api"):
        response = api.get(f"/api/v1/test-only/{route}", headers={"X-Request-ID": f"boom-{route}"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == f"boom-{route}"
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    assert error["message"] == f"an unexpected error; the server log has the details (request id boom-{route})"
    assert "secret detail" not in response.text and "Traceback" not in response.text
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert json.loads(failure.getMessage())["request_id"] == f"boom-{route}"
    assert failure.exc_info is not None and "secret detail of the failure" in str(failure.exc_info[1])
    assert "Traceback" in caplog.text and "secret detail of the failure" in caplog.text
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.levelno == logging.INFO]
    assert (line["request_id"], line["status"]) == (f"boom-{route}", 500)
