"""Spreadsheets dumped as text (fundgraph.loaders.readers.comma_dump), generated: rows whose boundaries fall
mid-line, empty cells gone, float noise beside clean figures, numbers broken over lines, negative deductions, a
total row; one row's total possibly written with its sign lost. Each row is read back as its total, exactly, and the
row whose figures add up to nothing has no amount."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fundgraph.errors import ParseError
from fundgraph.loaders import plans_from_bytes
from fundgraph.loaders.readers.comma_dump import looks_like_comma_dump, read_comma_dump
from fundgraph.vocabularies import render

SCHOOLS = ["市绵德小学", "市实验学校", "湘桥区", "潮安区", "枫溪区", "饶平县", "市金山中学", "市卫生学校", "庵埠镇"]


def _figure(value: Decimal, noise: int) -> str:
    """A category's figure as a float-noised spreadsheet prints it: off by ``noise`` units of 2**-24 of itself
    (0: clean; a float holds 0 exactly)."""
    return str(value * (1 + Decimal(noise) / 2**24)) if noise and value else str(value)


# A row's total and whether it must be read (False: its noise reaches half a cent, so it may be missing instead);
# None for a row whose sign was lost, which must be missing.
Expected = tuple[Decimal | None, bool]
Dump = tuple[str, list[str], list[Expected], Decimal]


def _faithful(read: Decimal | None, expected: Expected) -> bool:
    value, sure = expected
    return read == value or (not sure and read is None)


@st.composite
def dumps(draw: st.DrawFn) -> Dump:
    count = draw(st.integers(2, 8))
    names = draw(st.permutations(SCHOOLS))[:count]
    categories = draw(st.integers(2, 5))
    numbered = draw(st.booleans())  # a 序号 column: each row's number stands after the figures of the row before
    cells: list[str | None] = ["附件1 2018年某项补助资金安排表 单位:万元" + (" 序号 , 地区" if numbered else " 地区")]
    for n in range(categories):
        cells += [f"类别{n + 1}(生活费)", None, "应抵扣", "核定下达"]
    cells.append("本次下达")
    amounts: list[Expected] = []
    column_sums = [Decimal(0)] * categories
    flipped = draw(st.sampled_from([None, *range(count)]))
    # One clean figure with cents shows the dump's precision, as a real one's many do.
    cells += [*(["1"] if numbered else []), "市直属学校", "12.34", "12.34"]
    amounts.append((Decimal("12.34"), True))
    column_sums[0] += Decimal("12.34")
    for row, name in enumerate(names):
        cells += [*([str(row + 2)] if numbered else []), name]
        decided = True
        values = draw(
            st.lists(
                st.one_of(st.none(), st.integers(-5_000, 9_999_999).map(lambda c: Decimal(c) / 100)),
                min_size=categories,
                max_size=categories,
            ).filter(lambda v: any(x is not None for x in v))
        )
        for n, value in enumerate(values):
            if value is None:
                cells.append(None)  # the empty cell vanishes: only its comma is left
                continue
            column_sums[n] += value
            written = _figure(value, draw(st.sampled_from([0, 0, 1, 11, -3, -7])))
            # Single precision's noise reaches half a cent above ~7,500: such a figure may not be put right.
            decided = decided and abs(Decimal(written) - value) < Decimal("0.005")
            cells.append(written)
        total = sum((v for v in values if v is not None), Decimal(0))
        if row == flipped and total != 0:
            cells.append(str(-total))  # the sign lost in the dump: its figures no longer add up
            amounts.append((None, True))
        else:
            cells.append(str(total))
            amounts.append((total, decided))
    cells.append("合计")
    cells += [str(s) for s in column_sums]
    grand = sum(column_sums, Decimal(0))
    cells.append(str(grand))
    # Joined as the forum's copy does: ' , ' between cells, a lone ',' for each vanished one, and the stream cut into
    # lines between blank lines at places that fall anywhere, a number broken over two lines where a cut meets it.
    cuts = draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    text = ""
    for cell, cut in zip(cells, cuts, strict=True):
        text += "," if cell is None else (" , " if text else "") + cell
        if cut and cell is not None and "." in cell and cell.split(".")[1]:
            head, tail = cell.split(".")
            text = text[: -len(cell)] + f"{head}.\n\n{tail}"
        elif cut:
            text += " ,,\n\n"
    return text + "\n", ["市直属学校", *names], amounts, grand


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dumps())
def test_generated_dumps_read_back_each_row_s_total(dump: Dump) -> None:
    text, names, amounts, grand = dump
    document = read_comma_dump(text, "dump.txt", "d")
    table = document.tables[0]
    rows = table.rows[1:]
    name, amount = (1, 2) if table.rows[0][0].text == "序号" else (0, 1)
    assert [row[name].text for row in rows] == [*names, "合计"]
    read = [Decimal(row[amount].text) if row[amount].text else None for row in rows]
    assert all(_faithful(r, e) for r, e in zip(read, [*amounts, (grand, True)], strict=True)), (read, amounts)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dumps())
def test_a_dump_becomes_a_plan_with_the_missing_amount_said(dump: Dump) -> None:
    text, _, amounts, grand = dump
    # Too few lines to tell the layout: a short dump reads as something else or not at all.
    assume(looks_like_comma_dump(text.splitlines()))
    rows = len(amounts) + 1  # and the 合计
    try:
        (plan,) = plans_from_bytes(text.encode(), "dump.txt")
    except ParseError as error:
        # Refused only where a third of the rows or more may add up to nothing.
        assert "cannot be told apart" in error.message
        assert (rows - sum(1 for value, sure in amounts if value is None or not sure)) * 3 < rows * 2
        return
    read = [p.amount for p in plan.projects]
    assert all(_faithful(r, e) for r, e in zip(read, amounts, strict=True)), (read, amounts)
    assert plan.stated_total == grand
    if "序号" in text:
        assert [p.seq for p in plan.projects] == [str(n) for n in range(1, len(amounts) + 1)]
    codes = [p.code for p in plan.problems]
    assert ("amount_missing" in codes) == (None in read)
    # With an amount missing no mismatch is established; the plan says what the missing ones must add up to.
    disagree = plan.computed_total != grand
    assert ("total_unverified" in codes) == (disagree and None in read)
    assert ("total_mismatch" in codes) == (disagree and None not in read)


def test_rows_that_mostly_add_up_to_nothing_are_refused_not_guessed() -> None:
    text = "地区 , 小学 ,, 初中 ,, 本次下达 甲区 , 1 , 2 , 5 , 乙县 , 3 , 4 , 9 , 丙镇 , 1 , 1 , 2 ,,\n"
    table = read_comma_dump(text, "t.txt", "d").tables[0]
    assert table.unreadable is not None and "2 of 3 rows" in render(table.unreadable["code"], table.unreadable["args"])


def test_a_numbered_dump_keeps_each_row_s_number_out_of_its_figures() -> None:
    """序号 first in the header: the number before a row's name is its 序号, not the last figure of the row before
    (which, with one figure a row, is then the amount)."""
    text = "附件 2023年某县资金分配表 单位:万元 序号 , 单位名称 , 补助金额 ,,\n\n1 , 甲镇 , 10 , 2 , 乙乡 ,,\n\n"
    text += "20.5 , 3 , 丙街道 , 30 ,,\n\n4 , 丁村 ,,\n\n40 , 合计 , 100.5 ,,\n\n" + "附注 ,, 略\n" * 4
    (plan,) = plans_from_bytes(text.encode(), "dump.txt")
    assert [(p.seq, p.name, str(p.amount)) for p in plan.projects] == [
        ("1", "甲镇", "10"),
        ("2", "乙乡", "20.5"),
        ("3", "丙街道", "30"),
        ("4", "丁村", "40"),
    ]
    assert plan.stated_total == plan.computed_total == Decimal("100.5")
