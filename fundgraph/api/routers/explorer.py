"""The explorer: one page at ``/`` and its bundled assets at ``/static``, all shipped inside the package.

The bundle (``static/dist``) is built from ``web/`` by ``make web``; the page loads nothing from elsewhere, and its
Content-Security-Policy keeps it that way.
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

MISSING = """<!doctype html><meta charset="utf-8"><title>fundgraph</title>
<p>The explorer's assets are not built. Run <code>make web</code> (or <code>make run</code>) in the fundgraph checkout,
then reload. The API itself works: see <a href="/docs">/docs</a>.</p>"""


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def index() -> HTMLResponse:
        if not BUNDLE.is_file():
            return HTMLResponse(MISSING, status_code=503, headers=HEADERS)
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"), headers=HEADERS)
