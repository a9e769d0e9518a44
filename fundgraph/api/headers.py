"""Headers on every response: no sniffing, no caching, no framing, no referrer; a Content-Security-Policy on every
HTML page (the explorer and /docs set their own, stricter for what each needs; see routers/explorer.py).

Static assets are not cached either: their names are not content-hashed (``explorer.js``), so a cached copy could
outlive an upgrade of the package, and on loopback a fresh copy costs nothing worth the confusion.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from fundgraph.api.routers.explorer import POLICY

EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# A page that sets none gets the explorer's; anything else (JSON, scripts) may load nothing and be framed by nothing.
HTML_POLICY = POLICY
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"


def apply(response: Response) -> None:
    for name, value in EVERY_RESPONSE.items():
        response.headers.setdefault(name, value)
    html = response.headers.get("content-type", "").startswith("text/html")
    response.headers.setdefault("Content-Security-Policy", HTML_POLICY if html else OTHER_POLICY)


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def secure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        apply(response)
        return response
