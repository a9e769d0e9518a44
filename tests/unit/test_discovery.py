"""Platforms no gazetteer lists, found by their form, on a labelled plan (tests/fixtures/entities, from
../shared/data/entities) and on notices written here; the corpus of real notices names none."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from fundgraph.loaders import Plan, parse_bytes, parse_path, parse_plans
from fundgraph.loaders.entities import discovery, extract_entities
from fundgraph.loaders.entities.reference import load_reference
from fundgraph.loaders.entities.review import candidates, record_decision
from tests.unit.test_corpus import CORPUS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "entities"
EXAMPLE = FIXTURES / "zj-2024-digital-reform-example.txt"
LABELS = FIXTURES / "zj-2024-digital-reform-example.labels.json"

# Written here, made-up example data: brands, a name with and without its province, a gazetteer alias inside a
# longer name, generic mentions.
GUANGDONG = FIXTURES / "gd-2024-digital-government-example.txt"


def _plan(text: str) -> Plan:
    """A notice written in a test, read as a file of it would be."""
    return parse_bytes(text.encode(), "notice.md")


def platforms(path: Path) -> dict[str, dict[str, list[str]]]:
    plan = parse_path(path)
    found = extract_entities(plan).projects
    pairs = zip(plan.projects, found, strict=True)
    return {p.seq: {k: sorted(v) for k, v in e.platform_roles().items()} for p, e in pairs}


def _squash(text: str) -> str:
    return "".join(c for c in text if c not in " “”\"'（）()")


def test_the_labelled_example_is_found_with_its_roles() -> None:
    """As ../shared/tools/score_entities.py scores it: a platform matches a label when one name holds the other."""
    gold = json.loads(LABELS.read_text(encoding="utf-8"))
    names = {c: {_squash(c), *(_squash(a) for a in aliases)} for c, aliases in gold["platforms"].items()}

    def canonical(name: str) -> str:
        return next(c for c, ls in names.items() if any(_squash(name) in x or x in _squash(name) for x in ls))

    got = {seq: {canonical(n): roles for n, roles in found.items()} for seq, found in platforms(EXAMPLE).items()}
    want = {seq: {c: sorted(r) for c, r in found.items()} for seq, found in gold["projects"].items()}
    assert got == want


def test_one_platform_many_names_and_generic_mentions_are_not_platforms() -> None:
    plan = parse_path(GUANGDONG)
    found = extract_entities(plan).projects
    # 粤政易协同办公平台 is its own platform, not the gazetteer's 协同办公平台OA系统 through a generic alias.
    assert [sorted(e.platform_roles()) for e in found] == [
        ["粤政易协同办公平台"],
        ["广东省统一身份认证平台", "粤省事移动政务服务平台"],  # the brand alone and 省… name the same platforms
        ["广东省统一身份认证平台"],  # 该平台 is the project's main platform, 业务系统 and 互联网 are none
    ]
    assert {r.origin for e in found for r in e.platforms} == {"discovered"}
    brand = next(r for r in found[1].platforms if r.as_written.strip("“”") == "粤省事")
    assert brand.canonical == "粤省事移动政务服务平台"


def test_no_corpus_notice_names_a_platform() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        try:
            plans = parse_plans(path)
        except Exception:  # the refused notices are tested in test_corpus
            continue
        for plan in plans:
            named = [r.canonical for e in extract_entities(plan).projects for r in e.platforms]
            assert named == [], path.name


def test_review_lists_confirms_and_rejects_discovered_platforms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decisions = tmp_path / "decisions.yaml"
    monkeypatch.setenv("FUNDGRAPH_ENTITY_DECISIONS", str(decisions))
    load_reference.cache_clear()
    try:
        listed = [c for c in candidates([parse_path(EXAMPLE)], load_reference()) if c.kind == "platforms"]
        assert {c.name for c in listed} >= {"浙里办政务服务平台", "浙江省公共数据平台"}
        assert all("found by its form" in c.reasons[0] for c in listed)
        record_decision("platforms", "reject", "浙政钉移动办公平台", "", decisions)
        record_decision("platforms", "confirm", "浙江省公共数据平台", "", decisions)
        found = platforms(EXAMPLE)
        assert "浙政钉移动办公平台" not in found["2"]
        plan = parse_path(EXAMPLE)
        refs = [r for e in extract_entities(plan).projects for r in e.platforms if r.canonical == "浙江省公共数据平台"]
        assert refs and {(r.origin, r.confidence) for r in refs} == {("reviewed", 1.0)}
    finally:
        load_reference.cache_clear()


def test_recipient_places_link_to_their_regions_short_forms_in_their_own_province() -> None:
    plan = _plan(
        "2024年广东省农业救灾资金分配表\n单位：万元\n| 序号 | 地市 | 金额 |\n| 1 | 韶关 | 300 |\n| 2 | 河源 | 200 |\n"
        "| 合计 | | 500 |\n",
    )
    regions = [[(r.region.code, r.field) for r in e.regions] for e in extract_entities(plan).projects]
    assert regions == [[("440200", "name")], [("441600", "name")]]


def test_a_place_name_shared_by_two_provinces_is_read_in_the_province_of_its_neighbours() -> None:
    plan = parse_path(CORPUS / "02_zhoushan-beautiful-village-2019-cell-per-line-spaced-total.txt")
    codes = [[r.region.code for r in e.regions] for e in extract_entities(plan).projects]
    assert codes == [["330902"], ["330903"]]  # 定海区 and 普陀区 of 舟山, not 上海's 普陀区


def test_a_body_table_keeps_its_place_column_and_links_it() -> None:
    plan = parse_path(CORPUS / "19_jiande-manufacturing-awards-2023-cell-per-line-TRUNCATED.txt")
    assert [p.place for p in plan.projects][:4] == ["新安江街道", "新安江街道", "新安江街道", "洋溪街道"]


def test_discovery_recovers_generated_platform_names() -> None:
    """Platform names drawn from a grammar (fundgraph synth), in project names and descriptions, are found."""
    from fundgraph.loaders import parse_bytes
    from fundgraph.synth import DOMAINS, generate, render_word_text

    checked = 0
    for number, synth in enumerate(generate(400, seed=5)):
        plan = parse_bytes(render_word_text(synth).encode(), f"synth-{number}.txt")
        for row, found in zip(synth.rows, extract_entities(plan).projects, strict=True):
            if not any(domain in row.platform for domain in DOMAINS):
                continue  # a gazetteer platform: placed by the gazetteer's rules, tested in test_entities
            want = _squash(row.platform)
            names = {_squash(n) for n in found.platform_roles()}
            assert any(want in n or n in want for n in names), (row.platform, names)
            checked += 1
    assert checked > 150


def test_bodies_named_in_the_text_are_mentions() -> None:
    plan = _plan(
        "2024年浙江省某专项资金分配表\n单位：万元\n| 序号 | 项目名称 | 建设内容 | 金额 |\n"
        "| 1 | 应急指挥平台项目 | 由浙江省应急管理厅牵头，委托杭州海康威视数字技术股份有限公司建设，"
        "接入数据中心。 | 50 |\n",
    )
    [found] = extract_entities(plan).projects
    assert [(r.canonical, r.resolved_by) for r in found.org_mentions] == [
        ("浙江省应急管理厅", "by form"),
        ("杭州海康威视数字技术股份有限公司", "by form"),
    ]


def test_review_sees_a_province_prefix_of_any_province() -> None:
    from fundgraph.loaders.entities.review import similarity

    score, reasons = similarity("省大数据发展管理局", "浙江省大数据发展管理局")
    assert score == 1.0 and "the same name but for the province prefix" in reasons
    assert "the same name but for the province prefix" not in similarity("四川省统计局", "浙江省财政厅")[1]


def test_an_alias_generic_on_its_own_names_no_gazetteer_platform() -> None:
    plan = _plan(
        "2024年广东省某专项资金分配表\n单位：万元\n| 序号 | 项目名称 | 建设内容 | 金额 |\n"
        "| 1 | 协同办公平台运维项目 | 为协同办公平台和OA系统提供运维服务。 | 50 |\n",
    )
    [found] = extract_entities(plan).projects
    assert found.platforms == []


def _walk_back(text: str, head_start: int, floor: int, extra_stops: str = "") -> int:
    """The name's left edge found one character at a time (how `_left_edge` read it before it ran in C)."""
    words = discovery._words()
    start = head_start
    while start > floor and re.match(r"[\u4e00-\u9fffA-Za-z“”\"‘’「」]", text[start - 1]):
        start -= 1
        if text[start] in words.stops or text[start] in extra_stops:
            start += 1
            break
    changed = True
    while changed and text[start : start + 1] in words.verb_firsts:
        changed = False
        for verb in words.verbs:
            if text.startswith(verb, start) and start + len(verb) <= head_start:
                start += len(verb)
                changed = True
    return start


def test_a_names_left_edge_is_the_character_walks() -> None:
    rng = random.Random(7)
    alphabet = list('为对与和浙江省政务服务平台支付提供年度局厅ab1 ，。“”"「」的系统A2')
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        head = rng.randint(0, len(text))
        floor = rng.randint(0, head)
        extra = rng.choice(["", "局厅", "省"])
        assert discovery._left_edge(text, head, floor, extra) == _walk_back(text, head, floor, extra), (text, head)
