"""Red-flag rules: each runs named queries from the catalogue and turns their rows into findings that cite cells.

A finding has a ``rule``, a ``severity`` (high | medium | low), its sentence as data (a ``code`` of
vocabularies.yaml's ``messages`` and its ``args``) and in English (``title``), the ``projects`` involved (plan id, year,
序号, name, amount) and the ``evidence`` (document, path, row, column, line and the text as written).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

from neo4j import Driver, RoutingControl

from fundgraph.audit import textpairs
from fundgraph.audit.snapshots import Snapshot, Snapshots
from fundgraph.errors import BadParameter
from fundgraph.graph.store import database_name, read
from fundgraph.money import format_wan, parse_number
from fundgraph.queries import get_query
from fundgraph.vocabularies import render, vocabulary

SEVERITY_ORDER = {name: rank for rank, name in enumerate(vocabulary("severities"))}
# A service's wording in a finding's title (vocabularies.yaml: its phrase, else its label).
ROLE_WORDS = {name: spec.get("phrase", spec["zh"]) for name, spec in vocabulary("roles").items() if spec.get("service")}
NEAR_DUPLICATE_JACCARD = 0.5
SHARED_PASSAGE_CHARS = 30
BOILERPLATE_MIN_PROJECTS = 5  # wording in more projects than this (or 5% of them) is boilerplate, not a red flag
BOILERPLATE_MAX_PROJECTS = 50  # ... and wording in more than this is boilerplate however many projects there are
# Each rule's query may take this long. Findings read whole-graph lists (every duplicate-service group of a year
# with its first projects): about 10 s at a million projects on a quiet two-core machine, past the interactive 30 s
# on a busy one. An audit is a batch, so it waits longer; every query still has a limit.
FINDINGS_TIMEOUT_S = 600.0


@dataclass
class Evidence:
    doc_id: str | None
    path: str | None
    row: int | None
    col: int | None
    line: int | None
    text: str | None


@dataclass
class FindingProject:
    plan_id: str
    year: int | None
    seq: str
    name: str
    amount: str
    project_id: str | None = None  # the server's id: a 序号 can repeat in a plan, so never rebuilt from plan_id/seq


@dataclass
class Finding:
    rule: str
    severity: str
    title: str
    projects: list[FindingProject] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    code: str = ""  # the sentence's message (vocabularies.yaml), rendered with ``args`` in either language
    args: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sentence(self, lang: str = "en") -> str:
        """The finding's sentence in ``en`` or ``zh``."""
        return render(self.code, self.args, lang) if self.code else self.title


def _found(
    rule: str,
    severity: str,
    message: tuple[str, dict[str, Any]],
    projects: list[FindingProject],
    evidence: list[Evidence] | None = None,
    details: dict[str, Any] | None = None,
) -> Finding:
    """A finding whose sentence is the message ``(code, args)``; its title is the English one."""
    code, args = message
    return Finding(rule, severity, render(code, args, "en"), projects, evidence or [], details or {}, code, args)


def _msg(code: str, **args: Any) -> dict[str, Any]:
    """A message as an argument of another."""
    return {"code": code, "args": args}


def _role(role: str) -> dict[str, str]:
    """A role as an argument: its label in the sentence's language."""
    return {"vocabulary": "roles", "term": role}


class Rows(Protocol):
    """What a rule reads: a named query's rows, and evidence for a cell. Neo4j behind it in a run (:class:`_Context`),
    a dictionary of rows in a unit test."""

    # The run's year and plan_id (None: every one); a rule that must see past them to be right reads them itself.
    filters: dict[str, Any]

    def query(self, name: str, **extra: Any) -> list[dict[str, Any]]: ...

    def evidence(self, doc_id: str | None, row: Any, col: Any, line: Any, text: str | None) -> Evidence: ...


