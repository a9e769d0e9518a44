"""Entities in a parsed plan: organisations, platforms (with the roles projects play towards them), service types,
regions and money named in the text, each with the cell it came from and the text as written.

Resolution is conservative: a name resolves through the reviewed reference data, a definition in the document itself
("（以下简称广东股交）"), or a recorded review decision; anything looser is only proposed by
``fundgraph entities review``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fundgraph.loaders.entities.discovery import Discovered, discover, discover_bodies, is_generic, place_free
from fundgraph.loaders.entities.matcher import Hit, Matcher, fold_key
from fundgraph.loaders.entities.reference import Decisions, Reference, load_reference
from fundgraph.loaders.entities.regions import Region, RegionIndex, region_index, short_name
from fundgraph.loaders.measures import MoneyMention, money_mentions
from fundgraph.loaders.model import Plan, Project, Source
from fundgraph.money import format_wan
from fundgraph.vocabularies import hosting_role

_DEFINITION = re.compile(r"([^，。；、：:,;（）()\s“”]{2,40})[（(]以下简称[“\"]?([^”\"）)]{2,20})[”\"]?[）)]")
_CLAUSE = re.compile(r"[，。；;！？\n]")
_SENTENCE = re.compile(r"[。；;！？\n]")
_YEAR = re.compile(r"(20\d{2})\s*年")


@dataclass(frozen=True)
class OrgRef:
    canonical: str
    as_written: str
    field: str
    source: Source
    resolved_by: str  # reference | definition | decision | province prefix | as written


@dataclass(frozen=True)
class PlatformRef:
    canonical: str
    as_written: str
    field: str
    source: Source
    roles: tuple[str, ...]
    evidence: str
    origin: str = "gazetteer"  # gazetteer | discovered (found by its form, not yet reviewed)
    confidence: float = 1.0


@dataclass(frozen=True)
class ServiceRef:
    name: str
    keyword: str
    field: str
    source: Source


@dataclass(frozen=True)
class RegionRef:
    region: Region
    as_written: str
    field: str  # a text field, or "plan" when the project names no place
    source: Source


@dataclass(frozen=True)
class MoneyRef:
    mention: MoneyMention
    field: str
    source: Source


@dataclass
class ProjectEntities:
    applicant: OrgRef | None = None
    implementer: OrgRef | None = None
    org_mentions: list[OrgRef] = field(default_factory=list)
    platforms: list[PlatformRef] = field(default_factory=list)
    services: list[ServiceRef] = field(default_factory=list)
    regions: list[RegionRef] = field(default_factory=list)
    money: list[MoneyRef] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """What ``fundgraph parse --json`` shows under each project's ``entities``."""

        def org(ref: OrgRef | None) -> dict[str, object] | None:
            if ref is None:
                return None
            return {"name": ref.canonical, "as_written": ref.as_written, "resolved_by": ref.resolved_by}

        return {
            "applicant": org(self.applicant),
            "implementer": org(self.implementer),
            "organizations": [
                {"name": r.canonical, "as_written": r.as_written, "field": r.field} for r in self.org_mentions
            ],
            "platforms": [
                {"name": name, "roles": sorted(roles), **self.platform_origin(name)}
                for name, roles in sorted(self.platform_roles().items())
            ],
            "services": [{"name": s.name, "keyword": s.keyword, "field": s.field} for s in self.services],
            "regions": [
                {"code": r.region.code, "name": r.region.name, "level": r.region.level, "field": r.field}
                for r in self.regions
            ],
            "money_in_text": [
                {
                    "text": m.mention.text,
                    "amount": format_wan(m.mention.amount),
                    "funding": m.mention.funding,
                    "context": m.mention.context,
                    "field": m.field,
                }
                for m in self.money
            ],
            "years_named": self.years,
        }

    def platform_origin(self, name: str) -> dict[str, object]:
        refs = [r for r in self.platforms if r.canonical == name]
        aliases = sorted({r.as_written for r in refs if not is_generic(r.as_written)} - {name})
        return {"source": refs[0].origin, "confidence": min(r.confidence for r in refs), "aliases": aliases}

    def platform_roles(self) -> dict[str, set[str]]:
        roles: dict[str, set[str]] = {}
        for ref in self.platforms:
            roles.setdefault(ref.canonical, set()).update(ref.roles)
        return roles


