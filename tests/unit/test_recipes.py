"""Reading recipes: documents the automatic reading must refuse (made here: a money column with no money word and no
total; two money columns that both add up to their totals) read exactly with a few lines of YAML, and a recipe the
document contradicts is refused with the reason."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from fundgraph.config import get_settings
from fundgraph.errors import ParseError
from fundgraph.loaders import parse_plans
from fundgraph.loaders.explain import LineBlock, explain_document
from fundgraph.loaders.recipes import Recipe

NO_MONEY_WORD = (
    "关于下达2024年某项资金的通知\n\n|序号|单位|数目|\n|1|甲县农业局|120|\n|2|乙县水利局|80.5|\n|3|丙镇人民政府|99.5|\n"
)
NO_MONEY_WORD_HTML = (
    "<html><body><p>2023年某资金分配表</p><table><tr><td>序号</td><td>单位</td><td>数目</td></tr>"
    "<tr><td>1</td><td>甲县农业局</td><td>120</td></tr><tr><td>2</td><td>乙县水利局</td><td>80.5</td></tr>"
    "<tr><td>合计</td><td></td><td>200.5</td></tr></table></body></html>"
)
TWO_COLUMNS = (
    "某专项资金分配表\n单位：万元\n|序号|项目名称|申报单位|补助资金|奖励资金|\n"
    "|1|甲项目|甲县农业局|100|20|\n|2|乙项目|乙县水利局|50|30|\n|合计|||150|50|\n"
)


@pytest.fixture(autouse=True)
def no_kept_recipes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNDGRAPH_RECIPES", str(tmp_path / "no-recipes"))
    get_settings.cache_clear()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _recipe(tmp_path: Path, text: str, name: str = "r.yaml") -> Recipe:
    return Recipe.load(_write(tmp_path, name, text))


def test_a_money_column_without_a_money_word_is_refused_then_read_by_lines(tmp_path: Path) -> None:
    doc = _write(tmp_path, "a.txt", NO_MONEY_WORD)
    with pytest.raises(ParseError, match="no table found"):
        parse_plans(doc)
    report = explain_document(doc)
    assert report.refused and report.doc_id == hashlib.sha256(doc.read_bytes()).hexdigest()
    assert LineBlock("|", (3, 6), "|序号|单位|数目|") in report.line_blocks
    recipe = _recipe(tmp_path, "lines: [3, 6]\ncolumns: {name: 2, amount: 3}\nunit: 万元\ntotal: '300'\n")
    [plan] = parse_plans(doc, recipe=recipe)
    assert [p.name for p in plan.projects] == ["甲县农业局", "乙县水利局", "丙镇人民政府"]
    assert [p.amount for p in plan.projects] == [Decimal(120), Decimal("80.5"), Decimal("99.5")]
    assert plan.read_by == "recipe" and plan.status == "verified" and plan.stated_total == Decimal(300)
    # Without a total the reading checks against nothing, and says so.
    [unchecked] = parse_plans(doc, recipe=_recipe(tmp_path, "lines: [3, 6]\ncolumns: {name: 2, amount: 3}\nunit: 元\n"))
    assert unchecked.status == "unverified" and unchecked.computed_total == Decimal("0.03")
    assert [p.code for p in unchecked.problems] == ["no_stated_total"]


def test_a_table_the_reader_laid_out_is_named_by_number(tmp_path: Path) -> None:
    doc = _write(tmp_path, "c.html", NO_MONEY_WORD_HTML)
    with pytest.raises(ParseError):
        parse_plans(doc)
    [candidate] = explain_document(doc).candidates
    assert (candidate.reading, candidate.table, candidate.rows) == ("html", 1, 4)
    recipe = _recipe(tmp_path, "table: 1\ncolumns: {name: 2, amount: 3, implementer: 2}\nunit: 千元\n")
    [plan] = parse_plans(doc, recipe=recipe)
    # The table's own 合计 row is found as in any reading, and checks the rows.
    assert plan.stated_total == plan.computed_total == Decimal("20.05") and plan.status == "verified"
    assert [p.implementer for p in plan.projects] == ["甲县农业局", "乙县水利局"]


def test_of_two_columns_that_both_add_up_the_recipe_names_the_allocation(tmp_path: Path) -> None:
    doc = _write(tmp_path, "b.txt", TWO_COLUMNS)
    recipe = _recipe(tmp_path, "table: 1\ncolumns: {name: 2, applicant: 3, amount: 5}\nunit: 万元\n")
    [plan] = parse_plans(doc, recipe=recipe)
    assert [p.amount for p in plan.projects] == [Decimal(20), Decimal(30)]
    assert plan.stated_total == Decimal(50) and plan.read_by == "recipe"
    assert any("recipe" in d for d in plan.decisions)


def test_a_recipe_the_document_contradicts_is_refused(tmp_path: Path) -> None:
    doc = _write(tmp_path, "a.txt", NO_MONEY_WORD)
    wrong_total = _recipe(tmp_path, "lines: [3, 6]\ncolumns: {name: 2, amount: 3}\nunit: 万元\ntotal: 301\n")
    with pytest.raises(ParseError, match="add up to 300 万元, not the stated total 301"):
        parse_plans(doc, recipe=wrong_total)
    text_column = _recipe(tmp_path, "lines: [3, 6]\ncolumns: {name: 3, amount: 2}\nunit: 万元\n")
    with pytest.raises(ParseError, match="'甲县农业局' is not a number"):
        parse_plans(doc, recipe=text_column)
    other = _recipe(tmp_path, f"document: '{'0' * 64}'\nlines: [3, 6]\ncolumns: {{name: 2, amount: 3}}\nunit: 万元\n")
    with pytest.raises(ParseError, match="is for document 000000000000"):
        parse_plans(doc, recipe=other)
    two = _write(tmp_path, "b.txt", TWO_COLUMNS)
    disagreeing = _recipe(tmp_path, "table: 1\ncolumns: {name: 2, amount: 4}\nunit: 万元\ntotal: 200\n")
    with pytest.raises(ParseError, match="gives the total 200 万元, but the document states 150"):
        parse_plans(two, recipe=disagreeing)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("columns: {name: 2}\nunit: 万元\n", "the `name` and the `amount`"),
        ("columns: {name: 2, amount: 0}\nunit: 万元\n", "a number from 1"),
        ("columns: {name: 2, amount: 3, owner: 4}\nunit: 万元\n", "owner"),
        ("columns: {name: 2, amount: 3}\nunit: 美元\n", "`unit` is one of"),
        ("lines: [5, 3]\ncolumns: {name: 2, amount: 3}\nunit: 元\n", "[first, last]"),
        ("- just a list\n", "a mapping"),
    ],
)
def test_a_malformed_recipe_says_what_is_wrong(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ParseError) as refused:
        _recipe(tmp_path, text)
    assert words in str(refused.value) and "r.yaml" in str(refused.value)


def test_a_kept_recipe_is_found_by_the_documents_sha256(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _write(tmp_path, "a.txt", NO_MONEY_WORD)
    folder = tmp_path / "recipes"
    folder.mkdir()
    digest = hashlib.sha256(doc.read_bytes()).hexdigest()
    # Another document's recipe beside it is not applied.
    (folder / "other.yaml").write_text(
        f"document: '{'1' * 64}'\nlines: [1, 2]\ncolumns: {{name: 1, amount: 2}}\nunit: 元\n", encoding="utf-8"
    )
    (folder / "mine.yaml").write_text(
        f"document: '{digest}'\nlines: [3, 6]\ncolumns: {{name: 2, amount: 3}}\nunit: 万元\n", encoding="utf-8"
    )
    monkeypatch.setenv("FUNDGRAPH_RECIPES", str(folder))
    get_settings.cache_clear()
    [plan] = parse_plans(doc)
    assert plan.read_by == "recipe" and plan.computed_total == Decimal(300)
