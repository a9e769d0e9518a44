"""The readers and the plan builder on the seed plan in its three renderings, on CSV, and on bad input."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from fundgraph.errors import ParseError
from fundgraph.loaders import parse_bytes, parse_path
from tests.conftest import SEED_DOCX, SEED_TXT, SEED_XLSX

EXPECTED = [
    ("1", "汕尾市金融局", "汕尾市金融局", "330"),
    ("2", "潮州市金融局", "粤财普惠金融（潮州）融资担保股份有限公司", "400"),
    ("3", "广东股权交易中心股份有限公司", "广东股权交易中心股份有限公司", "800"),
    ("4", "广东省融资再担保有限责任公司", "广东省融资再担保有限责任公司", "725.4014"),
    ("5", "广东省金融文化研究会", "广东省金融文化研究会", "100"),
    ("6", "省地方金融管理局", "省地方金融管理局", "612"),
    ("7", "省地方金融管理局", "省地方金融管理局", "49.282"),
    ("8", "省地方金融管理局", "省地方金融管理局", "370"),
    ("9", "省地方金融管理局", "省地方金融管理局", "292"),
    ("10", "省地方金融管理局", "省地方金融管理局", "136.3166"),
    ("11", "省地方金融管理局", "省地方金融管理局", "86"),
]


def _comparable(plan_dict: dict[str, object]) -> dict[str, object]:
    """A parsed plan without what legitimately differs between renderings: bytes, path, format, cell positions."""
    skip = {"doc_id", "path", "format"}
    result = {k: v for k, v in plan_dict.items() if k not in skip}
    result["projects"] = [
        {k: v for k, v in p.items() if k not in {"source", "cells"}}
        for p in plan_dict["projects"]  # type: ignore[attr-defined]
    ]
    return result


@pytest.mark.parametrize("path", [SEED_TXT, SEED_DOCX, SEED_XLSX], ids=["txt", "docx", "xlsx"])
def test_seed_parses_exactly_in_every_format(path: Path) -> None:
    plan = parse_path(path)
    assert [(p.seq, p.applicant, p.implementer, str(p.amount)) for p in plan.projects] == EXPECTED
    assert plan.stated_total == Decimal("3901") == plan.computed_total
    assert plan.problems == ()
    assert (plan.attachment, plan.year, plan.unit) == ("附件2", 2024, "万元")
    assert (plan.fund, plan.programme, plan.region) == ("促进经济高质量发展专项资金", "重点金融平台项目", "广东省")
    assert plan.title == "2024年广东省促进经济高质量发展专项资金（重点金融平台项目）分配方案"
    assert len(plan.notes) == 1 and plan.notes[0].startswith("注：因部分信息化项目")
    assert all(p.approval == "省级" for p in plan.projects)


def test_the_three_renderings_are_one_plan() -> None:
    plans = [parse_path(p) for p in (SEED_TXT, SEED_DOCX, SEED_XLSX)]
    assert len({p.plan_id for p in plans}) == 1
    assert len({p.version for p in plans}) == 1
    assert len({p.doc_id for p in plans}) == 3
    first = _comparable(plans[0].as_dict())
    for other in plans[1:]:
        assert _comparable(other.as_dict()) == first


def test_provenance_points_at_the_cells() -> None:
    txt = parse_path(SEED_TXT)
    fourth = txt.projects[3]
    assert fourth.cells["amount"].row == 5 and fourth.cells["amount"].col == 7
    line = SEED_TXT.read_text(encoding="utf-8").splitlines()[fourth.cells["amount"].line - 1]  # type: ignore[operator]
    assert line == "\t725.4014"
    xlsx = parse_path(SEED_XLSX)
    assert (xlsx.projects[3].cells["amount"].row, xlsx.projects[3].cells["amount"].col) == (8, 7)  # sheet cell G8
    assert xlsx.stated_total_source is not None and xlsx.stated_total_source.row == 16


def test_targets_are_split_on_their_numbers() -> None:
    plan = parse_path(SEED_TXT)
    assert [len({t.item for t in p.targets}) for p in plan.projects] == [4, 3, 1, 5, 3, 1, 1, 1, 4, 1, 1]
    # Project 6's 备注 (立项申报资金1197万元 ...) is a note, not a target.
    assert not any(t.value == Decimal(1197) for t in plan.projects[5].targets)


def _seed_as_csv(encoding: str, unit_factor: int = 10000) -> bytes:
    plan = parse_path(SEED_TXT)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["资金使用单位", "资金金额（元）", "项目名称", "序 号", "项目单位"])
    for p in plan.projects:
        writer.writerow([p.implementer, str(p.amount * unit_factor), p.name, p.seq, p.applicant])
    writer.writerow(["合  计", str(plan.stated_total * unit_factor), "", "", ""])  # type: ignore[operator]
    return buffer.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_yuan_with_renamed_reordered_columns_gives_the_same_amounts(encoding: str) -> None:
    plan = parse_bytes(_seed_as_csv(encoding), "plan.csv")
    assert [(p.seq, p.applicant, p.implementer, str(p.amount)) for p in plan.projects] == EXPECTED
    assert plan.unit == "元" and plan.stated_total == Decimal("3901")
    assert plan.problems == ()


def test_a_total_that_disagrees_is_reported_not_fixed() -> None:
    text = SEED_TXT.read_text(encoding="utf-8").replace("\t3901\n", "\t3900\n")
    plan = parse_bytes(text.encode(), "changed.txt")
    assert plan.stated_total == Decimal("3900") and plan.computed_total == Decimal("3901")
    [problem] = plan.problems
    assert problem.code == "total_mismatch"
    assert "3900" in problem.message and "3901" in problem.message
    assert (problem.where.row, problem.where.col) == (13, 2)


def test_a_duplicated_seq_is_reported_and_the_row_kept() -> None:
    text = SEED_TXT.read_text(encoding="utf-8").replace("\t2\n\t潮州市", "\t1\n\t潮州市")
    plan = parse_bytes(text.encode(), "dup.txt")
    assert len(plan.projects) == 11
    assert [p.code for p in plan.problems] == ["duplicate_seq"]
    assert plan.problems[0].where.row == 3


def _error(data: bytes, name: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_bytes(data, name)
    return caught.value


def test_bad_input_is_a_located_error() -> None:
    assert "empty" in str(_error(b"", "empty.txt"))
    assert "binary" in str(_error(b"\x00\x01\x02junk" * 50, "junk.txt"))
    assert "no table" in str(_error("附件2\n一些说明文字\n没有表格。\n".encode(), "prose.txt"))
    assert "not a readable PDF" in str(_error(b"%PDF-1.4", "plan.pdf"))
    assert "unsupported file type" in str(_error(b"PK\x03\x04", "plan.numbers"))
    no_amount = "\t序号\n\t项目名称\n\t申报单位\n\n\t1\n\t某项目\n\t某单位\n"
    assert "amount column" in str(_error(no_amount.encode(), "no_amount.txt"))


def test_a_non_numeric_amount_names_its_row_and_column() -> None:
    text = SEED_TXT.read_text(encoding="utf-8").replace("\t330\n", "\t待定\n")
    error = _error(text.encode(), "tbd.txt")
    assert "待定" in error.message
    assert (error.where.path, error.where.row, error.where.col) == ("tbd.txt", 2, 7)
    assert error.where.line == text.splitlines().index("\t待定") + 1


def test_a_truncated_text_export_keeps_its_complete_rows() -> None:
    text = SEED_TXT.read_text(encoding="utf-8")
    cut = text[: text.index("\t广东股权交易中心股份有限公司")]
    plan = parse_bytes(cut.encode(), "cut.txt")
    assert [p.seq for p in plan.projects] == ["1", "2"]
    assert [p.code for p in plan.problems] == ["truncated", "no_stated_total"]


def test_a_blank_amount_is_missing_not_zero() -> None:
    text = "| 序号 | 项目名称 | 金额（万元） |\n| 1 | 甲 | 10 |\n| 2 | 乙 | |\n| 3 | 丙 | 5 |\n| 合计 | | 15 |\n"
    plan = parse_bytes(text.encode(), "blank.md")
    assert [(p.name, p.amount) for p in plan.projects] == [("甲", Decimal(10)), ("乙", None), ("丙", Decimal(5))]
    assert plan.computed_total == Decimal(15) and plan.as_dict()["projects"][1]["amount"] is None
    missing = [p for p in plan.problems if p.code == "amount_missing"]
    assert len(missing) == 1 and missing[0].where.row == 3 and "乙" in missing[0].message


@pytest.mark.parametrize("path", [SEED_DOCX, SEED_XLSX], ids=["docx", "xlsx"])
def test_truncated_office_files_are_refused(path: Path) -> None:
    data = path.read_bytes()
    error = _error(data[: len(data) // 2], path.name)
    assert "cut short" in error.message


def test_bytes_no_encoding_decodes_are_refused() -> None:
    error = _error(b"\x81\x30\xff\xfe\x80" * 40 + b"\n\t1\n", "bad.csv")
    assert "encoding" in error.message


def _workbook(rows: list[list[object]], merges: tuple[str, ...] = ()) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_floats_read_as_the_decimals_the_sheet_shows() -> None:
    data = _workbook(
        [
            ["某专项资金分配表"],
            ["序号", "项目名称", "实施单位", "分配金额（万元）"],
            [1, "甲", "甲单位", 0.1 + 0.2],
            [2, "乙", "乙单位", 725.4014],
            ["合计", None, None, 725.7014],
        ],
        merges=("A1:D1", "A5:C5"),
    )
    plan = parse_bytes(data, "floats.xlsx")
    assert [str(p.amount) for p in plan.projects] == ["0.3", "725.4014"]
    assert plan.stated_total == Decimal("725.7014") and plan.problems == ()
    assert plan.title == "某专项资金分配表"


def test_an_amount_finer_than_a_fen_is_refused_with_its_cell() -> None:
    error = _error("\t序号\n\t项目名称\n\t金额（万元）\n\n\t1\n\t甲\n\t0.00000001\n".encode(), "tiny.txt")
    assert "finer than one 分" in error.message and (error.where.row, error.where.col) == (2, 3)


def test_office_files_without_a_plan_table_are_refused() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("没有表格的通知")
    buffer = io.BytesIO()
    document.save(buffer)
    assert "no table" in str(_error(buffer.getvalue(), "empty.docx"))
    assert "no table" in str(_error(_workbook([["说明"], ["甲", "乙"]]), "empty.xlsx"))


_LOADED_BY_PARSE = """
import runpy, sys
sys.argv = ["fundgraph", "parse", sys.argv[1]]
try:
    runpy.run_module("fundgraph", run_name="__main__")
except SystemExit as exit:
    assert not exit.code, exit.code
heavy = ("openpyxl", "docx", "xlrd", "pdfplumber", "cv2", "pytesseract", "pandas", "numpy", "neo4j")
print(" ".join(sorted(name for name in heavy if name in sys.modules)), file=sys.stderr)
"""


def test_parsing_a_text_loads_no_other_format_s_libraries() -> None:
    """A text's reading starts in about half a second only while it imports none of the office, PDF and OCR readers'
    libraries nor the driver (0.2-1.5 s of a start each); each is imported when its format is met."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _LOADED_BY_PARSE, str(SEED_TXT)], capture_output=True, text=True, check=True
    )
    assert done.stderr.strip() == ""
    assert "plan_id: plan-2024-" in done.stdout
