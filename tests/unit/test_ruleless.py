"""Tables without ruling lines, read by the same text-layout model as any text: the words laid out where the page
shows them, each piece under the header column it sits below, a wrapped cell continued on the lines under it. The
fixtures are the generated plan of other.txt with its table's borders taken away, rendered by LibreOffice and
scanned like the other scans (formats/make.py ruleless)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fundgraph.loaders import parse_path, read_plans
from fundgraph.loaders.model import Plan
from fundgraph.loaders.readers.text_tables import looks_like_aligned_columns, read_aligned_columns
from tests.conftest import FORMATS


@pytest.fixture(scope="module")
def text() -> Plan:
    return parse_path(FORMATS / "other.txt")


def test_a_pdf_table_without_ruling_lines_is_the_plan_of_its_text(text: Plan) -> None:
    path = FORMATS / "other-ruleless.pdf"
    reading = read_plans(path.read_bytes(), str(path))
    [plan] = reading.plans
    assert reading.document.format == "pdf-text/aligned-columns"
    # Read a row a line, the space-separated layout stops at the first wrapped name and does not add up.
    assert "pdf-text/space-separated: 1 plan(s), not reconciled" in reading.others
    assert (plan.plan_id, plan.version) == (text.plan_id, text.version)
    assert plan.stated_total == plan.computed_total == text.stated_total == Decimal("6873.08")
    assert [(p.seq, p.name, p.implementer, p.amount) for p in plan.projects] == [
        (p.seq, p.name, p.implementer, p.amount) for p in text.projects
    ]


def test_a_scan_of_a_table_without_ruling_lines_reads_as_its_text(text: Plan) -> None:
    # No rules to find the grid by or to straighten the page by: the page is turned level by its lines of text, and
    # the words PP-OCR found (a detected line that spans two columns cut at the gap) are laid out by position.
    path = FORMATS / "other-ruleless-scan.pdf"
    reading = read_plans(path.read_bytes(), str(path))
    [plan] = reading.plans
    assert reading.document.format == "ocr-text/aligned-columns"
    assert (plan.plan_id, plan.version) == (text.plan_id, text.version)
    assert plan.stated_total == plan.computed_total == Decimal("6873.08")  # checked, as every OCR reading is
    assert [(p.seq, p.name, p.implementer, p.amount) for p in plan.projects] == [
        (p.seq, p.name, p.implementer, p.amount) for p in text.projects
    ]
    amounts = [p.cells["amount"] for p in plan.projects]
    assert all(c.page == 1 and c.confidence is not None and c.confidence > 90 for c in amounts)
    tops = [c.box[1] for c in amounts if c.box is not None]
    assert len(tops) == 14 and tops == sorted(tops)  # row under row, in points from the page's top-left
    assert all(400 < c.box[0] < c.box[2] < 460 for c in amounts if c.box is not None)  # the 安排资金 column
    assert plan.read_confidence is not None and plan.read_confidence > 90


def test_pieces_go_to_the_column_they_sit_under() -> None:
    # Laid out as a page's words are: each piece starts at the character column its position gives.
    def laid(*pieces: str) -> str:
        return "".join(piece.ljust(12) for piece in pieces).rstrip()

    lines = [
        laid("序号", "项目名称", "实施单位", "金额"),
        laid("1", "甲市第1批民生", "甲市人力资源和", "12.5"),
        laid("", "保障项目", "社会保障局"),
        laid("2", "乙市项目", "乙市教育局", "  7"),
        laid("合计", "", "", " 19.5"),
        "注：以上为示例。",
    ]
    assert looks_like_aligned_columns(lines)
    document = read_aligned_columns("\n".join(lines), "t.txt", "d")
    [table] = document.tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["序号", "项目名称", "实施单位", "金额"],
        ["1", "甲市第1批民生保障项目", "甲市人力资源和社会保障局", "12.5"],
        ["2", "乙市项目", "乙市教育局", "7"],
        ["合计", "19.5"],
    ]
    assert [c.col for c in table.rows[3]] == [1, 4] and table.rows[1][1].line == 2
    assert [t.text for t in document.after] == ["注：以上为示例。"]
