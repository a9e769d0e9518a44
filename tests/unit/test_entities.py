"""Entities on the seed, measured against a hand-labelled copy (tests/fixtures/seed_entities.yaml)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from fundgraph.loaders import parse_path
from fundgraph.loaders.entities import PlanEntities, extract_entities
from fundgraph.loaders.entities.reference import load_reference
from fundgraph.loaders.entities.review import candidates, record_decision
from fundgraph.loaders.model import Plan
from tests.conftest import ROOT, SEED_TXT

LABELS: dict[str, Any] = yaml.safe_load((ROOT / "tests/fixtures/seed_entities.yaml").read_text(encoding="utf-8"))
PLAN_2025 = ROOT / "tests/fixtures/plan_2025_aliases.md"
SME = "广东省中小企业融资平台"
RISK = "广东省地方金融风险监测防控平台"
BUREAU = "广东省地方金融管理局"


@pytest.fixture(scope="module")
def seed() -> tuple[Plan, PlanEntities]:
    plan = parse_path(SEED_TXT)
    return plan, extract_entities(plan)


def _gold(kind: str) -> Counter[tuple[str, str, str]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for seq, fields in (LABELS[kind] or {}).items():
        for field_name, names in fields.items():
            for name, count in names.items():
                counts[(str(seq), field_name, name)] += count
    return counts


def _found(seed: tuple[Plan, PlanEntities], kind: str) -> Counter[tuple[str, str, str]]:
    plan, entities = seed
    generic = load_reference().platforms.generic_mentions
    counts: Counter[tuple[str, str, str]] = Counter()
    for project, found in zip(plan.projects, entities.projects, strict=True):
        refs = found.platforms if kind == "platforms" else found.org_mentions
        for ref in refs:
            if kind == "platforms" and ref.as_written in generic:  # role attributions, not named mentions
                continue
            counts[(project.seq, ref.field, ref.canonical)] += 1
    return counts


@pytest.mark.parametrize("kind", ["platforms", "organizations"])
def test_precision_and_recall_of_mentions_against_the_hand_labels(seed: Any, kind: str) -> None:
    gold, found = _gold(kind), _found(seed, kind)
    true_positives = sum((gold & found).values())
    precision = true_positives / sum(found.values())
    recall = true_positives / sum(gold.values())
    assert precision >= 0.95 and recall >= 0.95, (precision, recall, dict(gold - found), dict(found - gold))


def test_roles_match_the_hand_labels(seed: Any) -> None:
    plan, entities = seed
    for project, found in zip(plan.projects, entities.projects, strict=True):
        roles = {name: sorted(values) for name, values in found.platform_roles().items()}
        assert roles == LABELS["roles"].get(project.seq, {}), project.seq


def test_platforms_link_the_projects_that_concern_them(seed: Any) -> None:
    plan, entities = seed
    linked: dict[str, set[str]] = {}
    for project, found in zip(plan.projects, entities.projects, strict=True):
        for name in found.platform_roles():
            linked.setdefault(name, set()).add(project.seq)
    assert linked[SME] == {"1", "6", "7", "10", "11"}
    assert linked[RISK] == {"8", "9", "11"}


def test_seven_canonical_organisations_in_the_columns(seed: Any) -> None:
    _, entities = seed
    refs = [r for p in entities.projects for r in (p.applicant, p.implementer) if r is not None]
    assert len({r.canonical for r in refs}) == 7
    bureau = [p for p in entities.projects if p.implementer and p.implementer.canonical == BUREAU]
    assert len(bureau) == 6 and all(p.applicant and p.applicant.canonical == BUREAU for p in bureau)
    assert all(p.implementer and p.implementer.as_written == "省地方金融管理局" for p in bureau)


def test_abbreviations_resolve_by_definition_and_by_reference(seed: Any) -> None:
    _, entities = seed
    assert entities.definitions == {"广东股交": "广东股权交易中心股份有限公司"}
    mentions = {(m.as_written, m.canonical) for p in entities.projects for m in p.org_mentions}
    assert ("广东股交", "广东股权交易中心股份有限公司") in mentions
    assert ("广东再担保", "广东省融资再担保有限责任公司") in mentions
    assert ("省地方金融监管局", "广东省地方金融监督管理局") in mentions


def test_the_rename_is_lineage_with_a_date_and_a_cited_source() -> None:
    [rename] = load_reference().orgs.renames
    assert (rename.old, rename.new, rename.date) == ("广东省地方金融监督管理局", BUREAU, "2024")
    assert "广东省地方金融监督管理局" in rename.source and "省地方金融管理局" in rename.source


def test_regions_are_the_most_specific_places_named_or_the_plans(seed: Any) -> None:
    plan, entities = seed
    regions = {
        p.seq: [(r.region.code, r.field) for r in e.regions]
        for p, e in zip(plan.projects, entities.projects, strict=True)
    }
    assert regions["1"] == [("441521", "summary")]  # 海丰县, not its city 汕尾市 too
    assert regions["2"] == [("445100", "name")]  # 潮州市
    assert all(codes == [("440000", codes[0][1])] for seq, codes in regions.items() if seq not in {"1", "2"})
    assert regions["5"] == [("440000", "summary")]  # 《广东省金融改革发展“十四五”规划》
    later = extract_entities(parse_path(PLAN_2025)).projects[2]  # names no place: the plan's province
    assert [(r.region.code, r.field) for r in later.regions] == [("440000", "plan")]


def test_services_and_years_named(seed: Any) -> None:
    plan, entities = seed
    services = {p.seq: {s.name for s in e.services} for p, e in zip(plan.projects, entities.projects, strict=True)}
    assert {"贷款贴息", "培训", "研究", "平台建设"} <= services["1"]
    assert services["2"] == {"风险补偿"} and services["4"] == {"保费补助"}
    assert {"运行维护", "信创改造", "数据治理", "第三方服务"} <= services["6"]
    assert services["10"] == {"安全运营"}
    years = {p.seq: e.years for p, e in zip(plan.projects, entities.projects, strict=True)}
    assert years["8"] == [2023] and years["10"] == [2023] and years["9"] == [2024]


def test_every_target_split_with_numbers_where_the_text_has_them(seed: Any) -> None:
    plan, _ = seed
    for project in plan.projects:
        assert project.targets, project.seq
    seventh = plan.projects[6].targets
    assert [(t.metric, t.comparator, t.value, t.unit) for t in seventh] == [
        ("广东省中小企业融资平台系统运行可用率", "≥", Decimal(95), "%"),
        ("平均故障处理时间", "≤", Decimal(24), "小时"),
        ("服务响应时间", "≤", Decimal(30), "分钟"),
        ("支出及时率", "≥", Decimal(80), "%"),
        ("用户满意度", "≥", Decimal(80), "%"),
    ]
    fourth = {(t.metric, t.value, t.unit) for t in plan.projects[3].targets}
    assert ("单户担保金额500万元及以下的占比", Decimal(50), "%") in fourth
    assert any(t.value == Decimal(13000) and t.unit == "户次" for t in plan.projects[3].targets)
    report = plan.projects[4].targets[0]
    assert (report.comparator, report.value, report.value_max, report.unit) == ("between", 8, 10, "万字")
    numbered = [t for p in plan.projects for t in p.targets if t.value is not None]
    assert len(numbered) >= 40 and all(t.unit for t in numbered)


def test_money_named_in_project_six_with_its_context(seed: Any) -> None:
    _, entities = seed
    money = [(m.mention.amount, m.mention.funding) for m in entities.projects[5].money]
    assert (Decimal("1197"), True) in money and (Decimal("834.642"), True) in money
    assert (Decimal("1400000"), False) not in money  # 14亿元 is 140000 万元, a target
    assert (Decimal("140000"), False) in money


def test_a_later_plan_naming_aliases_and_old_names_resolves_to_the_same_bodies(seed: Any) -> None:
    later = parse_path(PLAN_2025)
    entities = extract_entities(later)
    columns = [(e.applicant.canonical, e.implementer.canonical) for e in entities.projects]  # type: ignore[union-attr]
    assert columns == [
        ("广东省地方金融监督管理局", "广东省地方金融监督管理局"),
        ("广东省融资再担保有限责任公司", "广东省融资再担保有限责任公司"),
        ("广东股权交易中心股份有限公司", "广东股权交易中心股份有限公司"),
        (BUREAU, BUREAU),
    ]
    assert {SME} == set(entities.projects[0].platform_roles())
    assert entities.projects[0].platform_roles()[SME] == {"maintains"}


def test_review_proposes_and_decisions_are_respected(tmp_path: Path) -> None:
    text = (
        "| 序号 | 项目名称 | 申报单位 | 实施单位 | 金额（万元） |\n"
        "| 1 | 甲项目 | 潮州市财政局 | 粤财普惠（潮州）担保 | 10 |\n"
    )
    plan_path = tmp_path / "plan.md"
    plan_path.write_text(text, encoding="utf-8")
    decisions = tmp_path / "decisions.yaml"
    reference = load_reference(str(decisions))
    found = {(c.name, c.into): c for c in candidates([parse_path(plan_path)], reference)}
    candidate = found[("粤财普惠（潮州）担保", "粤财普惠金融（潮州）融资担保股份有限公司")]
    assert candidate.score >= 0.6 and any("abbreviation" in r for r in candidate.reasons)
    assert extract_entities(parse_path(plan_path), reference).projects[0].implementer.resolved_by == "as written"  # type: ignore[union-attr]
    record_decision(
        "organizations", "merge", "粤财普惠（潮州）担保", "粤财普惠金融（潮州）融资担保股份有限公司", decisions
    )
    decided = load_reference(str(decisions))
    implementer = extract_entities(parse_path(plan_path), decided).projects[0].implementer
    assert implementer is not None and implementer.canonical == "粤财普惠金融（潮州）融资担保股份有限公司"
    assert implementer.resolved_by == "decision"
    assert not any(c.name == "粤财普惠（潮州）担保" for c in candidates([parse_path(plan_path)], decided))


def _markdown_plan(tmp_path: Path, title: str, rows: list[tuple[str, str]]) -> Plan:
    lines = [title, "单位：万元", "", "| 序号 | 项目名称 | 申报单位 | 项目简介 | 金额 |", "|---|---|---|---|---|"]
    lines += [f"| {i} | {name} | 省财政厅 | {summary} | 10 |" for i, (name, summary) in enumerate(rows, start=1)]
    lines += [f"| 合计 | | | | {10 * len(rows)} |"]
    path = tmp_path / "plan.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return parse_path(path)


def test_a_gazetteer_alias_elsewhere_names_that_place_s_own_platform(tmp_path: Path) -> None:
    zhejiang = _markdown_plan(
        tmp_path,
        "2025年浙江省金融发展专项资金分配方案",
        [
            ("浙江省中小企业融资平台运维服务项目", "保障省中小企业融资平台稳定运行。"),
            ("杭州市数字普惠金融服务平台建设项目", "搭建杭州市数字普惠金融服务平台。"),
            ("广东省中小企业融资平台对接项目", "与广东省中小企业融资平台对接。"),
        ],
    )
    found = [set(p.platform_roles()) for p in extract_entities(zhejiang).projects]
    assert found == [{"浙江省中小企业融资平台"}, {"杭州市数字普惠金融服务平台"}, {SME}]
    written = {ref.as_written for ref in extract_entities(zhejiang).projects[0].platforms}
    assert written == {"浙江省中小企业融资平台", "省中小企业融资平台"}

    guangdong = _markdown_plan(
        tmp_path,
        "2025年广东省金融发展专项资金分配方案",
        [
            ("广州市数字普惠金融服务平台运维项目", "保障广州市数字普惠金融服务平台运行。"),
            ("汕尾市“百千万工程”（海丰）数字普惠金融服务平台运维项目", "保障汕尾市数字普惠金融服务平台运行。"),
            ("中小企业融资平台运维项目", "保障省中小融平台运行。"),
            ("平台对接项目", "对接浙江省中小企业融资平台与四川省地方金融风险监测防控平台。"),
        ],
    )
    found = [set(p.platform_roles()) for p in extract_entities(guangdong).projects]
    assert found == [
        {"广州市数字普惠金融服务平台"},
        {"“百千万工程”（海丰）数字普惠金融服务平台"},
        {SME},
        {"浙江省中小企业融资平台", "四川省地方金融风险监测防控平台"},
    ]
