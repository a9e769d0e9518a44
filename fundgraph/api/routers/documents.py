"""A loaded document's own bytes, from the archive (fundgraph.archive), for auditors to see a cited cell in its
source; its lines, cells and page images for the explorer's viewer; and the review desk's candidates, recipe preview
and recipe save (the API's only writes; their policy is fundgraph.review's). The document is named by its doc_id
only, never by a path; its bytes are served as an attachment-safe download: text as plain text, never rendered as a
page of this origin, and sandboxed."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from fundgraph import review
from fundgraph.api.deps import Auditor, Reader, StoreDep
from fundgraph.api.models import ERRORS
from fundgraph.graph.archive import content_type, fetch
from fundgraph.money import UNIT_TO_WAN, format_wan, from_fen
from fundgraph.queries import run_query

router = APIRouter(tags=["documents"], responses=ERRORS)

# The bundled seed's (data/plans), which `make run` loads.
SEED_DOC_ID = "99c2fcb75b3a2210f5116fb2857e33298381930e73a3ccf7d9cfb68582350f4a"
DocId = Annotated[
    str, Path(pattern="^[0-9a-f]{64}$", description="The document's sha256, as cited", examples=[SEED_DOC_ID])
]
Column = Annotated[int | None, Field(ge=1, le=500)]


class RecipeColumns(BaseModel):
    """Which column (from 1, as the candidates show them) holds each field; name and amount are needed."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[int, Field(ge=1, le=500)]
    amount: Annotated[int, Field(ge=1, le=500)]
    applicant: Column = None
    implementer: Column = None
    summary: Column = None
    approval: Column = None
    seq: Column = None


class RecipeRequest(BaseModel):
    """A reading recipe (docs/reading.md) for the document in the path: a table of a reading, or a text's lines."""

    model_config = ConfigDict(extra="forbid")
    reading: Annotated[str | None, Field(max_length=64, examples=["pipe-table"])] = None
    table: Annotated[int | None, Field(ge=1, le=1000)] = None
    lines: Annotated[list[Annotated[int, Field(ge=1, le=1_000_000)]] | None, Field(min_length=2, max_length=2)] = None
    separator: Literal["|", "\t", "  "] | None = None
    header_row: Annotated[int, Field(ge=1, le=1000)] = 1
    columns: RecipeColumns
    unit: Literal[tuple(UNIT_TO_WAN)]  # type: ignore[valid-type]
    total: Annotated[str | None, Field(pattern=r"^[0-9]{1,15}(\.[0-9]{1,6})?$", examples=["300"])] = None

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


@router.get(
    "/documents/{doc_id}/content",
    summary="A document's bytes as it was loaded (auditors): the source behind every cited cell",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The document's bytes"}},
)
def content(
    store: StoreDep,
    _: Auditor,
    doc_id: DocId,
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


@router.get(
    "/documents/{doc_id}/view",
    summary="A document as the viewer shows it (auditors): a text's lines, a PDF's pages, the cells its reader saw",
)
def view(store: StoreDep, _: Auditor, doc_id: DocId) -> dict[str, Any]:
    return review.view(
        store.driver, store.database, review.document(store.driver, store.database, store.archive, doc_id)
    )


@router.get(
    "/documents/{doc_id}/pages/{page}.png",
    summary="A PDF's page or a scan drawn as PNG (auditors), for the viewer to draw a cited cell's box on",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The page, 2 pixels a point"}},
)
def page_image(
    store: StoreDep, _: Auditor, doc_id: DocId, page: Annotated[int, Path(ge=1, le=10_000, examples=[1])]
) -> Response:
    doc = review.document(store.driver, store.database, store.archive, doc_id)
    return Response(
        review.page_png(doc, page),
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=3600"},
    )


@router.get(
    "/documents/{doc_id}/candidates",
    summary="What a reading recipe can name in a document (auditors): each reading's tables, a text's line blocks",
)
def document_candidates(store: StoreDep, _: Auditor, doc_id: DocId) -> dict[str, Any]:
    return review.candidates_of(review.document(store.driver, store.database, store.archive, doc_id))


@router.post(
    "/documents/{doc_id}/recipe/preview",
    summary="The plan a reading recipe reads from a document, or where the document contradicts it (auditors); "
    "nothing is saved",
)
def preview_recipe(store: StoreDep, _: Auditor, doc_id: DocId, recipe: RecipeRequest) -> dict[str, Any]:
    doc = review.document(store.driver, store.database, store.archive, doc_id)
    return review.preview(doc, review.recipe_from(doc_id, recipe.fields()))


@router.put(
    "/documents/{doc_id}/recipe",
    summary="Save a reading recipe for a document and load it with it (auditors); refused, nothing saved, when the "
    "document contradicts it",
)
def save_recipe(store: StoreDep, _: Auditor, doc_id: DocId, recipe: RecipeRequest) -> dict[str, Any]:
    doc = review.document(store.driver, store.database, store.archive, doc_id)
    return review.save(store.driver, doc, review.recipe_from(doc_id, recipe.fields()), store.recipes, store.archive)


@router.get(
    "/overview",
    summary="What is loaded, year by year (plans, projects, money), and the documents by status: the opening page",
)
def overview(store: StoreDep, _: Reader, year: Annotated[int | None, Query(ge=1900, le=2200)] = None) -> dict[str, Any]:
    row = run_query(store.driver, "overview", {"year": year}, database=store.database).rows[0]
    years = [
        {**{k: v for k, v in y.items() if k != "money_fen"}, "money": format_wan(from_fen(y["money_fen"]))}
        for y in row["years"]
    ]
    return {"years": years, "documents": row["documents"]}