@dataclass
class PlanEntities:
    projects: list[ProjectEntities]
    definitions: dict[str, str]  # alias -> canonical, from "（以下简称…）" in the document
    region: Region | None


def _texts(project: Project) -> list[tuple[str, str, Source]]:
    """(field, text, source) for each free-text field of a project."""
    cells = {"name": "name", "summary": "summary", "targets": "targets"}
    values = {"name": project.name, "summary": project.summary, "targets": project.targets_text}
    return [(name, text, project.cells.get(cells[name], project.source)) for name, text in values.items() if text]


class _Resolver:
    def __init__(self, plan: Plan, reference: Reference) -> None:
        self.reference = reference
        self.region = region_index().named(plan.region) if plan.region else None
        self.definitions: dict[str, str] = {}
        self.merged = {fold_key(a): b for a, b in reference.decisions.merge["organizations"].items()}
        column_names = {n for p in plan.projects for n in (p.applicant, p.implementer) if n}
        self.column_orgs = {name: self.resolve(name)[0] for name in column_names}
        for project in plan.projects:
            for _, text, _ in _texts(project):
                for full, alias in _DEFINITION.findall(text):
                    canonical = self._definition_target(full)
                    if canonical is not None:
                        self.definitions[fold_key(alias)] = canonical
        names: dict[str, str] = dict(reference.orgs.canonical)
        names.update({fold_key(n): c for n, c in self.column_orgs.items()})
        names.update(self.definitions)
        self.org_matcher: Matcher[str] = Matcher(names)

    def _definition_target(self, full: str) -> str | None:
        canonical, how = self.resolve(full)
        if how != "as written":
            return canonical
        folded = fold_key(full)
        matches = {c for n, c in self.column_orgs.items() if fold_key(n).startswith(folded)}
        return matches.pop() if len(matches) == 1 else None

    def resolve(self, name: str) -> tuple[str, str]:
        """The canonical name for a name as written, and how it was resolved."""
        key = fold_key(name)
        orgs = self.reference.orgs
        if key in self.definitions:
            return self.definitions[key], "definition"
        merged = self.merged
        if key in merged:
            return orgs.canonical.get(fold_key(merged[key]), merged[key]), "decision"
        if key in orgs.canonical:
            return orgs.canonical[key], "reference"
        if key.startswith("省") and self.region is not None and self.region.level == "province":
            expanded = self.region.name + key[1:]
            if fold_key(expanded) in orgs.canonical:
                return orgs.canonical[fold_key(expanded)], "province prefix"
            return expanded, "province prefix"
        return "".join(name.split()), "as written"


_MATCHERS: dict[int, tuple[Reference, tuple[Matcher[str], Matcher[str], Matcher[str], Matcher[str]]]] = {}


def _matchers(reference: Reference) -> tuple[Matcher[str], Matcher[str], Matcher[str], Matcher[str]]:
    """The reference's platform, role, service and generic-word matchers, built once per reference (a load reads
    thousands of plans against one reference; the reference itself holds dicts, so it is not hashable)."""
    held = _MATCHERS.get(id(reference))
    if held is not None and held[0] is reference:
        return held[1]
    vocabulary = reference.vocabulary
    built = (
        # An alias generic on its own (协同办公平台, OA系统) never names a gazetteer platform by itself.
        Matcher({alias: name for alias, name in reference.platforms.canonical.items() if not is_generic(alias)}),
        Matcher({**vocabulary.role_words, **{word: "hosted_on_marker" for word in vocabulary.hosted_on_before}}),
        Matcher(vocabulary.services),
        Matcher({word: "generic" for word in reference.platforms.generic_mentions}),
    )
    _MATCHERS[id(reference)] = (reference, built)
    return built


