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
from fundgraph.errors import SchemaError
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
