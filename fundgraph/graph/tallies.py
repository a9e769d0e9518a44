"""Tallies: per platform or organisation, plan year, role (and a platform's work years), how many projects, their
money and their first plans.

The whole-graph overlap queries (``duplicate_service``, ``platforms_shared_by_projects``) and an organisation's
profile read these instead of every project's relationships: at a million projects there are about a million
CONCERNS relationships and a hub body has a hundred thousand projects, but a few tens of thousands of tallies. A tally
is the sum of each plan's contribution, so the writer keeps it exact by subtracting a plan's contribution before its
projects are deleted and adding it after they are written, in the same transaction. A contribution is defined by one
statement per kind (below), from the relationships in the store; :class:`Counter` counts the same from a plan's graph
elements in Python, for plans written for the first time (the writer then sends the sums instead of reading the new
relationships back) and for the bulk load (which imports the tallies with the graph). Tests hold the two equal: the
stores after writes are recounted by the statements (:func:`drift`), and a bulk store is compared with a
transactional one node for node.

A tally node (``:PlatformTally`` or ``:OrganizationTally``, kept by the store, never a graph element) holds:

- ``subject`` (the platform_id or org_id), ``year`` (the plan's), ``role`` and ``years`` (a platform's: the project's
  work years, sorted; ``[]`` otherwise). Platform roles are CONCERNS roles and ``*`` (the project whatever its roles,
  once); organisation roles are APPLIED_FOR, IMPLEMENTS, MENTIONS, ``*`` (applies or carries out) and ``+`` (any);
- ``n`` projects, ``fen`` their money (a project with no amount adds none), ``plan_count`` plans;
- on a platform's ``*`` rows, ``split_fen``: its share of its projects' money when each project's is split equally
  among its platforms by name (as ``concentration`` splits it), and ``firsts``: the projects of which it is the first
  platform by name — so concentration by platform reads tallies too, counting a project with several platforms once;
- ``plans``: the first :data:`FIRST_PLANS` of those plans by plan_id. The first ``limit`` projects of any group in
  (year, plan_id, 序号) order lie in its first ``limit`` plans, so listing them walks at most ``limit`` plans instead
  of a hub's tens of thousands of projects. When a plan among them is replaced and more plans are left than the list
  holds, the list is filled again from the relationships (rare: only a replaced plan among the first few);
- on a platform's rows over all years (``span: all``), what ``duplicate_service`` reports at the default gap, and
  ``stale`` while a load has changed its rows per year but not yet counted it again (see :data:`_MARK_STALE`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, ManagedTransaction, RoutingControl

from fundgraph.graph.schema import load_schema
from fundgraph.vocabularies import hosting_role

# How many of a tally's plans it keeps in order; the overlap queries list at most this many projects a group.
FIRST_PLANS = 50

# A project's work years: the years its text names, else its plan's year (sorted, each once, never null).
WORK_YEARS = (
    "COLLECT { UNWIND CASE WHEN size(coalesce(p.years_named, [])) > 0 THEN p.years_named ELSE [p.year] END AS y "
    "WITH y WHERE y IS NOT NULL RETURN DISTINCT y ORDER BY y }"
)


@dataclass(frozen=True)
class _Kind:
    """What one label of tallies counts: the relationships from a project to its subject, and the roles they give."""

    label: str
    # The label counted and its key.
    subject: str
    subject_key: str
    # From the project `p` to the subject `e` through `c`.
    pattern: str
    where: str
    role: str
    # The tally roles a project with `roles` counts under: its own, and the groups of roles a query asks for.
    roles: str
    # The project's work years, when the tallies tell them apart.
    years: str
    # In a refill: the relationship `c` counts for the tally `t`.
    counts: str
    # The names of all the project's subjects, for the `*` rows' share of its money when concentration splits it
    # equally among them (`split_fen`, and `firsts`: the projects of which this subject is the first by name); null
    # for kinds that keep no shares.
    share: str = "null"


HOSTING = hosting_role()  # a project hosted on a platform does no work on it: never a platform's tally

KINDS = (
    # Platforms: by CONCERNS role (never the hosting role, $hosting), `*` for the project whatever its roles, and by
    # work years.
    _Kind(
        "PlatformTally",
        "Platform",
        "platform_id",
        "(p:Project)-[c:CONCERNS]->(e:Platform)",
        "c.role <> $hosting",
        "c.role",
        "['*'] + roles",
        f"CASE role WHEN '*' THEN [] ELSE {WORK_YEARS} END",
        "(c.role = t.role OR (t.role = '*' AND c.role <> $hosting))",
        # k platforms by name, this one the i-th: p.amount_fen / k each, the first (fen % k) one 分 more.
        "COLLECT { MATCH (p)-[x:CONCERNS]->(g:Platform) WHERE x.role <> $hosting RETURN DISTINCT g.name }",
    ),
    # Organisations: by relationship type, `*` for applying or carrying out, `+` for any (mentions too).
    _Kind(
        "OrganizationTally",
        "Organization",
        "org_id",
        "(p:Project)-[c:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(e:Organization)",
        "true",
        "type(c)",
        "['+'] + roles + CASE WHEN any(r IN roles WHERE r <> 'MENTIONS') THEN ['*'] ELSE [] END",
        "[]",
        "(type(c) = t.role OR t.role = '+' OR (t.role = '*' AND type(c) <> 'MENTIONS'))",
    ),
)


def _contribution(kind: _Kind) -> str:
    """Each tally's share of the plans bound to `pl`: one row per tally key, its plans in order."""
    return f"""
MATCH (pl)-[:ALLOCATES]->{kind.pattern}
WHERE {kind.where}
WITH pl, p, e, collect(DISTINCT {kind.role}) AS roles
WITH pl, p, e, roles, {kind.share} AS names
WITH pl, p, e, roles, CASE WHEN names IS NOT NULL THEN {{
       k: size(names), i: size([x IN names WHERE x < e.name])}} END AS place
UNWIND {kind.roles} AS role
WITH pl, p, e, role, {kind.years} AS years, CASE WHEN role = '*' THEN place END AS place
WITH e.{kind.subject_key} AS subject, pl.year AS year, role, years, pl.plan_id AS plan_id, count(*) AS n,
     sum(p.amount_fen) AS fen,
     sum(p.amount_fen / place.k + CASE WHEN place.i < p.amount_fen % place.k THEN 1 ELSE 0 END) AS split_fen,
     sum(CASE place.i WHEN 0 THEN 1 ELSE 0 END) AS firsts, count(place) > 0 AS splits
ORDER BY plan_id
WITH subject, year, role, years, count(*) AS plan_count, sum(n) AS n, sum(fen) AS fen, sum(split_fen) AS split_fen,
     sum(firsts) AS firsts, any(x IN collect(splits) WHERE x) AS splits, collect(plan_id) AS plans
WITH subject + '|' + coalesce(toString(year), '') + '|' + role + '|' +
     reduce(s = '', y IN years | s + toString(y) + ',') AS key, subject, year, role, years, plan_count, n, fen, plans,
     CASE WHEN splits THEN split_fen END AS split_fen, CASE WHEN splits THEN firsts END AS firsts
"""


