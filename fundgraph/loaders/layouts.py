"""The text layouts, as a registry: each names itself, says whether a text looks like it, and reads it. The order is
the priority: a copied page can look like several layouts at once (a pipe-separated metadata block above a
one-cell-per-line table), so every layout that detects the text reads it, and the plans are compared
(:func:`fundgraph.loaders.read_plans` takes the reading whose rows add up, then the earliest here). An error that
no layout read a text names the layouts from this registry, so it lists what was tried.

>>> [layout.name for layout in TEXT_LAYOUTS][:4]
['html', 'word-text', 'csv', 'box-drawing']
>>> [term["term"] for term in layout_terms()][-4:]
['space-separated', 'aligned-columns', 'glued', 'prose']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial

from fundgraph.errors import ParseError
from fundgraph.loaders.cells import RawDocument, TextLine, as_written, fold_forms
from fundgraph.loaders.plan import prose_total
from fundgraph.loaders.readers.boxdraw import looks_like_box_drawing, read_box_drawing
from fundgraph.loaders.readers.comma_dump import looks_like_comma_dump, read_comma_dump
from fundgraph.loaders.readers.csv_reader import looks_delimited, read_csv
from fundgraph.loaders.readers.glued import looks_glued, read_glued
from fundgraph.loaders.readers.html_reader import looks_like_html, read_html
from fundgraph.loaders.readers.pages import renumbered, unbroken
from fundgraph.loaders.readers.prose import read_prose
from fundgraph.loaders.readers.streams import read_cell_stream
from fundgraph.loaders.readers.text_tables import (
    looks_like_aligned_columns,
    looks_like_pipe_table,
    looks_like_space_separated,
    read_aligned_columns,
    read_pipe_table,
    read_space_separated,
)
from fundgraph.loaders.readers.word_text import looks_like_word_text, read_word_text
from fundgraph.loaders.roles import vocabulary


class Text:
    """A text to read: as written (``raw``), with full-width forms, wide spaces and traditional characters folded one
    character for one (``folded``, on which layouts are found), its folded lines, and what the layouts' tests share."""

    def __init__(self, raw: str, path: str, doc_id: str) -> None:
        self.raw, self.path, self.doc_id = raw, path, doc_id
        self.folded = fold_forms(raw)
        self.lines = self.folded.splitlines()

    @cached_property
    def delimiter(self) -> str | None:
        return looks_delimited(self.raw)

    @cached_property
    def comma_dump(self) -> bool:
        return bool(looks_like_comma_dump(self.lines))


@dataclass(frozen=True)
class TextLayout:
    """One layout: its ``name`` (a reading's format, and its term in the ``layouts`` vocabulary, which labels it in
    zh and en), ``detect`` and ``read``.

    ``as_written``: its structure is the characters as written (a box-drawn report is placed by display width; a CSV
    quotes only the cells holding its own ASCII delimiter), so it reads the raw text. ``alone``: when it detects the
    text (``"detected"``) or finds a table in it (``"found"``), no later layout is read — its cells would be cut
    where its rows do not end. ``fallback``: read only where no earlier layout gave a table or an error."""

    name: str
    detect: Callable[[Text], bool]
    read: Callable[[Text], RawDocument]
    as_written: bool = False
    alone: str | None = None
    fallback: bool = False


def _glued(text: Text) -> RawDocument:
    found = prose_total([TextLine(line, line=n) for n, line in enumerate(text.lines, start=1)])
    stated = found[0] if found else None
    return read_glued(text.folded, text.path, text.doc_id, vocabulary().total_labels, stated)


def _csv(text: Text) -> RawDocument:
    assert text.delimiter is not None  # detected
    return read_csv(text.raw.encode("utf-8"), text.path, text.doc_id, text.delimiter)