class _Context:
    """A rule's rows from Neo4j, whole: findings are never computed from the first rows of a capped read."""

    def __init__(
        self, driver: Driver, year: int | None, plan_id: str | None, database: str | None, timeout: float
    ) -> None:
        self.driver = driver
        self.filters: dict[str, Any] = {"year": year, "plan_id": plan_id}
        self.database = database
        self.timeout = timeout
        self.passed_down_days = PASSED_DOWN_DAYS

    def query(self, name: str, **extra: Any) -> list[dict[str, Any]]:
        named = get_query(name)
        params = named.bind({k: v for k, v in {**self.filters, **extra}.items() if k in {p.name for p in named.params}})
        return read(self.driver, named.cypher, params, database=self.database, timeout=self.timeout, row_cap=None).rows

    def evidence(self, doc_id: str | None, row: Any, col: Any, line: Any, text: str | None) -> Evidence:
        return Evidence(doc_id, None, row, col, line, text)  # the path is looked up once for every cited document

    def fill_paths(self, findings: list[Finding]) -> None:
        cited = sorted({e.doc_id for f in findings for e in f.evidence if e.doc_id})
        rows = read(
            self.driver,
            "MATCH (d:Document) WHERE d.doc_id IN $ids RETURN d.doc_id AS doc_id, d.path AS path",
            {"ids": cited},
            database=self.database,
            timeout=self.timeout,
            row_cap=None,
        ).rows
        paths = {r["doc_id"]: r["path"] for r in rows}
        for finding in findings:
            finding.evidence = [replace(e, path=paths.get(e.doc_id or "")) for e in finding.evidence]


def _project(row: dict[str, Any]) -> FindingProject:
    """A finding's project from a query row (its columns: plan_id, year, seq, project or name, amount)."""
    return FindingProject(
        row.get("plan_id") or "",
        row.get("year"),
        row["seq"],
        row.get("project") or row.get("name") or "",
        row.get("amount") or "",
        row.get("project_id"),
    )


def _unreviewed(row: dict[str, Any]) -> dict[str, Any] | str:
    """Findings that rest on a platform found by its form, not yet confirmed by a person, say so."""
    if row.get("platform_source") == "discovered":
        return _msg("platform_unreviewed")
    return ""


def platform_shared(ctx: Rows) -> Iterator[Finding]:
    for row in ctx.query("platforms_shared_by_projects"):
        # The counts, roles and years are of every project; the list (and so the evidence) stops at the query's
        # limit, for a hub platform paid for by thousands.
        projects = row["projects"]
        years = sorted(row["years"])
        roles = sorted(row["roles"])
        yield _found(
            "platform_shared",
            "medium",
            (
                "platform_shared",
                {
                    "platform": row["platform"],
                    "project_count": row["project_count"],
                    "roles": [_role(r) for r in roles],
                    "years": "/".join(map(str, years)),
                    "amount": format_wan(Decimal(row["amount_fen"]) / 1_000_000),
                    "unreviewed": _unreviewed(row),
                },
            ),
            [
                FindingProject(p["plan_id"], p["year"], p["seq"], p["project"], p["amount"], p.get("project_id"))
                for p in projects
            ],
            [
                ctx.evidence(p["doc_id"], p["row"], p["col"], p["line"], p["evidence"] or p["as_written"])
                for p in projects
            ],
            {"platform": row["platform"], "roles": {p["seq"]: p["roles"] for p in projects}},
        )


def duplicate_service(ctx: Rows) -> Iterator[Finding]:
    for row in ctx.query("duplicate_service"):
        # Counted and dated over every project; listed (and so cited) up to the query's limit.
        items = row["projects"]
        years = row["work_years"]
        when = _msg("in_year", year=years[0]) if len(years) == 1 else _msg("for_years", years="/".join(map(str, years)))
        seqs = [item["seq"] for item in items]
        if row["project_count"] > len(items):
            listed = _msg("projects_first", count=row["project_count"], shown=len(items), seqs=seqs)
        else:
            listed = _msg("projects_listed", seqs=seqs)
        yield _found(
            "duplicate_service",
            "high",
            (
                "duplicate_service",
                {
                    "platform": row["platform"],
                    "role_phrase": ROLE_WORDS.get(row["role"], row["role"]),
                    "role": _role(row["role"]),
                    "when": when,
                    "listed": listed,
                    "unreviewed": _unreviewed(row),
                },
            ),
            [
                FindingProject(i["plan_id"], i["plan_year"], i["seq"], i["project"], i["amount"], i.get("project_id"))
                for i in items
            ],
            [ctx.evidence(i["doc_id"], i["row"], i["col"], i["line"], i["evidence"]) for i in items],
            {
                "platform": row["platform"],
                "role": row["role"],
                "project_count": row["project_count"],
                "work_years": {item["seq"]: item["years"] for item in items},
            },
        )