def _apply_statement(kind: _Kind) -> str:
    """Add (``$sign`` 1) or take away (-1) the contributions of the plans ``$plan_ids``, counted in the store."""
    return "UNWIND $plan_ids AS plan_id MATCH (pl:Plan {plan_id: plan_id})" + _contribution(kind) + _merge(kind)


def _add_rows_statement(kind: _Kind) -> str:
    """Add contributions counted in Python (:class:`Counter`), one row each, with the fields `_contribution` gives."""
    return (
        "UNWIND $rows AS row WITH row.key AS key, row.subject AS subject, row.year AS year, row.role AS role, "
        "coalesce(row.years, []) AS years, row.n AS n, row.fen AS fen, row.plan_count AS plan_count, "
        "row.plans AS plans, row.split_fen AS split_fen, row.firsts AS firsts" + _merge(kind)
    )


def _merge(kind: _Kind) -> str:
    """A contribution (one row per tally key) merged into its tally, in key order (so that two writers lock tallies
    in the same order), ``$sign`` times."""
    return f"""
ORDER BY key
MERGE (t:{kind.label} {{key: key}})
  ON CREATE SET t.subject = subject, t.year = year, t.role = role,
                t.years = CASE WHEN size(years) = 0 THEN null ELSE years END, t.n = 0, t.fen = 0,
                t.plan_count = 0, t.plans = [],
                t.split_fen = CASE WHEN split_fen IS NOT NULL THEN 0 END,
                t.firsts = CASE WHEN firsts IS NOT NULL THEN 0 END
SET t.n = t.n + $sign * n, t.fen = t.fen + $sign * fen, t.plan_count = t.plan_count + $sign * plan_count,
    t.split_fen = t.split_fen + $sign * split_fen, t.firsts = t.firsts + $sign * firsts,
    t.plans = CASE WHEN $sign > 0
      THEN COLLECT {{ UNWIND t.plans + plans AS x WITH DISTINCT x ORDER BY x LIMIT $first RETURN x }}
      ELSE [x IN t.plans WHERE NOT x IN plans] END
RETURN key, subject, role
"""


