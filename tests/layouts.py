"""The seed plan rendered in every text layout the loaders read, with the prose and navigation web pages add."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from fundgraph.loaders import parse_path
from tests.conftest import SEED_TXT

HEAD = ["序号", "项目名称", "申报单位", "实施单位", "项目简介", "主要绩效目标", "拟分配金额", "审批权限"]
TITLE = "2024年广东省促进经济高质量发展专项资金（重点金融平台项目）分配方案"
BEFORE = f"首页 > 政务公开 > 通知公告\n附件2\n{TITLE}\n单位：万元\n"
AFTER = "注：因部分信息化项目须以省财政厅和政数局批复和招投标合同金额为准。\n返回顶部 | 打印本页\n"


def seed_rows() -> Iterator[list[str]]:
    for p in parse_path(SEED_TXT).projects:
        yield [
            p.seq,
            p.name,
            p.applicant or "",
            p.implementer or "",
            (p.summary or "").replace("\n", " "),
            (p.targets_text or "").replace("\n", " "),
            str(p.amount),
            p.approval or "",
        ]


def pipe() -> str:
    body = "".join("| " + " | ".join(r) + " |\n" for r in seed_rows())
    return (
        BEFORE + "| " + " | ".join(HEAD) + " |\n|" + "---|" * 8 + "\n" + body + "| 合计 | | | | | | 3901 | |\n" + AFTER
    )


def cell_per_line() -> str:
    body = "".join("".join(c + "|\n" for c in r) for r in seed_rows())
    return BEFORE + "".join(c + "|\n" for c in HEAD) + body + "合计|\n3901|\n" + AFTER


def comma_closed() -> str:
    """One cell a line, closed by a comma as some pages copy a table (a comma inside a cell's text stays in it)."""
    return cell_per_line().replace("|\n", ",\n")


def blank_separated() -> str:
    body = "".join("".join(c + "\n\n" for c in r) for r in seed_rows())
    return BEFORE + "\n".join(c + "\n" for c in HEAD) + "\n" + body + "合计\n\n3901\n\n" + AFTER


def space_separated() -> str:
    cols = [0, 1, 2, 3, 6, 7]
    head = "  ".join(HEAD[i] for i in cols) + "\n"
    body = "".join("  ".join(r[i] for i in cols) + "\n" for r in seed_rows())
    return BEFORE + head + body + "合计  3901\n" + AFTER


def html() -> str:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>\n" for r in seed_rows())
    return (
        "<html><head><title>通知</title><script>var nav = '合计 1';</script></head><body>"
        f"<nav>首页 | 政务公开</nav><p>附件2</p><h2>{TITLE}</h2>"
        "<p>单位：万元</p><table><tr>"
        + "".join(f"<th>{h}</th>" for h in HEAD)
        + "</tr>\n"
        + rows
        + '<tr><td colspan="6">合计</td><td>3901</td><td></td></tr></table>'
        "<p>注：因部分信息化项目须以省财政厅和政数局批复和招投标合同金额为准。</p></body></html>"
    )


def csv_text(delimiter: str = ",") -> str:
    """A spreadsheet saved as CSV and published as text, among the page's prose."""
    buffer = io.StringIO()
    rows = [HEAD, *seed_rows(), ["合计", "", "", "", "", "", "3901", ""]]
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return BEFORE + buffer.getvalue() + AFTER


LAYOUTS: dict[str, tuple[Callable[[], str], str, str]] = {
    # name: (renderer, file name, format the reader reports)
    "pipe": (pipe, "plan.md", "pipe-table"),
    "cell_per_line": (cell_per_line, "plan.txt", "cell-per-line"),
    "comma_closed": (comma_closed, "plan.txt", "cell-per-line"),
    "blank_separated": (blank_separated, "plan.txt", "cell-per-line"),
    "space_separated": (space_separated, "plan.txt", "space-separated"),
    "html": (html, "plan.html", "html"),
    "csv_text": (csv_text, "plan.txt", "csv"),
    "semicolon_text": (lambda: csv_text(";"), "plan.txt", "csv"),
}


# Names a spreadsheet would take for formulas, in a plan laid out as the seed is (a cell a line, each led by a tab).
HOSTILE_NAMES = {
    "project": '=HYPERLINK("http://x","y")',
    "applicant": "@SUM(A1)",
    "implementer": "+cmd",
    "second_project": "-2+3项目",
    "second_applicant": "-2+3",
}


def hostile_names_plan() -> str:
    """A 2019 plan (apart from the seed's 2023 and 2024) whose names are formulas to a spreadsheet."""
    head = "附件2\n2019年测试专项资金分配方案\n单位：万元\n"
    head += "\t序号\n\t项目\n名称\n\t申报\n单位\n\t实施\n单位\n"
    head += "\t项目简介\n\t主要绩效目标\n\t拟分配金额\n\t审批\n权限\n\n"
    names = HOSTILE_NAMES
    rows = [
        ("1", names["project"], names["applicant"], names["implementer"], "100"),
        ("2", names["second_project"], names["second_applicant"], names["implementer"], "-3"),
    ]
    body = "".join(f"\t{s}\n\t{n}\n\t{a}\n\t{i}\n\t简介{s}\n\t目标{s}\n\t{m}\n\t省级\n\n" for s, n, a, i, m in rows)
    return head + body + "\t合计\n\t97\n\t\n\n"