def cross_year(ctx: Rows) -> Iterator[Finding]:
    for row in ctx.query("cross_year"):
        years = "/".join(map(str, row["other_years"]))
        yield _found(
            "cross_year",
            "medium",
            (
                "cross_year",
                {"plan_year": row["plan_year"], "years": years, "seq": row["seq"], "project": row["project"]},
            ),
            [_project(row | {"year": row["plan_year"]})],
            [ctx.evidence(row["doc_id"], row["row"], row["col"], row["line"], row["project"])],
            {"plan_year": row["plan_year"], "years_named": row["years_named"]},
        )


def pass_through(ctx: Rows) -> Iterator[Finding]:
    for row in ctx.query("pass_through"):
        yield _found(
            "pass_through",
            "low",
            ("pass_through", {"seq": row["seq"], "applicant": row["applicant"], "implementer": row["implementer"]}),
            [_project(row)],
            [
                ctx.evidence(row["doc_id"], row["row"], row["applicant_col"], row["line"], row["applicant"]),
                ctx.evidence(row["doc_id"], row["row"], row["implementer_col"], None, row["implementer"]),
            ],
            {"applicant": row["applicant"], "implementer": row["implementer"]},
        )


# The days a government has to pass a transfer on to the level below (预算法 第五十二条), unless a run says otherwise.
PASSED_DOWN_DAYS = int(vocabulary("rules")["passed_down_late"]["limit_days"])


def _wan(fen: int) -> str:
    return format_wan(Decimal(fen) / 1_000_000)


def _upper_wenhao(rows: Iterable[dict[str, Any]]) -> str:
    return "、".join(sorted({r["upper_wenhao"] or r["plan_id"] for r in rows}))