def services() -> list[str]:
    """The roles that are services (vocabularies.yaml)."""
    return list(load_schema().service_roles())


# A platform and role over all years (`span: all`), from its rows per year and work years: projects and money, and
# for a service what duplicate_service reports at the default gap of one year — the projects with a neighbour in work
# years (the query's own rule, there for any gap), the plan years they lie in, their work years and their kinds of
# work years. A group that reports nothing has no `duplicated`, so the index on it holds only the groups to report.
_REGROUP = """
UNWIND $groups AS group
WITH group[0] AS subject, group[1] AS role
OPTIONAL MATCH (t:PlatformTally {subject: subject})
WHERE t.role = role AND t.span IS NULL AND t.n > 0
WITH subject, role, coalesce(t.years, []) AS years, sum(t.n) AS n, sum(t.fen) AS fen, collect(t.year) AS plan_years
WITH subject, role, [k IN collect({years: years, n: n, fen: fen, plan_years: plan_years}) WHERE k.n > 0] AS kinds
WITH subject, role, kinds, reduce(t = 0, k IN kinds | t + k.n) AS n, reduce(t = 0, k IN kinds | t + k.fen) AS fen,
     reduce(all = [], k IN kinds | all + [y IN k.years WHERE NOT y IN all]) AS years
WITH subject, role, kinds, n, fen,
     [y IN years | {year: y, n: reduce(t = 0, k IN kinds | t + CASE WHEN y IN k.years THEN k.n ELSE 0 END)}]
       AS histogram
WITH subject, role, n, fen, CASE WHEN role IN $services THEN [k IN kinds WHERE
       reduce(t = 0, h IN histogram | t + CASE WHEN any(x IN k.years WHERE abs(x - h.year) <= 1)
                                          THEN h.n ELSE 0 END) > k.n * size(k.years)
       OR k.n > 1] ELSE [] END AS duplicated
WITH subject, role, n, fen, duplicated, reduce(t = 0, k IN duplicated | t + k.n) AS count
CALL (subject, role, n) {
  WITH subject, role WHERE n = 0
  OPTIONAL MATCH (g:PlatformTally {key: subject + '|all|' + role})
  DELETE g
  RETURN 0 AS kept
  UNION
  WITH subject, role WHERE n > 0
  MERGE (g:PlatformTally {key: subject + '|all|' + role})
  RETURN 1 AS kept
}
WITH subject, role, n, fen, duplicated, count WHERE n > 0
MATCH (g:PlatformTally {key: subject + '|all|' + role})
SET g.subject = subject, g.role = role, g.span = 'all', g.n = n, g.fen = fen,
    g.duplicated = CASE WHEN count > 1 THEN count END,
    g.dup_years = CASE WHEN count > 1 THEN
      COLLECT { UNWIND duplicated AS k UNWIND k.plan_years AS y RETURN DISTINCT y ORDER BY y } END,
    g.work_years = CASE WHEN count > 1 THEN
      COLLECT { UNWIND duplicated AS k UNWIND k.years AS y RETURN DISTINCT y ORDER BY y } END,
    g.dup_kinds = CASE WHEN count > 1 THEN
      COLLECT { UNWIND duplicated AS k RETURN reduce(s = '', y IN k.years | s + toString(y) + ',') AS kind
                ORDER BY kind } END
WITH g
// An empty list is no property, as everywhere (the bulk importer can't write one).
REMOVE g.stale
SET g.dup_years = CASE WHEN size(g.dup_years) = 0 THEN null ELSE g.dup_years END,
    g.work_years = CASE WHEN size(g.work_years) = 0 THEN null ELSE g.work_years END
"""


