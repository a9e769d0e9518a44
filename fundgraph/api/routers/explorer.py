"""The explorer: one page at ``/`` and its bundled assets at ``/static``, all shipped inside the package; and the API's
Swagger UI at ``/docs``, from the package too.

The bundle (``static/dist``) is built from ``web/`` by ``make web``; neither page loads anything from elsewhere, and
their Content-Security-Policies keep it that way.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(str(resources.files("fundgraph.api").joinpath("static")))
BUNDLE = STATIC / "dist" / "explorer.js"

# Styles stay 'unsafe-inline': CodeMirror and cytoscape set element styles from script.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
# Swagger UI sets element styles from script and shows data: icons; its start-up is a file (swagger-init.js), not
# the inline script FastAPI's page has, so scripts stay 'self' only.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SWAGGER = ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-init.js")
DOCS = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="referrer" content="no-referrer">
  <title>fundgraph API</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/static/dist/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/static/dist/swagger-ui-bundle.js"></script>
  <script src="/static/dist/swagger-init.js"></script>
</body>
</html>
"""

MISSING = """<!doctype html><meta charset="utf-8"><title>fundgraph</title>
<p>The explorer's (or the API docs') assets are not built. Run <code>make web</code> (or <code>make run</code>) in
the fundgraph checkout, then reload. The API itself works: its description is at
<a href="/openapi.json">/openapi.json</a>.</p>"""


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def index() -> HTMLResponse:
        if not BUNDLE.is_file():
            return HTMLResponse(MISSING, status_code=503, headers=HEADERS)
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"), headers=HEADERS)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        headers = {**HEADERS, "Content-Security-Policy": DOCS_POLICY}
        if not all((STATIC / "dist" / name).is_file() for name in SWAGGER):
            return HTMLResponse(MISSING, status_code=503, headers=headers)
        return HTMLResponse(DOCS, headers=headers)
