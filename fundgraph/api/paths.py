"""Documents are named by their base names in API answers: the full path a document was loaded from says where the
loading machine keeps its files (user names, mount points), which is no business of an API client. The CLI keeps
full paths.

One pass over every JSON answer under ``/api/v1``, so that routes and queries added later are covered too:

- a ``path`` that is text, or ``paths`` that are a list of texts, become base names (documents, findings' evidence,
  Document nodes' properties, a Cypher column named ``path``);
- a neighbourhood row's ``from_name``/``to_name`` whose label is Document, and a path step ``Document: …``.

A value an ad-hoc Cypher statement returns under another name (``RETURN d.path AS p``) is left as asked for.

>>> base_name("/home/alice/plans/000_a.txt"), base_name("C:\\\\plans\\\\b.docx"), base_name("c.pdf")
('000_a.txt', 'b.docx', 'c.pdf')
>>> base_names({"items": [{"path": "/x/y.txt", "nodes": ["Document: /x/y.txt", "Plan: a/b"]}], "n": "Document: /z"})
{'items': [{'path': 'y.txt', 'nodes': ['Document: y.txt', 'Plan: a/b']}], 'n': 'Document: /z'}
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response

API_PREFIX = "/api/v1/"
DOCUMENT_STEP = "Document: "
# Answers holding none of these cannot hold a document's path: they are passed on without being parsed.
MARKERS = (b'"path', b'"Document')


def base_name(path: str) -> str:
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def base_names(value: Any) -> Any:
    if isinstance(value, list):
        return [base_names(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: base_names(v) for k, v in value.items()}
    if isinstance(out.get("path"), str):
        out["path"] = base_name(out["path"])
    if isinstance(out.get("paths"), list):
        out["paths"] = [base_name(p) if isinstance(p, str) else p for p in out["paths"]]
    if isinstance(out.get("nodes"), list):  # the steps of a path (queries/path.cypher): "Label: name"
        out["nodes"] = [_step(n) if isinstance(n, str) else n for n in out["nodes"]]
    for end in ("from", "to"):
        if out.get(f"{end}_label") == "Document" and isinstance(out.get(f"{end}_name"), str):
            out[f"{end}_name"] = base_name(out[f"{end}_name"])
    return out


def _step(step: str) -> str:
    return DOCUMENT_STEP + base_name(step[len(DOCUMENT_STEP) :]) if step.startswith(DOCUMENT_STEP) else step


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def document_base_names(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith(API_PREFIX) or response.headers.get("content-type") != "application/json":
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        if any(marker in body for marker in MARKERS):
            body = json.dumps(base_names(json.loads(body)), ensure_ascii=False, separators=(",", ":")).encode()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(body, status_code=response.status_code, headers=headers, media_type="application/json")
