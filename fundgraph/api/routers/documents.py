"""A loaded document's own bytes, from the archive (fundgraph.archive), for auditors to see a cited cell in its
source. The document is named by its doc_id only, never by a path; it is served as an attachment-safe download:
text as plain text, never rendered as a page of this origin, and sandboxed."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Response
from starlette.exceptions import HTTPException

from fundgraph.api.deps import Auditor, StoreDep
from fundgraph.api.models import ERRORS
from fundgraph.graph.archive import content_type, fetch
from fundgraph.queries import run_query

router = APIRouter(tags=["documents"], responses=ERRORS)


@router.get(
    "/documents/{doc_id}/content",
    summary="A document's bytes as it was loaded (auditors): the source behind every cited cell",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The document's bytes"}},
)
def content(
    store: StoreDep,
    _: Auditor,
    doc_id: Annotated[
        str,
        Path(
            pattern="^[0-9a-f]{64}$",
            description="The document's sha256, as cited",
            # The bundled seed's (data/plans), which `make run` loads.
            examples=["99c2fcb75b3a2210f5116fb2857e33298381930e73a3ccf7d9cfb68582350f4a"],
        ),
    ],
) -> Response:
    rows = run_query(store.driver, "documents", {"doc_id": doc_id}, database=store.database).rows
    if not rows:
        raise HTTPException(404, f"no document {doc_id[:12]}… is loaded")
    data = fetch(store.archive, doc_id)
    if data is None:
        raise HTTPException(404, f"document {doc_id[:12]}… is not in the archive (loaded before it was kept)")
    name = FilePath(rows[0]["path"] or "document").name
    return Response(
        data,
        media_type=content_type(rows[0]["path"]),
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{_quote(name)}",
            # A document is the publisher's, not ours: nothing in it runs with this origin.
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
