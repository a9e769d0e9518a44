"""The CLI says problems and refusals in FUNDGRAPH_LANG (en by default): a cut text, a count the text contradicts and
a refused file, read with `parse --explain`, `parse` and the lines `load` prints, no server needed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fundgraph import cli
from fundgraph.config import get_settings
from fundgraph.errors import ParseError
from fundgraph.loaders import parse_plans
from fundgraph.loading import Refused
from tests.conftest import SEED_TXT

# Two groups counted 等2家 naming three and two bodies: the text contradicts itself (tests/unit/test_families.py).
COUNTED = (
    "经审核,甲机械有限公司、乙电子有限公司、丙纺织有限公司等2家企业,各奖励20万元,"
    "丁食品有限公司、戊包装有限公司等2家企业,各奖励5万元,总计50万元。\n"
)


@pytest.fixture
def lang(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[str]:
    monkeypatch.setenv("FUNDGRAPH_LANG", request.param)
    get_settings.cache_clear()
    yield str(request.param)
    get_settings.cache_clear()


def _cut(tmp_path: Path) -> Path:
    text = SEED_TXT.read_text(encoding="utf-8")
    path = tmp_path / "cut.txt"
    path.write_text(text[: text.index("\t广东股权交易中心股份有限公司")], encoding="utf-8")
    return path


def _explain(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["parse", str(path), "--explain"])
    return result.exit_code, result.output


@pytest.mark.parametrize("lang", ["zh"], indirect=True)
def test_a_truncated_text_s_problem_is_said_in_chinese(tmp_path: Path, lang: str) -> None:
    code, output = _explain(_cut(tmp_path))
    assert code == 0, output
    assert "problem truncated: 文字在" in output and "the text ends" not in output
    assert "problem no_stated_total: 方案未列合计" in output


@pytest.mark.parametrize("lang", ["en"], indirect=True)
def test_the_same_problem_stays_english_by_default(tmp_path: Path, lang: str) -> None:
    code, output = _explain(_cut(tmp_path))
    assert code == 0, output
    assert "problem truncated: the text ends" in output and "文字在" not in output
    # English as the plan itself says it.
    (plan,) = parse_plans(_cut(tmp_path))
    assert f"problem truncated: {next(p.message for p in plan.problems if p.code == 'truncated')}" in output


@pytest.mark.parametrize("lang", ["zh"], indirect=True)
def test_a_count_the_text_contradicts_is_said_in_chinese(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(COUNTED, encoding="utf-8")
    code, output = _explain(path)
    assert code == 0, output
    assert "problem count_mismatch: 文字写明2个，却列出3个（甲机械有限公司 … 丙纺织有限公司）" in output
    assert "the text says" not in output


@pytest.mark.parametrize("lang", ["zh"], indirect=True)
def test_a_refused_file_is_said_in_chinese_by_explain_and_by_parse(
    tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("关于下达资金的通知\n各有关单位：现将资金下达给你们。\n", encoding="utf-8")
    code, output = _explain(path)
    assert code == 2
    assert f"refused: {path}：未找到表格" in output and "no table found" not in output
    # `fundgraph parse` itself: the error line main() prints, and its exit code.
    monkeypatch.setattr(sys, "argv", ["fundgraph", "parse", str(path)])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    said = capsys.readouterr().err
    assert "error: " in said and "未找到表格" in said and "no table found" not in said


@pytest.mark.parametrize("lang", ["zh", "en"], indirect=True)
def test_load_s_refused_lines_follow_the_language(
    tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ParseError) as caught:
        parse_plans(path)
    refused = Refused.of(path, caught.value)
    assert refused.error == str(caught.value) and refused.as_dict()["refusal"]["code"] == "refused_at"
    cli._print_refused([refused])
    said = capsys.readouterr().err
    expected = f"{path}：文件是空的" if lang == "zh" else f"{path}: the file is empty"
    assert f"refused {expected}" in " ".join(said.split()), said
