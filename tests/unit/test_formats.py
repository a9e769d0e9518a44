"""The formats plans are published in: PDF with a text layer, scans (PDF of images, .jpg), legacy .xls, and what
LibreOffice converts (.doc, .rtf, .odt, .ods). The fixtures are made by real tool chains (formats/make.py).

Every rendering of the seed is the same plan as its text: the same plan_id and version, the same projects and total.
A scan is the same where OCR can be checked: 序号 and amounts exactly (the total must reconcile), names as sure as
the confidence it reports.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from pathlib import Path

import pytest

from fundgraph.errors import ParseError
from fundgraph.loaders import parse_path, parse_plans
from fundgraph.loaders.model import Plan
from fundgraph.loaders.readers import convert
from fundgraph.loaders.readers.ocr import tidy
from fundgraph.loaders.readers.pdf_reader import join_pieces
from tests.conftest import FORMATS, SEED_TXT


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def text() -> Plan:
    return parse_path(SEED_TXT)


@pytest.fixture(scope="module")
def scan() -> Plan:
    return parse_path(FORMATS / "seed-scan.pdf")


RENDERINGS = ["seed.pdf", "seed.xls", "seed.doc", "seed.rtf", "seed.odt", "seed.ods"]


@pytest.mark.parametrize("name", RENDERINGS)
def test_every_rendering_is_the_plan_of_the_text(text: Plan, name: str) -> None:
    if Path(name).suffix in convert.CONVERTED and convert.soffice() is None:
        pytest.skip("LibreOffice is not installed (make formats)")
    plan = parse_path(FORMATS / name)
    assert (plan.plan_id, plan.version) == (text.plan_id, text.version)
    assert plan.stated_total == text.stated_total == plan.computed_total == Decimal("3901")
    assert plan.problems == () and plan.notes == text.notes
    assert (plan.title, plan.year, plan.attachment, plan.unit) == (text.title, text.year, text.attachment, text.unit)
    for ours, theirs in zip(plan.projects, text.projects, strict=True):
        assert (ours.seq, ours.name, ours.applicant, ours.implementer, ours.amount, ours.approval) == (
            theirs.seq,
            theirs.name,
            theirs.applicant,
            theirs.implementer,
            theirs.amount,
            theirs.approval,
        )
        # Line breaks inside a cell are layout: the text is the same, and so is every target found in it.
        assert _squash(ours.summary) == _squash(theirs.summary)
        assert [t.text for t in ours.targets] == [t.text for t in theirs.targets]


def test_a_pdf_cell_knows_its_page_and_box() -> None:
    plan = parse_path(FORMATS / "seed.pdf")
    cells = [p.cells["amount"] for p in plan.projects]
    assert [c.row for c in cells] == list(range(2, 13))  # one table over 19 pages, rows numbered through
    assert [c.page for c in cells][:3] == [1, 3, 5] and all(c.col == 7 for c in cells)
    x0, top, x1, bottom = cells[3].box or (0, 0, 0, 0)
    assert 400 < x0 < x1 < 470 and top < bottom  # the 拟分配金额 column, in points from the top-left
    assert cells[3].as_dict()["page"] == 6 and "confidence" not in cells[3].as_dict()
    assert plan.read_confidence is None  # a text layer: as sure as a reading gets


def test_a_table_over_pages_with_its_header_repeated_is_one_table() -> None:
    [plan] = parse_plans(FORMATS / "spanning.pdf")
    assert [p.seq for p in plan.projects] == [str(n) for n in range(1, 61)]
    assert plan.stated_total == plan.computed_total and plan.problems == ()
    assert len({p.cells["amount"].page for p in plan.projects}) >= 3
    assert all(p.name.endswith("项目") and "序号" not in p.name for p in plan.projects)


def test_a_scan_reads_the_same_numbers_and_the_names_as_surely_as_it_says(text: Plan, scan: Plan) -> None:
    assert (scan.plan_id, scan.title, scan.year, scan.attachment) == (
        text.plan_id,
        text.title,
        text.year,
        text.attachment,
    )
    assert [p.seq for p in scan.projects] == [p.seq for p in text.projects]
    assert [p.amount for p in scan.projects] == [p.amount for p in text.projects]
    assert scan.stated_total == scan.computed_total == Decimal("3901")
    assert scan.read_confidence is not None and 50 < scan.read_confidence < 100
    for ours, theirs in zip(scan.projects, text.projects, strict=True):
        name = ours.cells["name"]
        assert name.confidence is not None and name.page is not None and name.box is not None
        if name.confidence >= 85:
            # A name broken over two lines in its cell is one name: the space the text keeps at the break is not
            # on the page.
            assert _squash(ours.name) == _squash(theirs.name)
        assert difflib.SequenceMatcher(None, ours.name, theirs.name).ratio() >= 0.85, (ours.name, theirs.name)
        assert ours.cells["amount"].confidence is not None


def test_a_scan_without_a_total_is_refused_unless_accepted_unverified() -> None:
    with pytest.raises(ParseError, match="states no total to check") as refused:
        parse_plans(FORMATS / "seed-scan-page1.jpg")
    assert refused.value.where.path.endswith("seed-scan-page1.jpg")
    [plan] = parse_plans(FORMATS / "seed-scan-page1.jpg", accept_unverified=True)
    assert [p.code for p in plan.problems] == ["no_stated_total", "ocr_unverified"]
    assert [(p.seq, p.amount) for p in plan.projects][:1] == [("1", Decimal("330"))]


def test_a_scan_whose_amounts_do_not_add_up_is_refused_with_its_cells(tmp_path: Path) -> None:
    from fundgraph.loaders import check_ocr

    scan = parse_path(FORMATS / "seed-scan.pdf")
    misread = scan.projects[3].__class__(**{**scan.projects[3].__dict__, "amount": Decimal("725.4074")})
    wrong = scan.__class__(**{**scan.__dict__, "projects": (*scan.projects[:3], misread, *scan.projects[4:])})
    with pytest.raises(ParseError, match="not the stated total 3901") as refused:
        check_ocr([wrong], accept_unverified=True)
    assert "least sure first" in refused.value.message and "confidence" in refused.value.message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("encrypted.pdf", "encrypted with a password"),
        ("cut.pdf", "cut short or damaged"),
        ("no-table.pdf", "no ruled table"),
        ("no-text.png", "OCR found no text"),
    ],
)
def test_what_cannot_be_read_is_a_clear_refusal(name: str, expected: str) -> None:
    with pytest.raises(ParseError, match=expected) as refused:
        parse_plans(FORMATS / name)
    assert refused.value.where.path.endswith(name)


def test_a_conversion_without_libreoffice_or_in_too_long_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FORMATS / "seed.doc").read_bytes()
    monkeypatch.setattr(convert, "soffice", lambda: None)
    with pytest.raises(ParseError, match="needs LibreOffice"):
        convert.convert(data, "plan.doc")
    monkeypatch.undo()
    if convert.soffice() is None:
        pytest.skip("LibreOffice is not installed (make formats)")
    with pytest.raises(ParseError, match="did not finish converting"):
        convert.convert(data, "plan.doc", timeout=0.05)
    with pytest.raises(ParseError, match="could not convert"):
        convert.convert(b"\x00" * 64, "plan.ods")


def test_wrapped_text_and_ocr_punctuation_are_put_back() -> None:
    assert join_pieces(["725.40", "14"]) == "725.4014"
    assert join_pieces(["省地方金融监管", "局"]) == "省地方金融监管局"
    assert join_pieces(["secure", "web"]) == "secure web"
    assert tidy("省中小企业融资平台安全运营服务(2023年〉项目") == "省中小企业融资平台安全运营服务（2023年）项目"
    assert tidy("《金融伦理学》") == "《金融伦理学》"
    assert tidy("OA system (v2)") == "OA system (v2)"  # no Chinese: left alone


def test_bodies_read_unsurely_by_ocr_are_listed_for_review(monkeypatch: pytest.MonkeyPatch) -> None:
    from fundgraph.loaders.entities.reference import load_reference
    from fundgraph.loaders.entities.review import OCR_REVIEW_BELOW, candidates

    # Tesseract's reading of the seed's scan has bodies it is unsure of (PP-OCR's has none to list).
    monkeypatch.setenv("FUNDGRAPH_OCR", "tesseract")
    scan = parse_path(FORMATS / "seed-scan.pdf")

    listed = [c for c in candidates([scan], load_reference()) if any("read by OCR" in r for r in c.reasons)]
    unsure = {
        getattr(p, field)
        for p in scan.projects
        for field in ("applicant", "implementer")
        if (confidence := p.cells[field].confidence) is not None and confidence < OCR_REVIEW_BELOW
    }
    assert listed and {c.name for c in listed} <= unsure
    # Each is shown with the page to check and, where the reference has a near name, the body it may be.
    assert all(any("page" in seen for seen in c.seen_in) for c in listed)
    misread = {c.name: c.into for c in listed}
    assert all(into is None or into != name for name, into in misread.items())


def test_conversions_at_once_do_not_share_a_profile() -> None:
    from concurrent.futures import ThreadPoolExecutor

    if convert.soffice() is None:
        pytest.skip("LibreOffice is not installed (make formats)")
    data = (FORMATS / "seed.odt").read_bytes()
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda n: convert.convert(data, f"plan{n}.odt"), range(3)))
    assert [kind for _, kind in results] == ["docx"] * 3 and all(converted[:2] == b"PK" for converted, _ in results)


def test_a_plan_no_reader_was_tuned_on_reads_the_same_in_every_rendering() -> None:
    # Other bodies, fund, year and columns than the seed (formats/make.py `other_plan`), rendered by the tool chains.
    if convert.soffice() is None:
        pytest.skip("LibreOffice is not installed (make formats)")
    text = parse_path(FORMATS / "other.txt")
    assert len(text.projects) == 14 and text.stated_total == text.computed_total
    for name in ("other.pdf", "other.xls", "other.doc"):
        plan = parse_path(FORMATS / name)
        assert (plan.plan_id, plan.version) == (text.plan_id, text.version), name
        assert [(p.seq, p.name, p.implementer, p.amount) for p in plan.projects] == [
            (p.seq, p.name, p.implementer, p.amount) for p in text.projects
        ], name
    scan = parse_path(FORMATS / "other-scan.pdf")
    assert scan.plan_id == text.plan_id and scan.stated_total == text.stated_total == scan.computed_total
    assert [(p.seq, p.amount) for p in scan.projects] == [(p.seq, p.amount) for p in text.projects]
    for ours, theirs in zip(scan.projects, text.projects, strict=True):
        confidence = ours.cells["name"].confidence
        assert confidence is not None
        if ours.name != theirs.name:
            assert confidence < 80, (ours.name, confidence)  # a misread name says it is unsure


def test_the_default_ocr_is_pp_ocr_and_reads_every_name_of_the_generated_scan() -> None:
    from fundgraph.loaders.readers import ocr

    assert ocr.engine().name == "ppocr"  # the wheel is a dependency: nothing to fetch at run time
    text = parse_path(FORMATS / "other.txt")
    scan = parse_path(FORMATS / "other-scan.pdf")
    assert [(p.seq, p.name, p.implementer, p.amount) for p in scan.projects] == [
        (p.seq, p.name, p.implementer, p.amount) for p in text.projects
    ]


def test_tesseract_is_still_an_engine_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from fundgraph.loaders.readers import ocr

    with pytest.raises(ValueError, match="no OCR engine"):
        ocr.engine("paddle")
    monkeypatch.setenv("FUNDGRAPH_OCR", "tesseract")
    assert ocr.engine().name == "tesseract"
    text = parse_path(FORMATS / "other.txt")
    scan = parse_path(FORMATS / "other-scan.pdf")
    assert [(p.seq, p.amount) for p in scan.projects] == [(p.seq, p.amount) for p in text.projects]