def extract_entities(plan: Plan, reference: Reference | None = None) -> PlanEntities:
    """Find and resolve the entities of every project of a plan."""
    reference = reference or load_reference()
    resolver = _Resolver(plan, reference)
    platform_matcher, role_matcher, service_matcher, generic = _matchers(reference)
    vocabulary = reference.vocabulary
    index = region_index()
    province = resolver.region.code if resolver.region is not None else _province_of_places(plan, index)
    placer = _PlatformPlacer(reference, index, resolver.region)
    discovered = _DiscoveredNames(plan, platform_matcher, reference.decisions)
    projects = []
    for project in plan.projects:
        found = ProjectEntities()
        for role_name, value in (("applicant", project.applicant), ("implementer", project.implementer)):
            if value:
                canonical, how = resolver.resolve(value)
                ref = OrgRef(canonical, value, role_name, project.cells.get(role_name, project.source), how)
                setattr(found, role_name, ref)
        texts = _texts(project)
        for field_name, text, source in texts:
            known = list(resolver.org_matcher.find(text))
            for hit in known:
                found.org_mentions.append(OrgRef(hit.value, hit.text, field_name, source, "reference"))
            # Bodies the reference does not list, found by their form (…局, …中心, …公司): mentions too.
            for body in discover_bodies(text):
                if any(h.start < body.end and body.start < h.end for h in known):
                    continue
                canonical, how = resolver.resolve(body.written)
                by = "by form" if how == "as written" else how
                found.org_mentions.append(OrgRef(canonical, body.written, field_name, source, by))
            for match in _YEAR.finditer(text):
                year = int(match.group(1))
                if year not in found.years:
                    found.years.append(year)
        found.platforms = _platforms(
            texts, platform_matcher, role_matcher, generic, vocabulary.before_windows, placer, discovered
        )
        seen_services: set[str] = set()
        for field_name, text, source in texts:
            for hit in service_matcher.find(text):
                if hit.value not in seen_services:
                    seen_services.add(hit.value)
                    found.services.append(ServiceRef(hit.value, hit.text, field_name, source))
            for mention in money_mentions(text):
                found.money.append(MoneyRef(mention, field_name, source))
        found.regions = _regions(texts, project, index, province, resolver.region)
        projects.append(found)
    return PlanEntities(projects, resolver.definitions, resolver.region)


def _province_of_places(plan: Plan, index: RegionIndex) -> str | None:
    """A plan that names no place in its title is in the province of the places its rows name without doubt
    (定海区 puts the 普陀区 beside it in Zhejiang, not Shanghai); None when they disagree or there are none."""
    provinces = set()
    for project in plan.projects:
        for text in (project.name, project.place):
            region = index.named("".join(text.split())) if text else None
            if region is not None:
                provinces.add(index.province_of(region).code)
    return provinces.pop() if len(provinces) == 1 else None


