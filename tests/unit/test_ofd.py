"""OFD (GB/T 33190): its text layer read like a PDF's words, each cell with its page and box. The fixtures are made
by ofdrw's converters (tests/fixtures/formats/make_ofd.sh): seed.ofd from the seed's text, with a text layer;
seed-outlines.ofd from seed.pdf's first page, every glyph drawn as a path."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from fundgraph.errors import ParseError
from fundgraph.loaders import SUPPORTED_SUFFIXES, parse_path, parse_plans, read_plans
from fundgraph.loaders.model import Plan
from fundgraph.loaders.readers.ofd_reader import read_ofd_text
from tests.conftest import FORMATS, SEED_TXT

OFD = "http://www.ofdspec.org/2016"


@pytest.fixture(scope="module")
def text() -> Plan:
    return parse_path(SEED_TXT)


def test_an_ofd_of_the_seed_is_the_plan_of_its_text(text: Plan) -> None:
    assert ".ofd" in SUPPORTED_SUFFIXES
    reading = read_plans((FORMATS / "seed.ofd").read_bytes(), str(FORMATS / "seed.ofd"))
    [plan] = reading.plans
    assert reading.document.format == "ofd-text/word-text"
    assert (plan.plan_id, plan.version) == (text.plan_id, text.version)
    assert plan.stated_total == plan.computed_total == text.stated_total == Decimal("3901")
    assert (plan.title, plan.year, plan.attachment, plan.unit) == (text.title, text.year, text.attachment, text.unit)
    assert plan.problems == ()
    for ours, theirs in zip(plan.projects, text.projects, strict=True):
        assert (ours.seq, ours.name, ours.implementer, ours.amount) == (
            theirs.seq,
            theirs.name,
            theirs.implementer,
            theirs.amount,
        )
        # Lines the converter wrapped at the page's margin are joined back: the same text.
        assert re.sub(r"\s+", "", ours.summary or "") == re.sub(r"\s+", "", theirs.summary or "")


def test_an_ofd_cell_knows_its_page_and_box() -> None:
    plan = parse_path(FORMATS / "seed.ofd")
    amounts = [p.cells["amount"] for p in plan.projects]
    # Five A4 pages (210 by 297 mm: 595 by 842 points); each amount on the page where the converter put it.
    assert [c.page for c in amounts] == [1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5]
    for cell, project in zip(amounts, plan.projects, strict=True):
        x0, top, x1, bottom = cell.box or (0.0, 0.0, 0.0, 0.0)
        assert 0 < x0 < x1 < 595 and 0 < top < bottom < 842
        # A glyph of the amount is about 2.1 mm (6 points) wide at the converter's 3 mm size.
        assert 5 * len(str(project.amount)) < x1 - x0 < 7.5 * len(str(project.amount))
    assert plan.read_confidence is None  # a text layer: as sure as a reading gets


def test_an_ofd_whose_text_is_drawn_as_outlines_is_refused_as_such() -> None:
    with pytest.raises(ParseError, match=r"no text layer \(392 drawn shapes") as refused:
        parse_plans(FORMATS / "seed-outlines.ofd")
    assert refused.value.where.path.endswith("seed-outlines.ofd")


def _ofd(content: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OFD package around one page's content."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "OFD.xml",
            f'<ofd:OFD xmlns:ofd="{OFD}" Version="1.2" DocType="OFD"><ofd:DocBody>'
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        archive.writestr(
            "Doc_0/Document.xml",
            f'<ofd:Document xmlns:ofd="{OFD}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
            '</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" '
            'BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
        )
        archive.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            f'<ofd:Page xmlns:ofd="{OFD}"><ofd:Content><ofd:Layer ID="2">{content}</ofd:Layer></ofd:Content>'
            "</ofd:Page>",
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def _text(x: float, y: float, text: str, *, ctm: str = "", deltas: str = "", size: float = 4) -> str:
    ctm = f' CTM="{ctm}"' if ctm else ""
    deltas = f' DeltaX="{deltas}"' if deltas else ""
    return (
        f'<ofd:TextObject ID="9" Boundary="{x} {y} 150 6" Size="{size}"{ctm}>'
        f'<ofd:TextCode X="0" Y="4"{deltas}>{text}</ofd:TextCode></ofd:TextObject>'
    )


def test_glyphs_are_placed_by_their_codes_boundary_ctm_and_deltas(tmp_path: Path) -> None:
    # Columns as a table without ruling lines puts them: cells apart by their positions alone. One amount is written
    # at half size and scaled by its CTM (its codes' positions too); 总计 is spaced by DeltaX's `g` shorthand.
    rows = [
        _text(20, 20, "序号") + _text(40, 20, "项目名称") + _text(120, 20, "金额"),
        _text(20, 28, "1") + _text(40, 28, "甲项目") + _text(120, 24, "30", ctm="2 0 0 2 0 0", deltas="2", size=2),
        _text(20, 36, "2") + _text(40, 36, "乙项目") + _text(120, 36, "12.5"),
        _text(20, 44, "总计", deltas="g 1 4") + _text(120, 44, "42.5"),
    ]
    laid = read_ofd_text(_ofd("".join(rows)), "table.ofd")
    lines = [line.text for line in laid.lines]
    assert [re.split(r"\s{2,}", line) for line in lines] == [
        ["序号", "项目名称", "金额"],
        ["1", "甲项目", "30"],
        ["2", "乙项目", "12.5"],
        ["总计", "42.5"],
    ]
    thirty = [g for g in laid.lines[1].glyphs if g is not None and g.text in "30"]
    # At the box's left, then DeltaX 2 mm scaled by 2; the baseline the CTM's 2 × Y below the box's top (24 mm).
    assert [round(g.x0 / (72 / 25.4), 1) for g in thirty] == [120.0, 124.0]
    assert {round(g.baseline / (72 / 25.4), 1) for g in thirty} == {32.0}
    # Read by the text layouts as any text: the rows add up to the total they state.
    path = tmp_path / "table.ofd"
    path.write_bytes(_ofd("".join(rows)))
    [plan] = parse_plans(path)
    assert [(p.seq, p.name, p.amount) for p in plan.projects] == [
        ("1", "甲项目", Decimal("30")),
        ("2", "乙项目", Decimal("12.5")),
    ]
    assert plan.stated_total == plan.computed_total == Decimal("42.5")
    assert plan.projects[1].cells["amount"].page == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"PK\x03\x04 not really", "not a zip archive"),
        (b"%PDF-1.7 a PDF named .ofd", "not a zip archive"),
        (_ofd("")[:200], "not a zip archive|damaged|lacks"),
        (_ofd("<ofd:TextObject"), "damaged"),
        (_ofd(""), "no text layer"),
    ],
)
def test_what_is_no_readable_ofd_is_a_clear_refusal(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "notice.ofd"
    path.write_bytes(data)
    with pytest.raises(ParseError, match=expected) as refused:
        parse_plans(path)
    assert refused.value.where.path.endswith("notice.ofd")