TEXT_LAYOUTS: tuple[TextLayout, ...] = (
    # A web page: its tables are its own; &nbsp; is a character only once it is parsed, so it reads the raw text.
    TextLayout(
        "html",
        lambda t: looks_like_html(t.raw),
        lambda t: read_html(t.raw, t.path, t.doc_id),
        as_written=True,
        alone="detected",
    ),
    TextLayout(
        "word-text",
        lambda t: looks_like_word_text(t.folded),
        lambda t: read_word_text(t.folded, t.path, t.doc_id),
        alone="detected",
    ),
    # A spreadsheet saved as text: CSV in a .txt, quoted where a cell holds an ASCII comma.
    TextLayout("csv", lambda t: t.delimiter is not None, _csv, as_written=True),
    TextLayout(
        "box-drawing",
        lambda t: looks_like_box_drawing(t.lines),
        lambda t: read_box_drawing(t.raw, t.path, t.doc_id),
        as_written=True,
    ),
    TextLayout(
        "pipe-table",
        lambda t: looks_like_pipe_table(t.lines),
        lambda t: read_pipe_table(t.folded, t.path, t.doc_id),
    ),
    TextLayout(
        "comma-dump",
        lambda t: t.comma_dump,
        lambda t: read_comma_dump(t.folded, t.path, t.doc_id),
        alone="found",
    ),
    TextLayout(
        "cell-per-line",
        lambda t: True,
        lambda t: read_cell_stream(t.folded, t.path, t.doc_id, vocabulary().total_labels),
    ),
    # A dump's cells are cut at commas, not at runs of spaces.
    TextLayout(
        "space-separated",
        lambda t: looks_like_space_separated(t.lines) and not t.comma_dump,
        lambda t: read_space_separated(t.folded, t.path, t.doc_id),
    ),
    # The same rows laid out by position, their cells wrapped onto lines of their own: a table without ruling lines
    # in a PDF, an OFD or a scan, its words placed where the page shows them.
    TextLayout(
        "aligned-columns",
        lambda t: looks_like_aligned_columns(t.lines),
        lambda t: read_aligned_columns(t.folded, t.path, t.doc_id),
    ),
    TextLayout("glued", lambda t: looks_glued(t.lines), _glued),
    # Prose is read only where no table is found: a table (or its error) is better evidence.
    TextLayout("prose", lambda t: True, lambda t: read_prose(t.folded, t.path, t.doc_id), fallback=True),
)


def layout_terms() -> list[dict[str, str]]:
    """The layouts as terms of the ``layouts`` vocabulary, for a message that none of them read a text.

    >>> from fundgraph.vocabularies import render
    >>> render("refusal_no_table", {"layouts": layout_terms()[:2]}, "en").split("(")[1].split(")")[0]
    'HTML, Word text export'
    >>> render("refusal_no_table", {"layouts": layout_terms()[:2]}, "zh").split("（")[1].split("）")[0]
    'HTML、Word导出的文字'
    """
    return [{"vocabulary": "layouts", "term": layout.name} for layout in TEXT_LAYOUTS]


def is_fallback(reading: RawDocument) -> bool:
    """A reading by a fallback layout (prose), compared only where nothing earlier gave a table or an error."""
    return any(layout.fallback and layout.name in reading.format for layout in TEXT_LAYOUTS)


def text_readings(raw: str, path: str, doc_id: str) -> list[RawDocument]:
    """Every layout's reading of a text, in the registry's order, each value taken back as written
    (:func:`~fundgraph.loaders.cells.as_written`, lines and offsets the file's)."""
    text = Text(raw, path, doc_id)
    # A table broken over pages is read without the page's number and the header repeated after it.
    kept = unbroken(text.lines)
    if kept is not None:
        written = raw.splitlines()
        text = Text("\n".join(written[i] for i in kept), path, doc_id)
    readings: list[RawDocument] = []
    for layout in TEXT_LAYOUTS:
        if not layout.detect(text):
            continue
        reading = _attempt(layout.name, path, doc_id, partial(layout.read, text))
        reading = reading if layout.as_written else as_written(reading, text.raw, text.folded)
        readings.append(reading if kept is None else renumbered(reading, kept))
        if layout.alone == "detected" or (layout.alone == "found" and reading.tables):
            break
    return readings


def _attempt(layout: str, path: str, doc_id: str, read: Callable[[], RawDocument]) -> RawDocument:
    """One layout's reading; a reader that cannot read the text at all gives its error as its reading, so that one
    layout's refusal (a row wider than its header) does not keep the other layouts from being read and compared."""
    try:
        return read()
    except ParseError as error:
        return RawDocument(path=path, doc_id=doc_id, format=layout, tables=[], error=error)