class _PlatformPlacer:
    """Which platform a gazetteer hit stands for, given the place named before it and the plan's province.

    The gazetteer's platforms are in a region; an alias without a place name (中小企业融资平台) stands for one only
    there. Right after another place's name (浙江省中小企业融资平台, 成都市数字普惠金融服务平台), or in another
    province's plan, the same words name that place's own platform, kept apart under its own name.

    >>> from fundgraph.loaders.entities.reference import load_reference
    >>> index = region_index()
    >>> placer = _PlatformPlacer(load_reference(), index, index.named("浙江省"))
    >>> matcher = Matcher(load_reference().platforms.canonical)
    >>> def place(text):
    ...     return placer.place(text, next(matcher.find(text)))
    >>> place("运维成都市数字普惠金融服务平台")
    ('成都市数字普惠金融服务平台', '成都市数字普惠金融服务平台')
    >>> place("省中小企业融资平台"), place("广东省中小企业融资平台")
    (('浙江省中小企业融资平台', '省中小企业融资平台'), ('广东省中小企业融资平台', '广东省中小企业融资平台'))
    """

    def __init__(self, reference: Reference, index: RegionIndex, plan_region: Region | None) -> None:
        self.index = index
        self.homes = {name: index.named(region) for name, region in reference.platforms.regions.items()}
        self.plan_province = index.province_of(plan_region) if plan_region is not None else None

    def _chain(self, region: Region) -> set[str]:
        return {region.code, *(r.code for r in region.ancestors(self.index))}

    def _place_before(self, text: str, position: int) -> tuple[Region, int] | None:
        """The region whose full name ends at ``position`` (and where it starts)."""
        window = text[max(0, position - 12) : position]
        found = None
        province = self.plan_province.code if self.plan_province is not None else None
        for hit in self.index.matcher.find(window):
            region = self.index.named(hit.value, province) if hit.end == len(window) else None
            if region is not None:
                found = (region, position - len(window) + hit.start)
        return found

    def _names_a_place(self, written: str, home: Region) -> bool:
        key = fold_key(written)
        if key.startswith(short_name(self.index.province_of(home).name)):
            return True
        return any(hit.start == 0 for hit in self.index.matcher.find(key))

    def place(self, text: str, hit: Hit[str]) -> tuple[str, str]:
        """(canonical, as written) for a gazetteer hit in ``text``."""
        home = self.homes.get(hit.value)
        if home is None:
            return hit.value, hit.text
        # 浙江省 + 中小企业融资平台, or 浙江 + 省中小企业融资平台 (the alias's own 省 closing the place's name).
        overlap = 1 if hit.text[:1] in "省市" else 0
        before = self._place_before(text, hit.start + overlap)
        if before is not None:
            place, start = before
            home_chain, place_chain = self._chain(home), self._chain(place)
            if home.code in place_chain or place.code in home_chain:
                return hit.value, hit.text
            return place.name + fold_key(hit.text)[overlap:], text[start : hit.end]
        if self.plan_province is None or self._names_a_place(hit.text, home):
            return hit.value, hit.text
        if self.plan_province.code in self._chain(home):
            return hit.value, hit.text
        return self.plan_province.name + fold_key(hit.text).removeprefix("省"), hit.text


def _several_places(written: set[str]) -> bool:
    """Whether the places names start with are more than one. A place with and without its 市 or 省 is one (杭州市,
    杭州); two suffixes on one stem are two (吉林省 the province, 吉林市 its city); a bare 省 or 市
    (省统一身份认证平台) is the plan's own place, not another one.

    >>> [_several_places(w) for w in ({"杭州市", "杭州", "市"}, {"吉林省", "吉林市"}, {"浙江省", "杭州市"})]
    [False, True, True]
    """
    places = {w for w in written if w.rstrip("省市县区")}
    return len({w.rstrip("省市县区") for w in places}) > 1 or len({w for w in places if w != w.rstrip("省市县区")}) > 1


