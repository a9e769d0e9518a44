"""Candidate merges for a person to decide, never applied silently; decisions go to a YAML file later loads read.

>>> abbreviation_score("广东再担保", "广东省融资再担保有限责任公司") > 0.6
True
>>> abbreviation_score("潮州市金融局", "汕尾市金融局")
0.0
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fundgraph.loaders.entities import extract_entities
from fundgraph.loaders.entities.discovery import place_free
from fundgraph.loaders.entities.matcher import Matcher, fold_key
from fundgraph.loaders.entities.reference import Reference, decisions_path, load_reference
from fundgraph.loaders.model import Plan

THRESHOLD = 0.6
# A body's name read by OCR less surely than this is listed for a person to check against the scan.
OCR_REVIEW_BELOW = 80.0
_ORG_LIKE = re.compile(
    r"[\u4e00-\u9fff（）()]{2,20}?(?:有限责任公司|股份有限公司|有限公司|管理局|研究会|协会|局|厅|中心)"
)
# Words that do not stand inside a name: a span holding one is a fragment of a sentence, not an entity.
_NOT_IN_NAMES = (
    "将",
    "提升",
    "整合",
    "确保",
    "保证",
    "守住",
    "借鉴",
    "的",
    "及",
    "与",
    "对",
    "为",
    "在",
    "以",
    "是",
    "各",
    "上述",
    "现有",
    "通过",
    "进一步",
    "逐步",
    "初步",
    "项目",
    "年",
)
_LEADING_NOISE = re.compile(
    r"^(?:为|对|与|和|及|将|在|由|向|通过|依托|包括|建设|搭建|构建|完成|推进|保障|提供|已构建在|的)+"
)


@dataclass
class Candidate:
    kind: str  # organizations | platforms
    name: str
    into: str | None  # the entity it may be; None for a new entity to add to the reference data
    score: float
    reasons: list[str] = field(default_factory=list)
    seen_in: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "into": self.into,
            "score": round(self.score, 3),
            "reasons": self.reasons,
            "seen_in": self.seen_in,
        }


def abbreviation_score(short: str, long: str) -> float:
    """How well ``short`` reads as an abbreviation of ``long``: its characters in order, sharing the first one."""
    short, long = fold_key(short), fold_key(long)
    if not short or not long or len(short) >= len(long) or short[0] != long[0]:
        return 0.0
    position = 0
    for ch in short:
        position = long.find(ch, position)
        if position < 0:
            return 0.0
        position += 1
    return 0.5 + 0.5 * len(short) / len(long) + (0.2 if long.startswith(short[:2]) else 0.0)


def similarity(a: str, b: str) -> tuple[float, list[str]]:
    reasons = []
    ratio = difflib.SequenceMatcher(None, fold_key(a), fold_key(b)).ratio()
    abbreviation = max(abbreviation_score(a, b), abbreviation_score(b, a))
    if abbreviation:
        reasons.append(
            f"abbreviation: every character of the shorter name appears in order in the longer ({abbreviation:.2f})"
        )
    if ratio >= THRESHOLD:
        reasons.append(f"similar spelling ({ratio:.2f})")
    stripped = [place_free(n) for n in (a, b)]  # any province's or city's name, full or short, or a bare 省
    if stripped[0] == stripped[1]:
        reasons.append("the same name but for the province prefix")
        return 1.0, reasons
    return max(ratio, min(abbreviation, 1.0)), reasons


def candidates(plans: Iterable[Plan], reference: Reference) -> list[Candidate]:
    decisions = reference.decisions
    found: dict[tuple[str, str, str | None], Candidate] = {}

    def propose(kind: str, name: str, pool: Iterable[str], where: str) -> None:
        decided = decisions.merge[kind]
        if name in decided or fold_key(name) in {fold_key(k) for k in decided}:
            return
        best: Candidate | None = None
        for other in pool:
            if fold_key(other) == fold_key(name) or frozenset((name, other)) in decisions.apart[kind]:
                continue
            score, reasons = similarity(name, other)
            if score >= THRESHOLD and reasons and (best is None or score > best.score):
                best = Candidate(kind, name, other, score, reasons)
        if best is None:
            best = Candidate(kind, name, None, 0.0, ["not in the reference data: add it, or merge it by hand"])
        key = (kind, best.name, best.into)
        entry = found.setdefault(key, best)
        if where not in entry.seen_in:
            entry.seen_in.append(where)

    def propose_discovered(name: str, confidence: float, where: str) -> None:
        similar = [c for c in known_platforms if similarity(name, c)[0] >= THRESHOLD]
        reason = f"found by its form (confidence {confidence:.1f}), in no gazetteer: confirm it, merge it, or reject it"
        candidate = Candidate("platforms", name, similar[0] if similar else None, confidence, [reason])
        entry = found.setdefault(("platforms", name, candidate.into), candidate)
        if where not in entry.seen_in:
            entry.seen_in.append(where)

    def propose_misread(name: str, confidence: float, where: str) -> None:
        if fold_key(name) in known_keys:
            return  # read as a name the reference knows: a misreading that lands on another real name is rare
        scored = sorted(((similarity(name, c)[0], c) for c in known_orgs), reverse=True)
        into = scored[0][1] if scored and scored[0][0] >= THRESHOLD else None
        reason = f"read by OCR with confidence {confidence:.0f}: check it against the scan, then merge or add it"
        candidate = Candidate("organizations", name, into, round(confidence / 100, 2), [reason])
        entry = found.setdefault(("organizations", name, into), candidate)
        if reason not in entry.reasons:
            entry.reasons.append(reason)
        if where not in entry.seen_in:
            entry.seen_in.append(where)

    known_orgs = set(reference.orgs.kinds) | set(reference.orgs.aliases)
    known_keys = {fold_key(name) for name in known_orgs} | {fold_key(a) for a in reference.orgs.canonical}
    known_platforms = set(reference.platforms.aliases)
    for plan in plans:
        entities = extract_entities(plan, reference)
        org_matcher: Matcher[str] = Matcher({**reference.orgs.canonical, **entities.definitions})
        for project, found_entities in zip(plan.projects, entities.projects, strict=True):
            where = f"{plan.path} 序号 {project.seq}"
            for platform in found_entities.platforms:
                if platform.origin == "discovered":
                    propose_discovered(platform.canonical, platform.confidence, where)
            for ref in (found_entities.applicant, found_entities.implementer):
                if ref is not None and ref.resolved_by in {"as written", "province prefix"}:
                    propose("organizations", ref.canonical, known_orgs, where)
            for field_name in ("applicant", "implementer"):
                cell = project.cells.get(field_name)
                written = getattr(project, field_name)
                if cell is not None and cell.confidence is not None and cell.confidence < OCR_REVIEW_BELOW and written:
                    propose_misread(written, cell.confidence, f"{where} page {cell.page}")
            for text in (project.name, project.summary or "", project.targets_text or ""):
                covered = [(h.start, h.end) for h in org_matcher.find(text)]
                for match in _ORG_LIKE.finditer(text):
                    name = _LEADING_NOISE.sub("", match.group(0))
                    if len(name) >= 4 and _name_like(name) and not _inside(match.start(), match.end(), covered):
                        propose("organizations", name, known_orgs, where)
    return sorted(found.values(), key=lambda c: (c.kind, -c.score, c.name))


def _name_like(span: str) -> bool:
    return not any(word in span for word in _NOT_IN_NAMES)


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def record_decision(kind: str, action: str, name: str, other: str, path: Path | None = None) -> Path:
    """Write ``merge`` (name into other) or ``apart`` (name and other are different) to the decisions file."""
    if kind not in {"organizations", "platforms"} or action not in {"merge", "apart", "confirm", "reject"}:
        raise ValueError(f"unknown decision {kind}/{action}")
    if action in {"confirm", "reject"} and kind != "platforms":
        raise ValueError("confirm and reject are decisions on platforms found by their form")
    path = path or decisions_path()
    data: dict[str, Any] = {}
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section = data.setdefault(kind, {})
    if action in {"confirm", "reject"}:
        names = [n for n in section.get(action) or [] if n != name]
        section[action] = [*names, name]
    elif action == "merge":
        entries = [e for e in section.get("merge") or [] if e.get("name") != name]
        section["merge"] = [*entries, {"name": name, "into": other}]
    else:
        pairs = [p for p in section.get("apart") or [] if set(p) != {name, other}]
        section["apart"] = [*pairs, [name, other]]
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Entity review decisions (`fundgraph entities decide`); loads read them. Reviewed like code.\n"
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")
    load_reference.cache_clear()  # this process's later resolutions see the decision too
    return path
