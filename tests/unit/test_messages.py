"""Sentences as data: a finding's (and a problem's) ``code`` and ``args`` rendered in zh or en from the one set of
templates in vocabularies.yaml (``messages``), which the CLI, the HTML report and the explorer all read."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from fundgraph.audit.findings import Finding, apply_rules, mark_unverified
from fundgraph.audit.report import render as report
from fundgraph.errors import SchemaError
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