class _DiscoveredNames:
    """Platforms found by their form across a whole plan, merged into one name each.

    One platform, many names: a name with and without its place (浙江省公共数据平台 / 省公共数据平台, 杭州市城市大脑
    数字驾驶舱 / 杭州城市大脑数字驾驶舱) is one platform when the plan names it under one place only; the longest form
    is its name. A brand in quotes (“浙里办”政务服务平台) is an alias of the name, and names it on its own elsewhere in
    the plan. Names the gazetteer or a review decision knows are left to them.
    """

    def __init__(self, plan: Plan, gazetteer: Matcher[str], decisions: Decisions) -> None:
        merged = {fold_key(a): b for a, b in decisions.merge["platforms"].items()}
        self.found: dict[str, list[Discovered]] = {}  # text -> names found in it, read again by mentions()
        self.canonical: dict[str, str] = {}
        self.brands: dict[str, str] = {}
        self.confidence: dict[str, float] = {}
        groups: dict[str, list[Discovered]] = {}
        for project in plan.projects:
            for _, text, _ in _texts(project):
                if text in self.found:
                    continue
                self.found[text] = discover(text)
                hits = list(gazetteer.find(text)) if self.found[text] else []
                for found in self.found[text]:
                    # The gazetteer wins over a name it knows; only an alias generic on its own (协同办公平台) gives
                    # way to a longer name around it (粤政易协同办公平台).
                    known = [h for h in hits if h.start < found.end and found.start < h.end]
                    if any(not is_generic(h.text) or h.start <= found.start for h in known):
                        continue
                    if found.name in decisions.rejected:
                        continue  # a person said it is not a platform
                    groups.setdefault(place_free(found.name), []).append(found)
        for members in groups.values():
            placed = {m.name for m in members if place_free(m.name) != m.name}
            names = {m.name for m in members}
            if _several_places({n[: len(n) - len(place_free(n))] for n in placed}):
                for name in names:  # several places: each its own platform
                    self.canonical[name] = name
            else:
                # Ties by the name itself: a set's order changes with the process's string hashes.
                longest = max(names, key=lambda n: (n in placed, len(n), n))
                for name in names:
                    self.canonical[name] = longest
            for name in names:  # a person merged it into another name
                self.canonical[name] = merged.get(name, self.canonical[name])
            for member in members:
                canonical = self.canonical[member.name]
                reviewed = canonical in decisions.confirmed or member.name in merged
                self.confidence[canonical] = (
                    1.0 if reviewed else max(self.confidence.get(canonical, 0.0), member.confidence)
                )
                if member.brand:
                    self.brands[fold_key(member.brand)] = canonical
        self.brand_matcher: Matcher[str] = Matcher(self.brands)

    def mentions(self, text: str) -> list[tuple[int, int, str, str, float]]:
        """(start, end, canonical, as written, confidence) of discovered names and brands in one text."""
        out = []
        for found in self.found.get(text) or discover(text):
            canonical = self.canonical.get(found.name)
            if canonical is not None:
                out.append((found.start, found.end, canonical, found.written, self.confidence[canonical]))
        for hit in self.brand_matcher.find(text):
            if not any(start <= hit.start < end for start, end, *_ in out):
                out.append((hit.start, hit.end, hit.value, hit.text, self.confidence[hit.value]))
        return out


def _platforms(
    texts: list[tuple[str, str, Source]],
    platforms: Matcher[str],
    roles: Matcher[str],
    generic: Matcher[str],
    before_windows: dict[str, int],
    placer: _PlatformPlacer,
    discovered: _DiscoveredNames,
) -> list[PlatformRef]:
    """Platform mentions with the roles the words around them give.

    Role words count in the clause holding the mention; builds words only shortly before it. Role words in a
    clause that names the platform only generically (系统平台, 平台) go to the project's main platform: the one its
    name names, or the only one it concerns.
    """
    mentions: list[tuple[str, str, Source, Hit[str], str, str]] = []
    found_by_form: dict[int, float] = {}  # index into mentions -> confidence
    for field_name, text, source in texts:
        by_form = discovered.mentions(text)
        for hit in platforms.find(text):
            if any(start <= hit.start < end for start, end, *_ in by_form):
                continue  # the gazetteer's alias inside a longer name found by its form (粤政易 + 协同办公平台)
            canonical, written = placer.place(text, hit)
            mentions.append((field_name, text, source, hit, canonical, written))
        for start, end, canonical, written, confidence in by_form:
            found_by_form[len(mentions)] = confidence
            mentions.append((field_name, text, source, Hit(start, end, written, canonical), canonical, written))
    named = {canonical for field_name, _, _, _, canonical, _ in mentions if field_name == "name"}
    concerned = {canonical for *_, canonical, _ in mentions}
    main = next(iter(named)) if len(named) == 1 else (next(iter(concerned)) if len(concerned) == 1 else None)
    refs = []
    for number, (field_name, text, source, hit, canonical, written) in enumerate(mentions):
        found_roles = _roles_near(text, hit.start, hit.end, roles, before_windows)
        is_discovered = number in found_by_form
        refs.append(
            PlatformRef(
                canonical,
                written,
                field_name,
                source,
                tuple(sorted(found_roles)),
                _clause_around(text, hit.start, hit.end),
                ("reviewed" if found_by_form[number] == 1.0 else "discovered") if is_discovered else "gazetteer",
                found_by_form.get(number, 1.0),
            )
        )
    if main is not None:
        for field_name, text, source in texts:
            for hit in generic.find(text):
                if any(m[3].start <= hit.start < m[3].end and m[1] is text for m in mentions):
                    continue
                if _clause_has_platform(text, hit.start, platforms, _SENTENCE):
                    continue
                found_roles = _roles_near(text, hit.start, hit.end, roles, before_windows, _SENTENCE)
                if found_roles:
                    main_ref = next(r for r in refs if r.canonical == main)
                    refs.append(
                        PlatformRef(
                            main,
                            hit.text,
                            field_name,
                            source,
                            tuple(sorted(found_roles)),
                            _clause_around(text, hit.start, hit.end),
                            main_ref.origin,
                            main_ref.confidence,
                        )
                    )
    return refs