def _drop_empty_statement(kind: _Kind) -> str:
    return f"UNWIND $keys AS key MATCH (t:{kind.label} {{key: key}}) WHERE t.n = 0 DELETE t"


def _refill_statement(kind: _Kind) -> str:
    """A tally whose first plans were a replaced version's, with more plans left than it holds, filled again."""
    return f"""
UNWIND $keys AS key
MATCH (t:{kind.label} {{key: key}})
WHERE size(t.plans) < CASE WHEN t.plan_count < $first THEN t.plan_count ELSE $first END
MATCH (e:{kind.subject} {{{kind.subject_key}: t.subject}})
CALL (t, e) {{
  MATCH {kind.pattern}
  WHERE {kind.where} AND {kind.counts} AND (p.year = t.year OR (p.year IS NULL AND t.year IS NULL))
  WITH DISTINCT p, t, t.role AS role
  WITH p WHERE {kind.years} = coalesce(t.years, [])
  WITH DISTINCT p.plan_id AS plan_id ORDER BY plan_id LIMIT $first
  RETURN collect(plan_id) AS plans
}}
SET t.plans = plans
"""


# A tally touched by a write: its label, key, and the platform or body and role it counts.
Touched = tuple[str, str, str, str]

# A platform's rows over all years are counted from all its rows per year: a hub's hundreds. Counting them again in
# every transaction of a load cost a quarter of the write, so a write only marks the groups it touched `stale`, in the
# transaction that changes their rows per year, and the load counts each stale group once at its end
# (:func:`regroup_stale`). A stale group's counts are never read as exact: the overlap queries count a stale group
# from its rows per year instead (an index on `stale` finds them), so a reader in the middle of a load, or after a
# load that stopped before its end, still gets the exact answer, only slower; the next load's end counts them.
_MARK_STALE = """
UNWIND $groups AS group
WITH group[0] + '|all|' + group[1] AS key, group[0] AS subject, group[1] AS role
ORDER BY key
MERGE (g:PlatformTally {key: key})
  ON CREATE SET g.subject = subject, g.role = role, g.span = 'all'
SET g.stale = true
"""

# Taken before a stale group's rows per year are read, so that a writer who marks it stale again waits for this
# count to commit (and its mark outlives the count), or this count waits for the writer's rows.
_LOCK_GROUPS = "UNWIND $keys AS key MATCH (g:PlatformTally {key: key}) SET g.locked = true REMOVE g.locked"


def add_plans(tx: ManagedTransaction, plan_ids: list[str]) -> list[Touched]:
    """Count these plans' projects in the tallies (after they are written); returns the tallies touched. The
    platforms' rows over all years are left as they are: :func:`settle` marks them stale, a rebuild counts them."""
    return _apply(tx, plan_ids, 1)


def subtract_plans(tx: ManagedTransaction, plan_ids: list[str]) -> list[Touched]:
    """Take these plans' projects out of the tallies (before they are deleted); returns the tallies touched. Call
    :func:`settle` with them once the new version is written."""
    return _apply(tx, plan_ids, -1)


def _apply(tx: ManagedTransaction, plan_ids: list[str], sign: int) -> list[Touched]:
    if not plan_ids:
        return []
    touched: list[Touched] = []
    for kind in KINDS:
        result = tx.run(_apply_statement(kind), plan_ids=plan_ids, sign=sign, first=FIRST_PLANS, hosting=HOSTING)
        touched += [(kind.label, r["key"], r["subject"], r["role"]) for r in result]
    return touched


def _groups(touched: list[Touched]) -> list[list[str]]:
    groups = {(subject, role) for label, _, subject, role in touched if label == "PlatformTally"}
    return [list(g) for g in sorted(groups)]


def _mark_stale(tx: ManagedTransaction, touched: list[Touched]) -> None:
    groups = _groups(touched)
    if groups:
        tx.run(_MARK_STALE, groups=groups).consume()


def _regroup(tx: ManagedTransaction, touched: list[Touched]) -> None:
    groups = _groups(touched)
    if groups:
        tx.run(_LOCK_GROUPS, keys=sorted(f"{s}|all|{r}" for s, r in groups)).consume()
        tx.run(_REGROUP, groups=groups, services=services()).consume()