def level_groups(rows: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows of ``not_passed_down_in_full`` (an upper row, a lower plan passing it on) in the groups PASSED_DOWN_BY
    joins, each reconciled as one: a lower notice citing several upper ones with all of their rows, an upper row
    passed on by several lower notices with all of them.

    >>> rows = [{"plan_id": "a", "project_id": "a/1", "lower_plan_id": "x"},
    ...         {"plan_id": "b", "project_id": "b/1", "lower_plan_id": "x"},
    ...         {"plan_id": "a", "project_id": "a/2", "lower_plan_id": "y"}]
    >>> [[r["project_id"] for r in group] for group in level_groups(rows)]
    [['a/1', 'b/1'], ['a/2']]
    """
    rows = list(rows)
    # Union-find over upper rows and lower plans.
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for row in rows:
        parent[root("u:" + row["project_id"])] = root("l:" + row["lower_plan_id"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(root("l:" + row["lower_plan_id"]), []).append(row)
    return sorted(groups.values(), key=lambda m: (m[0]["plan_id"], m[0]["project_id"]))


def not_passed_down_in_full(ctx: Rows) -> Iterator[Finding]:
    """What each level received against what its notices passing it on allocate, summed. Rows and lower plans are
    reconciled in groups joined by PASSED_DOWN_BY (:func:`level_groups`): a lower notice citing several upper ones
    against their sum, an upper row passed on by several lower notices against all of them."""
    # A group is reconciled whole even where a run asks for one year or plan: a lower notice citing a plan outside
    # them would otherwise be compared with part of what it receives (a false 'more'). Groups touching none of the
    # run's plans or years are left out after grouping.
    year, plan_id = ctx.filters.get("year"), ctx.filters.get("plan_id")
    everything = ctx.query("not_passed_down_in_full", year=None, plan_id=None)
    for members in level_groups(everything):
        if (year is not None and all(year not in (r["year"], r.get("lower_year")) for r in members)) or (
            plan_id is not None and all(plan_id not in (r["plan_id"], r["lower_plan_id"]) for r in members)
        ):
            continue
        uppers = {r["project_id"]: r for r in members}
        lowers = {r["lower_plan_id"]: r for r in members}
        evidence = [
            ctx.evidence(r["doc_id"], r["row"], r["col"], r["line"], r["amount_text"]) for r in uppers.values()
        ] + [ctx.evidence(r["lower_doc_id"], None, None, r["cited_line"], r["cited_as"]) for r in lowers.values()]
        projects = [_project(r) for r in uppers.values()]
        names = "、".join(sorted({r["project"] for r in uppers.values()}))
        lower_wenhao = "、".join(sorted({r["lower_wenhao"] or r["lower_title"] or "" for r in lowers.values()}))
        if any(r["amount_fen"] is None for r in uppers.values()) or any(
            r["lower_total_fen"] is None for r in lowers.values()
        ):
            yield _found(
                "not_reconcilable",
                "low",
                ("level_not_reconcilable", {"names": names, "lower": lower_wenhao}),
                projects,
                evidence,
                {"lower_plans": sorted(lowers), "upper_wenhao": _upper_wenhao(uppers.values())},
            )
            continue
        received = sum(int(r["amount_fen"]) for r in uppers.values())
        allocated = sum(int(r["lower_total_fen"]) for r in lowers.values())
        if received == allocated:
            continue
        several = [_msg("against_their_sum")] if len(uppers) > 1 else []
        # A lower notice matched by the region its table's title names (its signature not read) may not be the
        # region's at all: what it leads to is low and says it rests on a guess.
        guessed = any(r.get("matched_by") == "title" for r in members)
        guess = [_msg("level_guessed")] if guessed else []
        sums = {"names": names, "received": _wan(received), "lower": lower_wenhao, "allocated": _wan(allocated)}
        details = {
            "guessed": guessed,
            "received_fen": received,
            "allocated_fen": allocated,
            "difference_fen": allocated - received,
            "difference": _wan(abs(allocated - received)),
            "lower_plans": sorted(lowers),
            "upper_wenhao": _upper_wenhao(uppers.values()),
        }
        if allocated < received:
            yield _found(
                "not_passed_down_in_full",
                "low" if guessed else "high",
                ("level_short", {**sums, "several": several, "difference": _wan(received - allocated), "guess": guess}),
                projects,
                evidence,
                details,
            )
        elif unloaded := sorted({w for r in lowers.values() for w in r.get("lower_cites_unloaded") or []}):
            # More than the rows it receives, but it also cites notices not loaded: the difference may be their
            # money, not local money added. (Short stays short: money from them only adds to what was received.)
            yield _found(
                "not_reconcilable",
                "low",
                ("level_more_unloaded", {**sums, "several": several, "unloaded": "、".join(unloaded)}),
                projects,
                evidence,
                {**details, "unloaded": unloaded},
            )
        else:
            yield _found(
                "passed_down_more",
                "low",
                ("level_more", {**sums, "several": several, "difference": _wan(allocated - received), "guess": guess}),
                projects,
                evidence,
                details,
            )


def passed_down_late(ctx: Rows) -> Iterator[Finding]:
    """Each pair of notices money passed down between, by the days from the upper one's date to the lower one's."""
    limit = int(getattr(ctx, "passed_down_days", PASSED_DOWN_DAYS))
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for row in ctx.query("passed_down_late"):
        pairs.setdefault((row["plan_id"], row["lower_plan_id"]), row)
    for row in pairs.values():
        evidence = [
            ctx.evidence(row["doc_id"], row["row"], row["col"], row["line"], row["amount_text"]),
            ctx.evidence(row["lower_doc_id"], None, None, row["cited_line"], row["cited_as"]),
        ]
        upper, lower = row["upper_wenhao"] or row["plan_id"], row["lower_wenhao"] or row["lower_plan_id"]
        guessed = row.get("matched_by") == "title"
        guess = [_msg("level_guessed")] if guessed else []
        details = {
            "guessed": guessed,
            "upper_date": row["upper_date"],
            "lower_date": row["lower_date"],
            "days": row["days"],
            "limit_days": limit,
            "lower_plan_id": row["lower_plan_id"],
            "upper_wenhao": row["upper_wenhao"],
            "rule": "预算法 第五十二条",
        }
        if row["days"] is None:
            dates = {
                "upper_date": row["upper_date"] or _msg("no_date"),
                "lower_date": row["lower_date"] or _msg("no_date"),
            }
            yield _found(
                "passed_down_date_unknown",
                "low",
                ("level_date_unknown", {"lower": lower, "upper": upper, **dates, "guess": guess}),
                [_project(row)],
                evidence,
                details,
            )
        elif row["days"] > limit:
            late = {"days": row["days"], "upper_date": row["upper_date"], "lower_date": row["lower_date"]}
            yield _found(
                "passed_down_late",
                "low" if guessed else "medium",
                ("level_late", {"lower": lower, "upper": upper, **late, "limit": limit, "guess": guess}),
                [_project(row)],
                evidence,
                details,
            )


# The kinds of body (organizations.yaml's) that pass a transfer on to the level below with notices of their own: a
# row to such a body that no loaded notice passes on is listed; a unit that spends the money (a university, a
# company) is not, or every implementing unit would be.
PASSING_BODIES = list(vocabulary("rules")["not_passed_down"]["bodies"])


def not_passed_down(ctx: Rows) -> Iterator[Finding]:
    for row in ctx.query("not_passed_down", bodies=PASSING_BODIES):
        said = {"seq": row["seq"], "project": row["project"], "amount": row["amount"], "wenhao": row["wenhao"]}
        code = "level_not_passed_down" if row.get("region") else "level_body_not_passed_down"
        yield _found(
            "not_passed_down",
            "low",
            (code, said),
            [_project(row)],
            [ctx.evidence(row["doc_id"], row["row"], row["col"], row["line"], row["amount_text"])],
            {"region": row.get("region"), "body": row.get("body"), "upper_wenhao": row["wenhao"]},
        )


def totals(ctx: Rows) -> Iterator[Finding]:
    for row in ctx.query("plan_checks"):
        cell = ctx.evidence(row["doc_id"], row["row"], row["col"], row["line"], row["total_text"])
        plan = FindingProject(row["plan_id"], row["year"], "", row["title"] or "", row["computed_total"])
        stated, computed = row["stated_total_fen"], row["computed_total_fen"]
        if stated is None:
            yield _found(
                "no_stated_total",
                "medium",
                ("no_stated_total", {"plan": row["title"], "computed": row["computed_total"]}),
                [plan],
            )
        elif stated == computed:
            yield _found(
                "total_reconciled",
                "low",
                ("total_reconciled", {"plan": row["title"], "rows": row["projects"], "stated": row["stated_total"]}),
                [plan],
                [cell],
                {"stated_fen": stated, "computed_fen": computed},
            )
        # With amounts missing a mismatch is not established: the reader's total_unverified problem, below, says
        # what they would have to add up to.
        elif not any(json.loads(p)["code"] == "total_unverified" for p in row["problems"] or []):
            gap = format_wan(Decimal(computed - stated) / 1_000_000)
            yield _found(
                "total_mismatch",
                "high",
                (
                    "total_mismatch",
                    {
                        "plan": row["title"],
                        "stated": row["stated_total"],
                        "computed": row["computed_total"],
                        "difference": gap,
                    },
                ),
                [plan],
                [cell],
                {"stated_fen": stated, "computed_fen": computed},
            )
        for problem in row["problems"] or []:
            data = json.loads(problem)
            if data["code"] in {"total_mismatch", "no_stated_total"}:
                continue
            where = data["where"]
            problem = _msg(data["template"], **data["args"]) if data.get("template") else data["message"]
            yield _found(
                data["code"],
                "low" if data["code"] == "unit_assumed" else "medium",
                ("plan_problem", {"plan": row["title"], "problem": problem}),
                [plan],
                [ctx.evidence(where["doc_id"], where["row"], where["col"], where["line"], None)],
            )


_PERCENT_OF = re.compile(r"(\d+(?:\.\d+)?)\s*[%％][，,]?\s*即\s*(\d+(?:\.\d+)?)\s*万元")


def amount_in_text(ctx: Rows) -> Iterator[Finding]:
    for row in ctx.query("amount_in_text"):
        if row["agrees"]:
            continue
        named = [Decimal(a) for a in row["named_amounts"]]
        checks = []
        for context in dict.fromkeys(row["contexts"]):
            for match in _PERCENT_OF.finditer(context):
                percent, claimed = parse_number(match.group(1)), parse_number(match.group(2))
                bases = [a for a in named if a != claimed]
                if percent is None or claimed is None or not bases:
                    continue
                expected = bases[0] * percent / 100
                checks.append(
                    {
                        "base": format_wan(bases[0]),
                        "percent": format_wan(percent),
                        "stated": format_wan(claimed),
                        "expected": format_wan(expected),
                        "agrees": expected == claimed,
                    }
                )
        arithmetic = [
            _msg("percent_check", percent=c["percent"], base=c["base"], expected=c["expected"], stated=c["stated"])
            for c in checks
            if not c["agrees"]
        ]
        yield _found(
            "amount_in_text_mismatch",
            "high",
            (
                "amount_in_text_mismatch",
                {
                    "seq": row["seq"],
                    "named": list(row["named_amounts"]),
                    "allocated": row["allocated"],
                    "arithmetic": arithmetic,
                },
            ),
            [_project(row | {"amount": row["allocated"]})],
            [
                ctx.evidence(row["doc_id"], row["row"], col, line, context)
                for context, (col, line) in dict(
                    zip(row["contexts"], zip(row["context_cols"], row["context_lines"], strict=True), strict=True)
                ).items()
            ]
            + [ctx.evidence(row["doc_id"], row["row"], row["amount_col"], row["amount_line"], row["allocated"])],
            {"allocated": row["allocated"], "named": row["named_amounts"], "arithmetic": checks},
        )


def alias_variants(ctx: Rows) -> Iterator[Finding]:
    for row in ctx.query("alias_variants"):
        written = row["written"]
        yield _found(
            "alias_variants",
            "low",
            (
                "alias_variants",
                {"organization": row["organization"], "count": len(written), "names": [w["name"] for w in written]},
            ),
            [],
            [
                ctx.evidence(w["cell"]["doc_id"], w["cell"]["row"], w["cell"]["col"], w["cell"]["line"], w["name"])
                for w in written
            ],
            {
                "organization": row["organization"],
                "names": {w["name"]: {"under": w["under"], "projects": w["seqs"]} for w in written},
                "bodies": row["bodies"],
            },
        )


def near_duplicate_text(ctx: Rows) -> Iterator[Finding]:
    """Pairs of projects whose descriptions or targets share unusual wording.

    Candidates are pairs sharing enough rare character 3-grams (``textpairs.rare_pairs``): wording held by more than
    5% of the projects, or by more than ``BOILERPLATE_MAX_PROJECTS`` whatever their number, is boilerplate every plan
    repeats. The fixed ceiling keeps the search linear at a million projects (5% of them is 50,000, and every two
    holders of a gram would be a pair) and says what a reader means by unusual: a sentence in a hundred projects is
    a template, not a copied passage.
    """
    rows = ctx.query("project_texts")
    common = min(max(BOILERPLATE_MIN_PROJECTS, len(rows) // 20), BOILERPLATE_MAX_PROJECTS)
    for field_name in ("summary", "targets"):
        texts = [row[field_name] or "" for row in rows]
        # A pair whose wording is this share alike shares at least this share of the smaller text's grams.
        for pair in textpairs.rare_pairs(texts, common, SHARED_PASSAGE_CHARS, NEAR_DUPLICATE_JACCARD):
            a, b = rows[pair.first], rows[pair.second]
            text_a, text_b = a[field_name], b[field_name]
            jaccard = _jaccard(text_a, text_b)
            passage = _shared_passage(text_a, text_b)
            if jaccard < NEAR_DUPLICATE_JACCARD and len(passage) < SHARED_PASSAGE_CHARS:
                continue
            pair_args = {"first": a["seq"], "second": b["seq"], "field": _msg(f"field_{field_name}")}
            yield _found(
                "near_duplicate_text",
                "medium" if jaccard >= NEAR_DUPLICATE_JACCARD else "low",
                ("near_duplicate_wording", pair_args | {"percent": f"{jaccard * 100:.0f}"})
                if jaccard >= NEAR_DUPLICATE_JACCARD
                else ("near_duplicate_passage", pair_args | {"length": len(passage)}),
                [_project(a), _project(b)],
                [
                    ctx.evidence(a["doc_id"], a["row"], None, a["line"], passage),
                    ctx.evidence(b["doc_id"], b["row"], None, b["line"], passage),
                ],
                {"field": field_name, "jaccard": round(jaccard, 3), "shared_passage": passage},
            )


def _jaccard(a: str, b: str) -> float:
    grams_a, grams_b = textpairs.grams(a), textpairs.grams(b)
    return len(grams_a & grams_b) / len(grams_a | grams_b) if grams_a and grams_b else 0.0


def _shared_passage(a: str, b: str) -> str:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    match = matcher.find_longest_match(0, len(a), 0, len(b))
    return a[match.a : match.a + match.size].strip("，。；、 ")


RULES: dict[str, Callable[[Rows], Iterator[Finding]]] = {
    "duplicate_service": duplicate_service,
    "amount_in_text_mismatch": amount_in_text,
    "totals": totals,
    "platform_shared": platform_shared,
    "cross_year": cross_year,
    "near_duplicate_text": near_duplicate_text,
    "pass_through": pass_through,
    "alias_variants": alias_variants,
    "not_passed_down_in_full": not_passed_down_in_full,
    "passed_down_late": passed_down_late,
    "not_passed_down": not_passed_down,
}


# The severities each rule can give (vocabularies.yaml), so a runner asked for one severity runs only the rules that
# can give it.
RULE_SEVERITIES: dict[str, frozenset[str]] = {
    name: frozenset(spec["severities"]) for name, spec in vocabulary("rules").items()
}


def select_rules(rules: Collection[str] | None = None, severity: str | None = None) -> list[str]:
    """The rules to run, chosen before any runs; BadParameter names an unknown rule or severity.

    >>> select_rules(severity="high")
    ['duplicate_service', 'amount_in_text_mismatch', 'totals', 'not_passed_down_in_full']
    >>> select_rules(["cross_year", "pass_through"], severity="low")
    ['pass_through']
    """
    unknown = sorted(set(rules or []) - set(RULES))
    if unknown:
        raise BadParameter(f"unknown rule {', '.join(unknown)}; the rules are {', '.join(RULES)}")
    if severity is not None and severity not in SEVERITY_ORDER:
        raise BadParameter(f"unknown severity {severity!r}; the severities are {', '.join(SEVERITY_ORDER)}")
    return [
        name
        for name in RULES
        if (rules is None or name in rules) and (severity is None or severity in RULE_SEVERITIES[name])
    ]


def apply_rules(source: Rows, rules: Collection[str] | None = None, severity: str | None = None) -> list[Finding]:
    """Run the selected rules over ``source`` (Neo4j, or rows a test gives), most severe first."""
    found = [f for name in select_rules(rules, severity) for f in RULES[name](source)]
    found = [f for f in found if severity is None or f.severity == severity]
    return sorted(found, key=lambda f: SEVERITY_ORDER[f.severity])


def run_findings(
    driver: Driver,
    *,
    year: int | None = None,
    plan_id: str | None = None,
    database: str | None = None,
    rules: Collection[str] | None = None,
    severity: str | None = None,
    timeout: float = FINDINGS_TIMEOUT_S,
    passed_down_days: int | None = None,
) -> list[Finding]:
    """The selected rules (all by default) over the plans selected by year (the plan's year) or plan_id, most
    severe first; every rule reads its rows whole, each query within ``timeout`` seconds. ``passed_down_days``:
    the days within which a level must pass money on (default ``PASSED_DOWN_DAYS``, 预算法 第五十二条)."""
    ctx = _Context(driver, year, plan_id, database, timeout)
    if passed_down_days is not None:
        ctx.passed_down_days = passed_down_days
    found = apply_rules(ctx, rules, severity)
    ctx.fill_paths(found)
    records, _, _ = driver.execute_query(
        "MATCH (p:Plan) WHERE any(x IN coalesce(p.problems, []) WHERE x CONTAINS '\"ocr_unverified\"') "
        "RETURN collect(p.plan_id) AS ids",
        database_=database or database_name(),
        routing_=RoutingControl.READ,
    )
    return mark_unverified(found, set(records[0]["ids"]))


def snapshot_findings(
    snapshots: Snapshots[list[Finding]],
    driver: Driver,
    *,
    snapshot_id: str | None = None,
    year: int | None = None,
    plan_id: str | None = None,
    database: str | None = None,
    rules: Collection[str] | None = None,
    severity: str | None = None,
) -> Snapshot[list[Finding]]:
    """Findings to page through: run now and kept (no ``snapshot_id``), or the kept run that id names. Filters given
    with an id must be the run's own (or none): a page is never cut from an answer to another question.

    >>> kept = Snapshots[list[Finding]]()
    >>> run = kept.take((2024, None, None, "high"), [])
    >>> snapshot_findings(kept, None, snapshot_id=run.id, severity="high") is run
    True
    >>> snapshot_findings(kept, None, snapshot_id=run.id, year=2023)
    Traceback (most recent call last):
    ...
    fundgraph.errors.BadParameter: the snapshot answers year=2024, severity=high; drop the filters or ask without it
    """
    asked = (year, plan_id, tuple(sorted(rules)) if rules is not None else None, severity)
    if snapshot_id is None:
        found = run_findings(driver, year=year, plan_id=plan_id, database=database, rules=rules, severity=severity)
        return snapshots.take(asked, found)
    kept = snapshots.get(snapshot_id)
    if any(value is not None and value != its for value, its in zip(asked, kept.question, strict=True)):
        its = ", ".join(
            f"{name}={','.join(map(str, value)) if isinstance(value, tuple) else value}"
            for name, value in zip(("year", "plan_id", "rule", "severity"), kept.question, strict=True)
            if value is not None
        )
        raise BadParameter(f"the snapshot answers {its or 'every plan and rule'}; drop the filters or ask without it")
    return kept


def mark_unverified(found: list[Finding], unverified: Collection[str]) -> list[Finding]:
    """A finding that rests on a plan read by OCR and loaded without a total to check it against says so.

    >>> f = _found("r", "high", ("in_year", {"year": 2024}), [FindingProject("plan-x", 2024, "1", "n", "1")])
    >>> mark_unverified([f], {"plan-x"})[0].title
    'in 2024 (rests on plan-x, read by OCR and not checked against a total)'
    >>> f.sentence("zh")
    '在2024年（依据plan-x，系OCR识别，未能以合计核对）'
    """
    for finding in found:
        plans = sorted({p.plan_id for p in finding.projects} & set(unverified))
        if plans:
            if finding.code:
                finding.args = {"finding": _msg(finding.code, **finding.args), "plans": plans}
                finding.code = "rests_on_unverified"
                finding.title = render(finding.code, finding.args, "en")
            else:
                finding.title += f" (rests on {', '.join(plans)}, read by OCR and not checked against a total)"
            finding.details["unverified_plans"] = plans
    return found
