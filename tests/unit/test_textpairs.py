"""The rare-wording pair search against counting every pair's shared grams, and the boilerplate ceiling."""

from __future__ import annotations

import itertools
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fundgraph.audit import textpairs
from fundgraph.audit.findings import BOILERPLATE_MAX_PROJECTS, apply_rules
from tests.unit.test_findings_rules import FakeRows


def _every_pair(texts: list[str], common: int, passage: int, share: float) -> list[tuple[int, int, int]]:
    """The definition, quadratically: count each pair's shared grams held by 2..common texts."""
    found = [textpairs.grams(text) for text in texts]
    held: dict[str, int] = {}
    for grams in found:
        for gram in grams:
            held[gram] = held.get(gram, 0) + 1
    pairs = []
    for i, k in itertools.combinations(range(len(texts)), 2):
        shared = sum(1 for gram in found[i] & found[k] if 2 <= held[gram] <= common)
        if shared and shared >= textpairs.threshold(min(len(found[i]), len(found[k])), passage, share):
            pairs.append((i, k, shared))
    return pairs


# A small alphabet and phrases so that texts share grams often, rarely and not at all.
PHRASES = ["甲乙丙", "丁戊己庚", "辛壬癸", "子丑", "寅卯辰巳午", "未申酉", "戌亥", "天地玄黄宇宙洪荒"]
TEXT = st.lists(st.sampled_from(PHRASES + list("一二三四五六")), max_size=14).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(TEXT, max_size=25),
    st.integers(min_value=2, max_value=8),
    st.integers(min_value=3, max_value=12),
    st.sampled_from([0.25, 0.3, 0.5, 0.75]),
)
def test_the_prefix_search_finds_exactly_the_pairs_counting_every_pair_finds(
    texts: list[str], common: int, passage: int, share: float
) -> None:
    got = [(p.first, p.second, p.shared) for p in textpairs.rare_pairs(texts, common, passage, share)]
    assert got == _every_pair(texts, common, passage, share)


def test_the_search_agrees_on_a_few_hundred_generated_descriptions() -> None:
    rng = random.Random(7)
    words = ["平台", "运维", "服务", "升级改造", "安全", "监测", "数据", "治理", "广州市", "潮州市", "金融", "系统"]
    words += [chr(0x4E00 + rng.randrange(200)) for _ in range(40)]  # characters few texts share
    texts = ["".join(rng.choices(words, k=rng.randint(3, 16))) for _ in range(300)]
    texts += [texts[i] + "另加一段" for i in range(0, 300, 37)]  # near copies
    for common in (5, 15, 50):
        got = [(p.first, p.second, p.shared) for p in textpairs.rare_pairs(texts, common, 30, 0.5)]
        assert got == _every_pair(texts, common, 30, 0.5)
        assert got  # the near copies at least


def _project(i: int, summary: str) -> dict[str, Any]:
    return {
        "plan_id": "p", "project_id": f"p:{i}", "year": 2024, "seq": str(i), "name": f"项目{i}", "amount": "1",
        "summary": summary, "targets": "", "doc_id": "d", "row": i, "line": None,
    }  # fmt: skip


def test_wording_in_more_projects_than_the_ceiling_is_boilerplate_however_many_there_are() -> None:
    copied = "由本单位负责建设并持续运营的城市级一体化综合指挥调度与数据共享交换服务体系"
    filler = [f"第{i}号项目，编号{i * 7919 % 100003}，内容各不相同{i}" for i in range(4000)]
    # 5% of 4,000 projects is 200: below the old rule's bar, above the ceiling.
    many = [_project(i, copied if i < BOILERPLATE_MAX_PROJECTS + 1 else filler[i]) for i in range(4000)]
    assert not apply_rules(FakeRows({"project_texts": many}), rules=["near_duplicate_text"])
    few = [_project(i, copied if i < 2 else filler[i]) for i in range(4000)]
    [finding] = apply_rules(FakeRows({"project_texts": few}), rules=["near_duplicate_text"])
    assert [p.seq for p in finding.projects] == ["0", "1"] and finding.severity == "medium"
    assert finding.details["shared_passage"] == copied