def settle(tx: ManagedTransaction, touched: list[Touched]) -> None:
    """Drop the tallies left at zero, fill again the first plans a replaced version took away, and mark the
    platforms' groups stale."""
    for kind in KINDS:
        mine = sorted({key for label, key, _, _ in touched if label == kind.label})
        if mine:
            tx.run(_drop_empty_statement(kind), keys=mine, hosting=HOSTING).consume()
            tx.run(_refill_statement(kind), keys=mine, first=FIRST_PLANS, hosting=HOSTING).consume()
    _mark_stale(tx, touched)


def regroup_stale(driver: Driver, database: str, batch: int = 20_000) -> int:
    """Count the platforms' stale rows over all years (a load's last step); returns how many. The groups stale when
    it starts are counted, a batch a transaction; a group a concurrent writer marks again is left to that writer."""
    return _regroup_found(
        driver,
        database,
        "MATCH (g:PlatformTally {stale: true}) RETURN g.subject AS subject, g.role AS role ORDER BY g.key",
        batch,
    )


def _regroup_found(driver: Driver, database: str, query: str, batch: int) -> int:
    """Count the platforms' groups a query finds (its rows: subject, role), a batch a transaction."""
    records, _, _ = driver.execute_query(query, database_=database, routing_=RoutingControl.READ)
    touched: list[Touched] = [("PlatformTally", "", r["subject"], r["role"]) for r in records]
    with driver.session(database=database) as session:
        for start in range(0, len(touched), batch):
            session.execute_write(_regroup, touched[start : start + batch])
    return len(touched)


def rebuild(driver: Driver, database: str, batch: int = 2_000) -> int:
    """Every tally counted again from the relationships (a bulk load, a store from before tallies): returns how many
    tallies there are. Plans are added a batch per transaction: the sum is the same in any grouping."""
    with driver.session(database=database) as session:
        for kind in KINDS:
            # In batches, in transactions of their own (CALL … IN TRANSACTIONS runs only in an auto-commit one).
            session.run(f"MATCH (t:{kind.label}) CALL (t) {{ DELETE t }} IN TRANSACTIONS OF 10000 ROWS").consume()
    records, _, _ = driver.execute_query(
        "MATCH (pl:Plan) WHERE pl.version IS NOT NULL RETURN pl.plan_id AS id ORDER BY id",
        database_=database,
        routing_=RoutingControl.READ,
    )
    ids = [r["id"] for r in records]
    with driver.session(database=database) as session:
        for start in range(0, len(ids), batch):
            session.execute_write(add_plans, ids[start : start + batch])
    _regroup_found(
        driver,
        database,
        "MATCH (t:PlatformTally) RETURN DISTINCT t.subject AS subject, t.role AS role ORDER BY subject, role",
        10 * batch,
    )
    return sum(_count(driver, database, kind) for kind in KINDS)


def _count(driver: Driver, database: str, kind: _Kind) -> int:
    records, _, _ = driver.execute_query(f"MATCH (t:{kind.label}) RETURN count(t) AS n", database_=database)
    return int(records[0]["n"])


def drift(driver: Driver, database: str) -> dict[str, Any]:
    """The tallies that differ from a recount from the relationships, label:key -> (stored, recounted); empty when
    exact. The stored first plans are compared with the recount's first :data:`FIRST_PLANS`; a platform's rows over
    all years by their projects and money (what they report is checked against duplicate_service's definition in
    the tests); a stale one differs, as it is not counted yet."""
    want: dict[str, Any] = {}
    have: dict[str, Any] = {}
    fields = ("n", "fen", "plan_count", "plans", "split_fen", "firsts")
    for kind in KINDS:
        expected, _, _ = driver.execute_query(
            "MATCH (pl:Plan)" + _contribution(kind) + "RETURN key, subject, role, n, fen, plan_count, plans, "
            "split_fen, firsts",
            hosting=HOSTING,
            database_=database,
            routing_=RoutingControl.READ,
        )
        stored, _, _ = driver.execute_query(
            f"MATCH (t:{kind.label}) RETURN t.key AS key, t.span AS span, t.stale AS stale, t.n AS n, t.fen AS fen, "
            "t.plan_count AS plan_count, t.plans AS plans, t.split_fen AS split_fen, t.firsts AS firsts",
            database_=database,
            routing_=RoutingControl.READ,
        )
        for r in expected:
            want[f"{kind.label}:{r['key']}"] = {**{k: r[k] for k in fields}, "plans": r["plans"][:FIRST_PLANS]}
            if kind.label == "PlatformTally":
                group = want.setdefault(f"{kind.label}:{r['subject']}|all|{r['role']}", {"n": 0, "fen": 0})
                group["n"] += r["n"]
                group["fen"] += r["fen"]
        for r in stored:
            keep = ("stale",) if r["stale"] else ("n", "fen") if r["span"] == "all" else fields
            have[f"{kind.label}:{r['key']}"] = {k: r[k] for k in keep}
    keys = sorted(want.keys() | have.keys())
    return {key: (have.get(key), want.get(key)) for key in keys if have.get(key) != want.get(key)}