def _clause_bounds(text: str, start: int, end: int, splitter: re.Pattern[str] | None = None) -> tuple[int, int]:
    splitter = splitter or _CLAUSE
    left = max((m.end() for m in splitter.finditer(text, 0, start)), default=0)
    right_match = splitter.search(text, end)
    return left, right_match.start() if right_match else len(text)


def _clause_around(text: str, start: int, end: int) -> str:
    left, right = _clause_bounds(text, start, end)
    return text[left:right].strip()


def _clause_has_platform(text: str, position: int, platforms: Matcher[str], splitter: re.Pattern[str]) -> bool:
    left, right = _clause_bounds(text, position, position, splitter)
    return any(True for _ in platforms.find(text[left:right]))


def _roles_near(
    text: str,
    start: int,
    end: int,
    roles: Matcher[str],
    before_windows: dict[str, int],
    splitter: re.Pattern[str] | None = None,
) -> set[str]:
    left, right = _clause_bounds(text, start, end, splitter)
    found: set[str] = set()
    for hit in roles.find(text[left:right]):
        at, until = left + hit.start, left + hit.end
        if hit.value == "hosted_on_marker":
            if 0 <= start - until <= 2:
                return {hosting_role()}
            continue
        window = before_windows.get(hit.value)
        if window is not None and not (0 <= start - until <= window):
            continue
        # "A与B整合": A integrates too, though the word stands after B.
        joined = text[end : end + 1] in {"与", "和", "同"} and at > end
        if hit.value == "integrates" and not (-6 <= at - end <= 6 or 0 <= start - until <= 4 or joined):
            continue
        if start <= at < end:  # a role word inside the platform's own name (协同办公平台 ...) says nothing
            continue
        found.add(hit.value)
    return found


def _regions(
    texts: list[tuple[str, str, Source]],
    project: Project,
    index: RegionIndex,
    province: str | None,
    plan_region: Region | None,
) -> list[RegionRef]:
    refs: list[RegionRef] = []
    columns = [
        (name, text, project.cells.get(name, project.source))
        for name, text in (("applicant", project.applicant), ("implementer", project.implementer))
        if text
    ]
    for field_name, text, source in [*texts, *columns]:
        for region in index.find(text, province):
            if all(r.region != region for r in refs):
                refs.append(RegionRef(region, region.name, field_name, source))
    # A recipient row's place (its 乡镇 or 县区 column, or its name when the row is a place), also when written
    # short in its own province's plan (韶关 in a Guangdong plan).
    for place_field, written in (("place", project.place), ("name", project.name)):
        if not written:
            continue
        key = "".join(written.split())
        place = index.named(key, province) or index.short(key, province)
        if place is not None and all(r.region != place for r in refs):
            refs.append(RegionRef(place, written, place_field, project.cells.get(place_field, project.source)))
    # The most specific places only: a county drops its city and province, a city its province.
    ancestors = {a.code for ref in refs for a in ref.region.ancestors(index)}
    refs = [ref for ref in refs if ref.region.code not in ancestors]
    if not refs and plan_region is not None:
        refs.append(RegionRef(plan_region, plan_region.name, "plan", project.source))
    return refs
