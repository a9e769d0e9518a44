"""Fuzzing the readers: mutated, truncated, re-encoded, shuffled and oversized documents in every layout.

The only outcomes allowed: a plan, or a ParseError that names the file. Never another exception, never a hang
(hypothesis' deadline). `make test` runs a few hundred documents; `make fuzz` runs the `fuzz` profile (10,000+).
"""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundgraph.errors import ParseError
from fundgraph.loaders import parse_bytes
from fundgraph.synth import generate, render_csv, render_xlsx
from tests.conftest import FORMATS, SEED_DOCX, SEED_TXT, SEED_XLSX
from tests.layouts import LAYOUTS

settings.register_profile(
    "ci",
    max_examples=40,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=1300,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SYNTH = next(generate(25, seed=3))
TEXT_SEEDS: dict[str, tuple[str, str]] = {
    "word_text": (SEED_TXT.read_text(encoding="utf-8"), "plan.txt"),
    **{name: (render(), file) for name, (render, file, _fmt) in LAYOUTS.items()},
    "csv": (render_csv(SYNTH), "plan.csv"),
}
BINARY_SEEDS: dict[str, tuple[bytes, str]] = {
    "docx": (SEED_DOCX.read_bytes(), "plan.docx"),
    "xlsx": (SEED_XLSX.read_bytes(), "plan.xlsx"),
    "xlsx_synth": (render_xlsx(SYNTH), "synth.xlsx"),
    "pdf": ((FORMATS / "spanning.pdf").read_bytes(), "plan.pdf"),
    "xls": ((FORMATS / "seed.xls").read_bytes(), "plan.xls"),
}


def check(data: bytes, name: str) -> None:
    try:
        plan = parse_bytes(data, name)
    except ParseError as error:
        assert error.where.path == name, "a parse error must name the file"
        assert error.message
        return
    assert plan.projects, "a plan is only made with projects"
    assert all(p.amount == p.amount for p in plan.projects)
    plan.as_dict()  # everything the CLI would print serialises


@st.composite
def mutated_text(draw: st.DrawFn, seed: str) -> str:
    text = seed
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "delete", "insert", "shuffle", "duplicate", "replace_cell"]))
        lines = text.splitlines(keepends=True)
        if kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        elif kind == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            text = text[:start] + text[start + draw(st.integers(1, 200)) :]
        elif kind == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.text(max_size=40)) + text[at:]
        elif kind == "shuffle" and lines:
            text = "".join(draw(st.permutations(lines)))
        elif kind == "duplicate" and lines:
            start = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: start + 1] + lines[start : start + 3] * draw(st.integers(1, 30)))
        elif kind == "replace_cell":
            value = draw(
                st.sampled_from(
                    [
                        "待定",
                        "",
                        "１２３４",
                        "1e999",
                        "-5",
                        "NaN",
                        "9" * 60,
                        "0.0000001",
                        "10(其中,灾情因素6万元)",
                        "合计",
                        "|",
                        "\t",
                        "<table>",
                        "注：x",
                    ]
                )
            )
            text = text.replace("725.4014", value, 1)
    return text


@pytest.mark.parametrize("layout", sorted(TEXT_SEEDS))
@given(data=st.data(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "latin-1"]))
def test_mutated_text_layouts(layout: str, data: st.DataObject, encoding: str) -> None:
    seed, name = TEXT_SEEDS[layout]
    text = data.draw(mutated_text(seed))
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode("utf-8", errors="surrogatepass") if encoding == "utf-8" else text.encode("gb18030", "replace")
    check(raw, name)


@pytest.mark.parametrize("layout", sorted(BINARY_SEEDS))
@given(data=st.data())
def test_mutated_office_files(layout: str, data: st.DataObject) -> None:
    raw, name = BINARY_SEEDS[layout]
    mutated = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["truncate", "flip", "zero", "splice"]))
        if kind == "truncate":
            mutated = mutated[: data.draw(st.integers(0, len(mutated)))]
        elif kind == "flip" and mutated:
            at = data.draw(st.integers(0, len(mutated) - 1))
            mutated[at] ^= data.draw(st.integers(1, 255))
        elif kind == "zero" and mutated:
            at = data.draw(st.integers(0, len(mutated) - 1))
            mutated[at : at + 64] = bytes(min(64, len(mutated) - at))
        elif kind == "splice":
            at = data.draw(st.integers(0, len(mutated)))
            mutated[at:at] = data.draw(st.binary(max_size=64))
    check(bytes(mutated), name)


@given(
    raw=st.binary(max_size=4096),
    suffix=st.sampled_from([".txt", ".csv", ".html", ".md", ".docx", ".xlsx", ".pdf", ".xls", ".png", ".jpg"]),
)
def test_arbitrary_bytes(raw: bytes, suffix: str) -> None:
    check(raw, f"junk{suffix}")


@given(text=st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    check(text.encode("utf-8", errors="surrogatepass"), "junk.txt")


def test_an_oversized_document_parses_or_is_refused_in_time() -> None:
    rows = "".join(f"| {i} | 项目{i} | 单位{i % 7} | {i}.5 |\n" for i in range(1, 20001))
    text = "| 序号 | 项目名称 | 实施单位 | 金额（万元） |\n" + rows
    plan = parse_bytes(text.encode(), "big.md")
    assert len(plan.projects) == 20000


def test_a_file_larger_than_any_plan_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNDGRAPH_MAX_DOCUMENT_MB", "1")
    with pytest.raises(ParseError, match="FUNDGRAPH_MAX_DOCUMENT_MB"):
        parse_bytes(b"x" * (2 * 1024 * 1024), "huge.txt")


def test_a_zip_bomb_shaped_xlsx_is_refused() -> None:
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<" * 1000)
    check(buffer.getvalue(), "bomb.xlsx")
