"""Sentences as data: a finding's (and a problem's) ``code`` and ``args`` rendered in zh or en from the one set of
templates in vocabularies.yaml (``messages``), which the CLI, the HTML report and the explorer all read."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path
from typing import Any

import pytest

import fundgraph
from fundgraph.audit.findings import Finding, apply_rules, mark_unverified
from fundgraph.audit.report import render as report
from fundgraph.errors import Location, ParseError, SchemaError
from fundgraph.loaders import plans_from_bytes
from fundgraph.loaders.model import Problem, Source
from fundgraph.vocabularies import LANGUAGES, placeholders, render, vocabulary
from tests.unit.test_findings_rules import SHARED, FakeRows

MESSAGES = vocabulary("messages")
LATIN_WORD = re.compile(r"\b[a-z]{3,}\b")  # an English word (not a code in backquotes, a file name or 序号)


def test_every_message_has_both_languages_and_names_only_its_args() -> None:
    for code, spec in MESSAGES.items():
        for lang in LANGUAGES:
            assert isinstance(spec.get(lang), str), (code, lang)
            assert set(placeholders(spec[lang])) <= set(spec["args"]), (code, lang, spec["args"])
        # Both languages say the same things: an argument left out of one is a sentence that lost a fact.
        assert set(placeholders(spec["zh"])) == set(placeholders(spec["en"])), code


def test_render_fills_nests_and_joins_in_the_language() -> None:
    args = {"platform": "政务云", "role_phrase": "运行维护", "role": "maintains", "unreviewed": ""}
    nested = args | {"when": {"code": "in_year", "args": {"year": 2024}}}
    listed = {"code": "projects_listed", "args": {"seqs": ["6", "7"]}}
    assert render("duplicate_service", nested | {"listed": listed}, "en") == (
        "政务云: 运行维护 (maintains) funded in 2024 by projects 6, 7"
    )
    zh = render("duplicate_service", nested | {"listed": listed}, "zh")
    assert "2024年" in zh and "6、7" in zh and "funded" not in zh
    with pytest.raises(SchemaError, match="no argument listed"):
        render("duplicate_service", nested, "en")
    with pytest.raises(SchemaError, match="unknown language"):
        render("in_year", {"year": 1}, "fr")
    with pytest.raises(SchemaError, match="no message"):
        render("no_such_code", {}, "en")


PASS = {"plan_id": "p", "year": 2024, "seq": "3", "project": "某项目", "amount": "10", "applicant": "甲单位"}
PASS |= {"implementer": "乙公司", "doc_id": "d", "row": 4, "applicant_col": 3, "implementer_col": 4, "line": None}
CROSS = {
    "plan_id": "p",
    "plan_year": 2024,
    "seq": "5",
    "project": "2023年运维项目",
    "amount": "3",
    "other_years": [2023],
}
CROSS |= {"years_named": [2023], "doc_id": "d", "row": 6, "col": 2, "line": None}


def _findings() -> list[Finding]:
    rows: dict[str, list[dict[str, Any]]] = {
        "platforms_shared_by_projects": [SHARED],
        "pass_through": [PASS],
        "cross_year": [CROSS],
    }
    found = apply_rules(FakeRows(rows))
    return mark_unverified(found, {"p"})


def test_every_finding_carries_its_code_and_the_args_its_templates_name() -> None:
    found = _findings()
    assert {f.rule for f in found} == {"platform_shared", "pass_through", "cross_year"}

    def check(code: str, args: dict[str, Any]) -> None:
        assert set(args) == set(MESSAGES[code]["args"]), code
        for value in args.values():
            for inner in value if isinstance(value, list) else [value]:
                if isinstance(inner, dict) and "code" in inner:
                    check(inner["code"], inner["args"])

    for finding in found:
        check(finding.code, finding.args)
        assert finding.title == finding.sentence("en")  # the English sentence stays the title
        zh = finding.sentence("zh")
        assert zh != finding.title and not LATIN_WORD.findall(zh.replace("`fundgraph entities review`", "")), zh


def test_the_html_report_in_zh_has_no_english_sentence() -> None:
    found = _findings()
    zh = html.unescape(report(found, [], [], [{"title": "方案"}], year=2024, lang="zh"))
    en = html.unescape(report(found, [], [], [{"title": "方案"}], year=2024, lang="en"))
    for finding in found:
        assert finding.sentence("zh") in zh and finding.title not in zh
        assert finding.title in en
    assert "<html lang='zh-CN'>" in zh and "审计发现" in zh and "Findings" not in zh


def _problem_calls() -> list[tuple[str, str, set[str]]]:
    """Every ``Problem.of(code, where, template=..., **args)`` in the package: its code, template and arg names."""
    found = []
    for path in sorted((Path(fundgraph.__file__).parent).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "of"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "Problem"
            ):
                first = node.args[0]
                assert isinstance(first, ast.Constant), (path, node.lineno)
                keywords = {k.arg: k.value for k in node.keywords}
                template = keywords.pop("template", None)
                name = template.value if isinstance(template, ast.Constant) else f"problem_{first.value}"
                assert None not in keywords, (path, node.lineno, "no **args: each argument is named")
                found.append((str(first.value), str(name), {str(k) for k in keywords}))
    return found


def test_every_problem_has_its_templates_and_gives_their_args() -> None:
    calls = _problem_calls()
    assert {"total_mismatch", "subtotal_mismatch", "amount_missing", "ocr_unverified"} <= {c for c, _, _ in calls}
    for code, template, given in calls:
        assert template in MESSAGES, (code, template)
        assert given == set(MESSAGES[template]["args"]), (code, template, given)


def test_a_problem_is_data_rendered_in_either_language() -> None:
    where = Source("d", 0, 3, 2, None)
    problem = Problem.of("total_mismatch", where, stated="100", computed="90", difference="-10")
    assert problem.message == "stated total 100 but the rows add up to 90 (difference -10)"
    assert problem.as_dict()["args"] == {"stated": "100", "computed": "90", "difference": "-10"}
    assert problem.text("zh") == "所列合计100，而各行相加为90（相差-10）"


# Refusals and problems as data: made only through ``Problem.of`` and ``ParseError.of`` (and its kin), each naming a
# template that exists with the arguments it names; the messages written inline as ``{"code": ..., "args": {...}}``
# likewise.
REFUSALS = {"ParseError", "EmptyTableError", "RecipeRefused"}


def _calls() -> list[tuple[Path, ast.Call]]:
    return [
        (path, node)
        for path in sorted(Path(fundgraph.__file__).parent.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
    ]


def test_no_problem_or_refusal_is_made_of_english_text() -> None:
    made = [
        (path.name, node.lineno)
        for path, node in _calls()
        if isinstance(node.func, ast.Name) and node.func.id in REFUSALS | {"Problem"}
    ]
    assert made == []  # each is Problem.of(code, where, **args) or ParseError.of(code, where, **args)


def test_every_refusal_has_its_template_and_gives_its_args() -> None:
    codes = set()
    for path, node in _calls():
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "of" and isinstance(func.value, ast.Name)):
            continue
        if func.value.id not in REFUSALS:
            continue
        first = node.args[0]
        assert isinstance(first, ast.Constant), (path.name, node.lineno)
        given = {k.arg for k in node.keywords}
        assert None not in given, (path.name, node.lineno, "no **args: each argument is named")
        template = f"refusal_{first.value}"
        assert template in MESSAGES, (path.name, node.lineno, template)
        assert given == set(MESSAGES[template]["args"]), (path.name, node.lineno, template, given)
        codes.add(first.value)
    # The refusals users meet on real notices are among them.
    assert {"no_table", "no_header", "empty_table", "pdf_unreadable", "unsupported_format", "ofd_no_text"} <= codes


def test_every_inline_message_names_a_template_and_its_args() -> None:
    found = 0
    for path in sorted(Path(fundgraph.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
            if keys != ["code", "args"] or not isinstance(node.values[0], ast.Constant):
                continue
            code, args = node.values[0].value, node.values[1]
            if not isinstance(code, str) or not isinstance(args, ast.Dict):
                continue  # a message passed on (where.parts, a reason), not written here
            assert code in MESSAGES, (path.name, node.lineno, code)
            named = {k.value for k in args.keys if isinstance(k, ast.Constant)}
            assert named == set(MESSAGES[code]["args"]), (path.name, node.lineno, code, named)
            found += 1
    assert found >= 10


def _refused(data: bytes, name: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        plans_from_bytes(data, name)
    return caught.value


@pytest.mark.parametrize(
    ("data", "name", "zh"),
    [
        (b"", "empty.txt", "文件是空的"),
        (b"\x00\x01binary", "x.txt", "二进制"),
        (b"plain words, no table\n", "notice.txt", "未找到表格"),
        (b"%PDF-1.4 cut", "cut.pdf", "不是可读取的PDF"),
        (b"PK\x03\x04 cut", "cut.docx", "不是可读取的.docx文件：它不是完整的zip压缩包"),
        (b"whatever", "plan.key", "不支持的文件类型“.key”"),
        ("序号\t项目名称\t金额（万元）\n合计\t\t10\n".encode(), "empty.txt", "表格有表头，但其下没有项目"),
    ],
)
def test_a_refusal_is_data_said_in_english_as_before_and_in_chinese(data: bytes, name: str, zh: str) -> None:
    error = _refused(data, name)
    said = error.as_message()
    assert said is not None and error.code
    # The English rendering is the error's text, place and all, so nothing that reads str(e) changes.
    assert render(said["code"], said["args"], "en") == str(error)
    assert error.text("en") == error.message
    chinese = render(said["code"], said["args"], "zh")
    assert chinese.startswith(name) and zh in chinese and error.message not in chinese


def test_a_refusal_inside_a_cut_row_is_passed_on_as_a_message_and_placed_in_either_language() -> None:
    where = Location("t.txt", 2, 5, 3, 9)
    error = ParseError.of("amount_not_a_number", where, cell="1O")
    problem = Problem.of("truncated", Source("d"), template="problem_truncated_in_row", reason=error.reason())
    assert problem.message == (
        "the text ends inside the last row (the amount '1O' is not a number; fix the cell or remove the row); "
        "that row is not read"
    )
    assert problem.text("zh") == "文字在最后一行中截断（金额“1O”不是数字；请修正该单元格或删除该行）；该行未读取"
    said = error.as_message()
    assert said is not None and render(said["code"], said["args"], "en") == str(error)
    assert render(said["code"], said["args"], "zh") == (
        "t.txt，表2，第5行，第3列，第9行文字：金额“1O”不是数字；请修正该单元格或删除该行"
    )


def test_every_text_layout_is_a_term_a_refusal_can_name() -> None:
    from fundgraph.loaders.layouts import TEXT_LAYOUTS

    assert list(vocabulary("layouts")) == [layout.name for layout in TEXT_LAYOUTS]