class Counter:
    """The same tallies counted in Python from graph elements, for the bulk load (which writes them as import files
    instead of counting a million projects again in Cypher after the import). The statements above stay the
    definition: the bulk test compares a bulk store with a transactional one node for node, tallies included.

    >>> from fundgraph.graph.elements import Edge, GraphElements, Node
    >>> plan = GraphElements("plan-a", "v1", "doc")
    >>> plan.nodes += [Node("Plan", "plan-a", {"year": 2024}),
    ...                Node("Project", "plan-a/1", {"year": 2024, "amount_fen": 500, "years_named": [2023]}),
    ...                Node("Project", "plan-a/2", {"year": 2024, "amount_fen": 701, "years_named": [2024]}),
    ...                Node("Platform", "platform:x", {"name": "X"}), Node("Platform", "platform:y", {"name": "Y"})]
    >>> plan.edges += [Edge("CONCERNS", "plan-a/1", "platform:x", {"role": "maintains"}),
    ...                Edge("CONCERNS", "plan-a/2", "platform:x", {"role": "maintains"}),
    ...                Edge("CONCERNS", "plan-a/2", "platform:y", {"role": "builds"})]
    >>> counter = Counter()
    >>> counter.add(plan)
    >>> rows = {key: props for _, key, props in counter.nodes()}
    >>> rows["platform:x|2024|maintains|2023,"]["n"], rows["platform:x|2024|*|"]["fen"]
    (1, 1201)

    Split equally by name, the second project's 701 分 give X 351 and Y 350; X is the first of both projects:

    >>> [(rows[f"platform:{p}|2024|*|"]["split_fen"], rows[f"platform:{p}|2024|*|"]["firsts"]) for p in "xy"]
    [(851, 2), (350, 0)]
    >>> group = rows["platform:x|all|maintains"]
    >>> group["duplicated"], group["dup_years"], group["work_years"], group["dup_kinds"]
    (2, [2024], [2023, 2024], ['2023,', '2024,'])
    """

    def __init__(self) -> None:
        # (label, subject, year, role, work years) -> [projects, money, plans, first plans, split money, firsts, last
        # plan]: a count and the first FIRST_PLANS plan ids by id, not every plan id (a hub's rows at a million
        # projects name tens of thousands of plans each). Plans are added whole, one at a time, so a plan is new to
        # a row exactly when it is not the row's last.
        self.rows: dict[tuple[str, str, Any, str, tuple[int, ...]], list[Any]] = {}
        self.plans: set[str] = set()

    def add(self, elements: Any) -> None:
        """One plan's contribution (a document's elements, as ``plan_elements`` makes them)."""
        plan = next((n for n in elements.nodes if n.label == "Plan"), None)
        if plan is None:
            return
        if plan.key in self.plans:
            raise ValueError(f"plan {plan.key} counted twice")  # its plans would be counted once, its sums twice
        self.plans.add(plan.key)
        projects = {n.key: n.props for n in elements.nodes if n.label == "Project"}
        platforms: dict[tuple[str, str], set[str]] = {}
        bodies: dict[tuple[str, str], set[str]] = {}
        for edge in elements.edges:
            if edge.type == "CONCERNS" and edge.props.get("role") != HOSTING and edge.start in projects:
                platforms.setdefault((edge.start, edge.end), set()).add(edge.props["role"])
            elif edge.type in ("APPLIED_FOR", "IMPLEMENTS") and edge.end in projects:
                bodies.setdefault((edge.end, edge.start), set()).add(edge.type)
            elif edge.type == "MENTIONS" and edge.start in projects:
                bodies.setdefault((edge.start, edge.end), set()).add(edge.type)
        year = plan.props.get("year")
        names = {n.key: n.props["name"] for n in elements.nodes if n.label == "Platform"}
        named: dict[str, set[str]] = {}  # project -> the names of its platforms
        for project, subject in platforms:
            named.setdefault(project, set()).add(names[subject])
        for (project, subject), roles in platforms.items():
            years = tuple(_work_years(projects[project]))
            share = _share(projects[project].get("amount_fen"), sorted(named[project]), names[subject])
            for role in ["*", *roles]:
                kind = () if role == "*" else years
                self._count(
                    "PlatformTally",
                    subject,
                    year,
                    role,
                    kind,
                    projects[project],
                    plan.key,
                    share if role == "*" else None,
                )
        for (project, subject), roles in bodies.items():
            for role in ["+", *roles, *(["*"] if roles - {"MENTIONS"} else [])]:
                self._count("OrganizationTally", subject, year, role, (), projects[project], plan.key)

    def merge(self, other: Counter) -> None:
        """Add the plans another counter counted (none of them counted here), as if each had been added here: the
        bulk load counts each plan where it is read and adds the counts up in one process.

        >>> from fundgraph.graph.elements import Edge, GraphElements, Node
        >>> one, two, both = Counter(), Counter(), Counter()
        >>> for n in range(60):
        ...     plan = GraphElements(f"plan-{n:02d}", "v1", "doc")
        ...     plan.nodes += [Node("Plan", plan.plan_id, {"year": 2024}),
        ...                    Node("Platform", "platform:x", {"name": "X"}),
        ...                    Node("Project", f"{plan.plan_id}/1", {"year": 2024, "amount_fen": n})]
        ...     plan.edges += [Edge("CONCERNS", f"{plan.plan_id}/1", "platform:x", {"role": "maintains"})]
        ...     (one if n % 3 else two).add(plan)
        ...     both.add(plan)
        >>> one.merge(two)
        >>> list(one.nodes()) == list(both.nodes())
        True
        >>> one.merge(two)
        Traceback (most recent call last):
        ...
        ValueError: plan plan-00 counted twice
        """
        twice = self.plans & other.plans
        if twice:
            raise ValueError(f"plan {min(twice)} counted twice")
        self.plans |= other.plans
        for key, (n, fen, plan_count, plans, split_fen, firsts, last) in other.rows.items():
            row = self.rows.get(key)
            if row is None:
                self.rows[key] = [n, fen, plan_count, list(plans), split_fen, firsts, last]
                continue
            row[0] += n
            row[1] += fen
            row[2] += plan_count
            first = row[3]
            for plan_id in plans:
                if len(first) < FIRST_PLANS or plan_id < first[-1]:
                    bisect.insort(first, plan_id)
                    del first[FIRST_PLANS:]
            if split_fen is not None:
                row[4] = (row[4] or 0) + split_fen
                row[5] = (row[5] or 0) + firsts
            row[6] = last

    def _count(
        self,
        label: str,
        subject: str,
        year: Any,
        role: str,
        years: tuple[int, ...],
        project: Any,
        plan_id: str,
        share: tuple[int, int] | None = None,
    ) -> None:
        row = self.rows.setdefault((label, subject, year, role, years), [0, 0, 0, [], None, None, None])
        row[0] += 1
        row[1] += project.get("amount_fen") or 0
        if row[6] != plan_id:
            row[6] = plan_id
            row[2] += 1
            first = row[3]
            if len(first) < FIRST_PLANS or plan_id < first[-1]:
                bisect.insort(first, plan_id)
                del first[FIRST_PLANS:]
        if share is not None:
            row[4] = (row[4] or 0) + share[0]
            row[5] = (row[5] or 0) + share[1]

    def contributions(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(label, key, properties) of the tallies per plan year (not a platform's rows over all years), in key
        order."""
        for (label, subject, year, role, years), (n, fen, plan_count, plans, split_fen, firsts, _) in sorted(
            self.rows.items(), key=lambda item: (item[0][0], _key(*item[0][1:]))
        ):
            yield (
                label,
                _key(subject, year, role, years),
                {
                    "subject": subject,
                    "year": year,
                    "role": role,
                    "years": list(years) or None,
                    "n": n,
                    "fen": fen,
                    "plan_count": plan_count,
                    "plans": plans,
                    "split_fen": split_fen,
                    "firsts": firsts,
                },
            )

    def nodes(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(label, key, properties) of every tally, as the writer leaves them (empty lists as no property)."""
        groups: dict[tuple[str, str], list[tuple[Any, tuple[int, ...], int, int]]] = {}
        for label, key, props in self.contributions():
            yield label, key, props
            if label == "PlatformTally":
                years = tuple(props["years"] or ())
                groups.setdefault((props["subject"], props["role"]), []).append(
                    (props["year"], years, props["n"], props["fen"])
                )
        for (subject, role), rows in groups.items():
            yield "PlatformTally", f"{subject}|all|{role}", _group(subject, role, rows)


def _key(subject: str, year: Any, role: str, years: tuple[int, ...]) -> str:
    """A tally's key, as the statements make it."""
    return f"{subject}|{'' if year is None else year}|{role}|{''.join(f'{y},' for y in years)}"


def add_counted(tx: ManagedTransaction, documents: list[Any]) -> list[Touched]:
    """Count new plans (never written before: nothing of theirs is in the tallies) from their graph elements, in
    Python, and add them to the tallies; the platforms' rows over all years they touch are marked stale. The same
    sums as :func:`add_plans` (the tests recount the store after writes that take this path), without reading the
    plans' relationships back."""
    counter = Counter()
    for elements in documents:
        counter.add(elements)
    touched: list[Touched] = []
    rows: dict[str, list[dict[str, Any]]] = {}
    for label, key, props in counter.contributions():
        rows.setdefault(label, []).append({"key": key, **props})
    for kind in KINDS:
        if kind.label in rows:
            result = tx.run(
                _add_rows_statement(kind), rows=rows[kind.label], sign=1, first=FIRST_PLANS, hosting=HOSTING
            )
            touched += [(kind.label, r["key"], r["subject"], r["role"]) for r in result]
    _mark_stale(tx, touched)
    return touched


def _share(fen: int | None, names: list[str], name: str) -> tuple[int, int]:
    """A project's money split equally among its platforms by name (the first ``fen % k`` one 分 more), as the
    statements compute it: this platform's part (0 for no amount) and 1 if it is the first by name.

    Cypher's integer division and remainder keep the dividend's sign (Java's), not Python's floor:

    >>> _share(7, ["a", "b"], "a"), _share(7, ["a", "b"], "b"), _share(-7, ["a", "b"], "a"), _share(None, ["a"], "a")
    ((4, 1), (3, 0), (-3, 1), (0, 1))
    """
    i = names.index(name)
    first = 1 if i == 0 else 0
    if fen is None:
        return 0, first
    k = len(names)
    quotient = abs(fen) // k if fen >= 0 else -(abs(fen) // k)
    remainder = fen - quotient * k
    return quotient + (1 if i < remainder else 0), first


def _work_years(project: dict[str, Any]) -> list[int]:
    named = project.get("years_named") or [project.get("year")]
    return sorted({y for y in named if y is not None})


def _group(subject: str, role: str, rows: list[tuple[Any, tuple[int, ...], int, int]]) -> dict[str, Any]:
    """A platform and role over all years, as ``_REGROUP`` sets it."""
    kinds: dict[tuple[int, ...], list[Any]] = {}  # work years -> [projects, plan years]
    for year, years, n, _ in rows:
        kind = kinds.setdefault(years, [0, []])
        kind[0] += n
        if year is not None:
            kind[1].append(year)
    props: dict[str, Any] = {"subject": subject, "role": role, "span": "all"}
    props["n"] = sum(n for _, _, n, _ in rows)
    props["fen"] = sum(fen for _, _, _, fen in rows)
    duplicated = []
    if role in load_schema().service_roles():
        every = {y for years in kinds for y in years}
        histogram = {y: sum(n for years, (n, _) in kinds.items() if y in years) for y in every}
        for years, (n, _) in kinds.items():
            near = sum(h for y, h in histogram.items() if any(abs(x - y) <= 1 for x in years))
            if near > n * len(years) or n > 1:
                duplicated.append(years)
    count = sum(kinds[years][0] for years in duplicated)
    if count > 1:
        props["duplicated"] = count
        props["dup_years"] = sorted({y for years in duplicated for y in kinds[years][1]}) or None
        props["work_years"] = sorted({y for years in duplicated for y in years}) or None
        props["dup_kinds"] = sorted("".join(f"{y}," for y in years) for years in duplicated)
    return props
