"""Neo4j store: plain functions that take the driver first, shared by the CLI, the API and notebooks.

Writes go as ``UNWIND $rows`` batches inside one transaction per document; reads run with READ routing, a time limit
and a row cap. Labels and relationship types in the generated Cypher come from the schema, never from input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from fundgraph.config import LIMITS, Settings, get_settings
from fundgraph.errors import AnswerTooLarge, BadParameter, Neo4jUnavailable, UnknownPlan
from fundgraph.graph import tallies
from fundgraph.graph.elements import Edge, GraphElements, Node, check_against_schema, merge_nodes
from fundgraph.graph.schema import load_schema

BATCH_SIZE = 5_000
# Entities that exist only through projects: a new plan version that drops their last project drops them too.
ORPHAN_LABELS = ("Organization", "Platform", "ServiceType", "Region")

# "kept": another version read with less confidence (a scan of a plan loaded from its text) is not written.
WriteStatus = Literal["created", "replaced", "refreshed", "unchanged", "kept"]


def connect(
    settings: Settings | None = None,
    *,
    verify: bool = True,
    connection_timeout: float = 30.0,
    acquisition_timeout: float = 60.0,
) -> Driver:
    """One driver per process; ``neo4j://`` URIs route reads and writes across a cluster or Aura."""
    settings = settings or get_settings()
    password = settings.password
    auth = (settings.neo4j_user, password) if password is not None else None
    # Server notifications (unknown property keys on an empty graph, ...) are noise for fundgraph's own queries.
    driver = GraphDatabase.driver(
        settings.neo4j_uri,
        auth=auth,
        user_agent="fundgraph",
        notifications_min_severity="OFF",
        connection_timeout=connection_timeout,
        connection_acquisition_timeout=acquisition_timeout,
        max_transaction_retry_time=acquisition_timeout,
    )
    if verify:
        try:
            driver.verify_connectivity()
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            driver.close()
            raise Neo4jUnavailable(
                f"Neo4j is not answering at {settings.neo4j_uri} ({exc}); "
                "start the local server with `fundgraph neo4j start` (or `make run`), or set NEO4J_URI"
            ) from exc
        except AuthError as exc:
            driver.close()
            raise Neo4jUnavailable(
                f"Neo4j at {settings.neo4j_uri} refused the credentials for user {settings.neo4j_user!r}; "
                "set NEO4J_USER / NEO4J_PASSWORD"
            ) from exc
    return driver


def database_name(settings: Settings | None = None) -> str:
    return (settings or get_settings()).neo4j_database


def apply_schema(driver: Driver, database: str | None = None, *, upgrade: bool = True) -> list[str]:
    """Create the schema's constraints and indexes if missing, and wait until they are online; with ``upgrade``,
    also give a store written by an older fundgraph what it lacks (tallies, the Alias index). A store the bulk
    importer has just built has them (``upgrade=False``: the Alias check alone reads every entity, 1 s at 100k)."""
    schema = load_schema()
    statements = schema.ddl()
    db = database or database_name()
    labels, props = schema.fulltext_targets()
    records, _, _ = driver.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties WHERE name = $name "
        "RETURN labelsOrTypes, properties",
        name=schema.fulltext_name,
        database_=db,
        routing_=RoutingControl.READ,
    )
    if records and (
        sorted(records[0]["labelsOrTypes"]) != sorted(labels) or sorted(records[0]["properties"]) != sorted(props)
    ):
        # IF NOT EXISTS keeps an index whose definition has drifted from the schema: rebuild it.
        driver.execute_query(f"DROP INDEX {schema.fulltext_name}", database_=db, routing_=RoutingControl.WRITE)
    for statement in statements:
        driver.execute_query(statement, database_=db, routing_=RoutingControl.WRITE)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=db, routing_=RoutingControl.WRITE)
    if not upgrade:
        return statements
    records, _, _ = driver.execute_query(
        "RETURN EXISTS { (:Plan)-[:ALLOCATES]->(:Project) } AND NOT EXISTS { (:OrganizationTally) } "
        "AND NOT EXISTS { (:PlatformTally) } AS missing",
        database_=db,
        routing_=RoutingControl.READ,
    )
    if records[0]["missing"]:
        # A store written before tallies: every plan is counted once.
        tallies.rebuild(driver, db)
    for node in schema.nodes.values():
        if node.lookup is not None:
            # A store written before the Alias index: its entities get their names indexed once.
            driver.execute_query(
                f"MATCH (n:{node.label}) WHERE NOT EXISTS {{ (n)<-[:{node.lookup}]-(:Alias) }} "
                f"UNWIND [x IN [n.name] + coalesce(n.aliases, []) WHERE x IS NOT NULL] AS alias "
                f"MERGE (a:Alias {{name: alias}}) MERGE (a)-[:{node.lookup}]->(n)",
                database_=db,
                routing_=RoutingControl.WRITE,
            )
    return statements


def drop_generic_aliases(driver: Driver, database: str | None = None) -> list[str]:
    """Take the generic words (平台, 系统平台: fundgraph/loaders/reference/platforms.yaml) out of the platforms' names
    in a store written before they were kept out, with the Alias nodes they had; the words dropped."""
    from fundgraph.loaders.entities.discovery import is_generic

    db = database or database_name()
    records, _, _ = driver.execute_query(
        "MATCH (p:Platform) UNWIND coalesce(p.aliases, []) AS a RETURN collect(DISTINCT a) AS names",
        database_=db,
        routing_=RoutingControl.READ,
    )
    generic = sorted(name for name in records[0]["names"] if is_generic(name))
    if generic:
        driver.execute_query(
            "MATCH (p:Platform) WHERE any(a IN p.aliases WHERE a IN $generic) "
            "SET p.aliases = [a IN p.aliases WHERE NOT a IN $generic] "
            "WITH p MATCH (a:Alias)-[r:NAMES_PLATFORM]->(p) WHERE a.name IN $generic AND a.name <> p.name DELETE r "
            "WITH DISTINCT a WHERE NOT EXISTS { (a)--() } DELETE a",
            generic=generic,
            database_=db,
            routing_=RoutingControl.WRITE,
        )
    return generic


@dataclass
class WriteResult:
    plan_id: str
    version: str
    status: WriteStatus
    previous_version: str | None = None
    counters: dict[str, int] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)


def write_plan(
    driver: Driver,
    elements: GraphElements,
    database: str | None = None,
    batch_size: int = BATCH_SIZE,
    *,
    regroup: bool = True,
) -> WriteResult:
    """Write one document's elements in one transaction.

    The same plan version (in any format) changes nothing; a new version of a known plan replaces the earlier
    version's projects, and organisations left with no relationship are removed, so nothing is orphaned. The
    platforms' rows over all years the write marked stale are then counted (:func:`tallies.regroup_stale`), unless
    ``regroup`` is false: a load of many writes counts them once, at its end.
    """
    db = database or database_name()
    result = _write_one(driver, elements, db, batch_size, checked=False)
    if regroup and result.status != "unchanged":
        tallies.regroup_stale(driver, db)
    return result


def _write_one(driver: Driver, elements: GraphElements, db: str, batch_size: int, *, checked: bool) -> WriteResult:
    # An unchanged plan is seen with one read, without taking the write lock or committing anything.
    records, _, _ = driver.execute_query(
        "MATCH (p:Plan {plan_id: $plan_id}) RETURN p.version AS version, p.build AS build",
        plan_id=elements.plan_id,
        database_=db,
        routing_=RoutingControl.READ,
    )
    if records and (records[0]["version"], records[0]["build"]) == (elements.version, elements.build):
        return WriteResult(elements.plan_id, elements.version, "unchanged", elements.version)
    if not checked:
        check_against_schema(elements)
    with driver.session(database=db) as session:
        return session.execute_write(_write_plan_tx, elements, batch_size)


class _Contended(Exception):
    """A plan of a group was written by someone else meanwhile: the group is rolled back and written one by one."""


def write_plans(
    driver: Driver,
    documents: Sequence[GraphElements],
    database: str | None = None,
    batch_size: int = BATCH_SIZE,
    *,
    regroup: bool = True,
) -> list[WriteResult]:
    """Write several documents, the new plans among them in one transaction; the same answers as ``write_plan``.

    A bulk load spends most of its time committing small transactions; plans not yet in the graph are written
    together (all or nothing for the group, each document whole). Known plans, unchanged or new versions, and a plan
    that comes twice in the group go through ``write_plan`` one by one, in the order given. ``regroup`` as for
    ``write_plan``.
    """
    for elements in documents:
        check_against_schema(elements)
    db = database or database_name()
    records, _, _ = driver.execute_query(
        "UNWIND $ids AS id MATCH (p:Plan {plan_id: id}) RETURN p.plan_id AS id, p.version AS version",
        ids=sorted({e.plan_id for e in documents}),
        database_=db,
        routing_=RoutingControl.READ,
    )
    known = {r["id"] for r in records if r["version"] is not None}
    fresh: list[int] = []
    seen: set[str] = set()
    for index, elements in enumerate(documents):
        if elements.plan_id not in known and elements.plan_id not in seen:
            fresh.append(index)
        seen.add(elements.plan_id)
    created: dict[int, WriteResult] = {}
    if len(fresh) > 1:
        try:
            with driver.session(database=db) as session:
                session.execute_write(_write_new_plans_tx, [documents[i] for i in fresh], batch_size)
            created = {i: WriteResult(documents[i].plan_id, documents[i].version, "created") for i in fresh}
        except _Contended:
            created = {}
    results = [created.get(i) or _write_one(driver, e, db, batch_size, checked=True) for i, e in enumerate(documents)]
    if regroup and any(r.status != "unchanged" for r in results):
        tallies.regroup_stale(driver, db)
    return results


def record_refused(driver: Driver, documents: Sequence[dict[str, Any]], database: str | None = None) -> None:
    """Keep a Document node for each refused document (``doc_id``, ``path``, ``format``, ``error``, and ``refusal``:
    the error as a message, JSON, or None), status ``refused``, so that it can be listed and read later. A document
    with plans loaded from it keeps its status."""
    if not documents:
        return
    driver.execute_query(
        "UNWIND $rows AS row MERGE (d:Document {doc_id: row.doc_id}) "
        "WITH d, row WHERE NOT EXISTS { (:Plan)-[:FROM_DOCUMENT]->(d) } "
        "SET d.path = row.path, d.format = row.format, d.error = row.error, d.refusal = row.refusal, "
        "d.status = 'refused', d.loaded_at = row.loaded_at, d.title = null",
        {"rows": list(documents)},
        database_=database or database_name(),
    )


def finish_load(driver: Driver, database: str | None = None) -> int:
    """A load's last step after writes with ``regroup=False``: count the platforms' rows over all years they left
    stale (:func:`tallies.regroup_stale`); returns how many. Until then readers count those groups from their rows
    per year, so stopping before it leaves answers exact, only slower."""
    return tallies.regroup_stale(driver, database or database_name())


def _write_new_plans_tx(tx: ManagedTransaction, documents: list[GraphElements], batch_size: int) -> None:
    # Locked in one order, so that two loaders of overlapping groups wait for each other instead of deadlocking.
    taken = tx.run(
        "UNWIND $ids AS id MERGE (p:Plan {plan_id: id}) SET p.locked = true REMOVE p.locked "
        "RETURN count(p.version) AS written",
        ids=sorted(e.plan_id for e in documents),
    ).single()
    if taken is not None and taken["written"]:
        raise _Contended()
    nodes = [n for e in documents for n in e.nodes]
    edges = [edge for e in documents for edge in e.edges]
    for label, grouped in _group_nodes(nodes).items():
        for batch in _batches([{"key": n.key, "props": n.props} for n in grouped], batch_size):
            tx.run(_merge_nodes_cypher(label), rows=batch).consume()
    for rel_type, grouped_edges in _group_edges(edges).items():
        for batch in _batches([{"start": e.start, "end": e.end, "props": e.props} for e in grouped_edges], batch_size):
            tx.run(_merge_edges_cypher(rel_type), rows=batch).consume()
    _write_citations(tx, documents)
    tallies.add_counted(tx, documents)


def _write_plan_tx(tx: ManagedTransaction, elements: GraphElements, batch_size: int) -> WriteResult:
    # Lock the plan first: a second loader of the same plan waits here, then finds it written.
    existing = tx.run(
        "MERGE (p:Plan {plan_id: $plan_id}) SET p.locked = true REMOVE p.locked "
        "RETURN p.version AS version, p.build AS build, p.read_confidence AS read_confidence",
        plan_id=elements.plan_id,
    ).single()
    if existing is not None and existing["version"] is None:
        existing = None
    previous = existing["version"] if existing is not None else None
    same_rows = previous == elements.version
    if same_rows and existing is not None and existing["build"] == elements.build:
        return WriteResult(elements.plan_id, elements.version, "unchanged", previous)
    if existing is not None and not same_rows and _read_confidence(elements) < _or_sure(existing["read_confidence"]):
        # The same plan read less surely (OCR of a scan, after its text): its misreadings must not replace rows
        # read exactly. The better reading stays; the caller is told.
        return WriteResult(elements.plan_id, str(previous), "kept", previous)
    counters: dict[str, int] = {}
    changes: dict[str, Any] = {}
    if previous is not None and not same_rows:
        old = tx.run(
            "MATCH (:Plan {plan_id: $plan_id})-[:ALLOCATES]->(p:Project) "
            "RETURN p.project_id AS id, p.seq AS seq, p.name AS name, p.amount AS amount",
            plan_id=elements.plan_id,
        ).data()
        changes = version_changes(old, [n for n in elements.nodes if n.label == "Project"])
        changes.update({"from": previous, "to": elements.version, "doc_id": elements.doc_id})
        tx.run(
            "MATCH (p:Plan {plan_id: $plan_id}) SET p.history = coalesce(p.history, []) + [$change]",
            plan_id=elements.plan_id,
            change=json.dumps(changes, ensure_ascii=False),
        ).consume()
    touched: list[tallies.Touched] = []
    if previous is not None:
        # A new version, or the same rows read by another build: the plan's projects are written afresh, and taken
        # out of the tallies first (they count what is in the store).
        touched = tallies.subtract_plans(tx, [elements.plan_id])
        summary = tx.run(
            "MATCH (:Plan {plan_id: $plan_id})-[:ALLOCATES]->(p:Project) "
            "OPTIONAL MATCH (p)-[:HAS_TARGET]->(t:Target) DETACH DELETE p, t",
            plan_id=elements.plan_id,
        ).consume()
        _count(counters, summary.counters)
    for label, nodes in _group_nodes(elements.nodes).items():
        for batch in _batches([{"key": n.key, "props": n.props} for n in nodes], batch_size):
            _count(counters, tx.run(_merge_nodes_cypher(label), rows=batch).consume().counters)
    for rel_type, edges in _group_edges(elements.edges).items():
        for batch in _batches([{"start": e.start, "end": e.end, "props": e.props} for e in edges], batch_size):
            _count(counters, tx.run(_merge_edges_cypher(rel_type), rows=batch).consume().counters)
    _write_citations(tx, [elements], counters)
    if previous is None:
        tallies.add_counted(tx, [elements])
    else:
        # settle() marks the platforms' groups stale once, for the old version's and the new one's.
        touched += tallies.add_plans(tx, [elements.plan_id])
        tallies.settle(tx, touched)
        for label in ORPHAN_LABELS:
            # An entity no project names any more goes, with the Alias nodes that named only it.
            lookup = load_schema().node(label).lookup
            if lookup is None:
                statement = f"MATCH (n:{label}) WHERE NOT (n)--() DELETE n"
            else:
                statement = (
                    f"MATCH (n:{label}) WHERE NOT (n)-[:!{lookup}]-() "
                    f"OPTIONAL MATCH (a:Alias)-[:{lookup}]->(n) WHERE COUNT {{ (a)--() }} = 1 DETACH DELETE n, a"
                )
            summary = tx.run(statement).consume()
            _count(counters, summary.counters)
    status: WriteStatus = "created" if previous is None else ("refreshed" if same_rows else "replaced")
    return WriteResult(elements.plan_id, elements.version, status, previous, counters, changes)


# A document's citations, written afresh: each to the Document whose 文号 has the cited key (the least doc_id where
# the same notice is loaded in several formats), else to the key's Notice placeholder.
_CITES_DROP = "UNWIND $docs AS doc_id MATCH (:Document {doc_id: doc_id})-[c:CITES]->() DELETE c"
_CITES_WRITE = (
    "UNWIND $rows AS row MATCH (a:Document {doc_id: row.start}) "
    "OPTIONAL MATCH (t:Document {wenhao_key: row.end}) WHERE t.doc_id <> row.start "
    "WITH a, row, t ORDER BY t.doc_id "
    "WITH a, row, head(collect(t)) AS t "
    "FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | "
    "  MERGE (a)-[c:CITES]->(t) SET c += row.props) "
    "FOREACH (_ IN CASE WHEN t IS NULL THEN [1] ELSE [] END | "
    "  MERGE (n:Notice {wenhao_key: row.end}) ON CREATE SET n.wenhao = row.props.as_written "
    "  MERGE (a)-[c:CITES]->(n) SET c += row.props)"
)
# A document loaded after notices that cite it takes over its placeholder: their citations move to it.
_CITES_TAKE_OVER = (
    "UNWIND $docs AS doc_id MATCH (d:Document {doc_id: doc_id}) WHERE d.wenhao_key IS NOT NULL "
    "MATCH (n:Notice {wenhao_key: d.wenhao_key}) "
    "OPTIONAL MATCH (s:Document)-[c:CITES]->(n) WHERE s <> d "
    "FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | "
    "  MERGE (s)-[moved:CITES]->(d) SET moved += properties(c)) "
    "WITH DISTINCT n DETACH DELETE n"
)
_NOTICE_ORPHANS = "MATCH (n:Notice) WHERE NOT (n)--() DELETE n"

# Money passed down a level, kept afresh for every pair of loaded notices one of the written documents is in (as the
# citing, lower one or the cited, upper one): the upper plan's rows allocating to the region the lower notice's
# issuer governs (by the row's IN_REGION) or to the lower notice's issuing body (by APPLIED_FOR), each to the lower
# notice's plans, with the upper row's amount cell and the lower notice's citation.
# - A row to a body (the row's name is the body's as written: 湖南省农业农村厅) is that body's money, not its region's:
#   it is matched by region only where it names the region itself, and a region taken from the plan is no match.
# - A lower notice issued by a body the upper one allocates to directly (a row naming it) passes on those rows only,
#   not its region's (nor the projects it applied for).
# - A region guessed from the lower notice's table title (its signature not read) is matched_by 'title'.
_PASSED_DOWN_DROP = (
    "UNWIND $docs AS doc_id MATCH (d:Document {doc_id: doc_id})<-[:FROM_DOCUMENT]-(plan:Plan) "
    "CALL (plan) { MATCH (plan)-[:ALLOCATES]->(:Project)-[r:PASSED_DOWN_BY]->() DELETE r } "
    "CALL (plan) { MATCH ()-[r:PASSED_DOWN_BY]->(plan) DELETE r }"
)
_PASSED_DOWN_WRITE = (
    "UNWIND $docs AS doc_id MATCH (d:Document {doc_id: doc_id}) "
    "CALL (d) { MATCH (lower:Document)-[c:CITES]->(d) RETURN lower, d AS upper, c "
    "  UNION MATCH (d)-[c:CITES]->(upper:Document) RETURN d AS lower, upper, c } "
    "WITH DISTINCT lower, upper, c "
    "MATCH (upper)<-[:FROM_DOCUMENT]-(:Plan)-[a:ALLOCATES]->(p:Project) "
    "OPTIONAL MATCH (p)-[ir:IN_REGION]->(r:Region) WHERE r.code IN coalesce(lower.issuer_regions, []) "
    "  AND coalesce(ir.field, '') <> 'plan' AND (ir.as_written = p.name "
    "  OR NOT EXISTS { (:Organization)-[b:APPLIED_FOR]->(p) WHERE b.as_written = p.name }) "
    "OPTIONAL MATCH (o:Organization)-[ob:APPLIED_FOR]->(p) WHERE o.org_id IN coalesce(lower.issuer_orgs, []) "
    "WITH lower, upper, c, a, p, min(r.code) AS region, min(o.org_id) AS org, collect(ob.as_written) AS written "
    "WHERE region IS NOT NULL OR org IS NOT NULL "
    "WITH lower, upper, c, collect({a: a, p: p, region: region, org: org, "
    "  direct: org IS NOT NULL AND p.name IN written}) AS found "
    "UNWIND CASE WHEN any(f IN found WHERE f.direct) THEN [f IN found WHERE f.direct] ELSE found END AS f "
    "WITH lower, c, f.a AS a, f.p AS p, f.region AS region, f.org AS org "
    "MATCH (lowerPlan:Plan)-[:FROM_DOCUMENT]->(lower) "
    "MERGE (p)-[pd:PASSED_DOWN_BY]->(lowerPlan) "
    "SET pd.matched_by = CASE WHEN org IS NOT NULL THEN 'organization' "
    "  WHEN lower.issuer_guessed THEN 'title' ELSE 'region' END, "
    "pd.match_key = coalesce(org, region), pd.cited_as = c.as_written, pd.cited_line = c.line, "
    "pd.doc_id = a.doc_id, pd.row = a.row, pd.col = a.col, pd.line = a.line, pd.page = a.page, pd.box = a.box, "
    "pd.confidence = a.confidence"
)


def link_passed_down(
    tx: ManagedTransaction, docs: Sequence[str] | None = None, counters: dict[str, int] | None = None
) -> None:
    """The PASSED_DOWN_BY relationships of the documents ``docs`` (every document when None), made afresh: the
    same whichever of two notices was loaded first, by the transactional writer and after a bulk import."""
    if docs is None:
        docs = [r["doc_id"] for r in tx.run("MATCH (d:Document) RETURN d.doc_id AS doc_id").data()]
    for statement in (_PASSED_DOWN_DROP, _PASSED_DOWN_WRITE):
        summary = tx.run(statement, {"docs": sorted(docs)}).consume()
        if counters is not None:
            _count(counters, summary.counters)


def _write_citations(
    tx: ManagedTransaction, documents: Sequence[GraphElements], counters: dict[str, int] | None = None
) -> None:
    """The documents' CITES, and the placeholders they end or take over (in either order of loading)."""
    docs = sorted({e.doc_id for e in documents})
    rows = [{"start": c.start, "end": c.end, "props": c.props} for e in documents for c in e.citations]
    for statement, params in (
        (_CITES_DROP, {"docs": docs}),
        (_CITES_WRITE, {"rows": rows}),
        (_CITES_TAKE_OVER, {"docs": docs}),
        (_NOTICE_ORPHANS, {}),
    ):
        summary = tx.run(statement, params).consume()
        if counters is not None:
            _count(counters, summary.counters)
    link_passed_down(tx, docs, counters)


def _or_sure(confidence: float | None) -> float:
    """A plan read from a text layer (no OCR) has no confidence score: it is as sure as a reading gets."""
    return 100.0 if confidence is None else float(confidence)


def _read_confidence(elements: GraphElements) -> float:
    plan = next((n for n in elements.nodes if n.label == "Plan"), None)
    return _or_sure(plan.props.get("read_confidence") if plan is not None else None)


def version_changes(old: list[dict[str, Any]], new: list[Node]) -> dict[str, Any]:
    """Projects added, removed and changed (name or amount) between two versions of a plan, keyed by 序号."""
    before = {row["id"]: row for row in old}
    after = {node.key: node.props for node in new}
    changed = [
        {"seq": after[key]["seq"], "field": name, "old": before[key][name], "new": after[key][name]}
        for key in sorted(before.keys() & after.keys())
        for name in ("name", "amount")
        if before[key][name] != after[key][name]
    ]
    return {
        "added": [
            {"seq": after[k]["seq"], "name": after[k]["name"], "amount": after[k]["amount"]}
            for k in sorted(after.keys() - before.keys())
        ],
        "removed": [
            {"seq": before[k]["seq"], "name": before[k]["name"], "amount": before[k]["amount"]}
            for k in sorted(before.keys() - after.keys())
        ],
        "changed": changed,
    }


def plan_history(driver: Driver, plan_id: str, database: str | None = None) -> list[dict[str, Any]]:
    """The recorded changes between the versions of one plan, oldest first."""
    records, _, _ = driver.execute_query(
        "MATCH (p:Plan {plan_id: $plan_id}) RETURN p.history AS history, p.version AS version",
        plan_id=plan_id,
        database_=database or database_name(),
        routing_=RoutingControl.READ,
    )
    if not records:
        raise UnknownPlan(f"no plan {plan_id!r} is loaded; `fundgraph plans` lists them")
    return [json.loads(entry) for entry in records[0]["history"] or []]


def _merge_nodes_cypher(label: str) -> str:
    """MERGE on the key; list properties the schema says accumulate (aliases) gain new values, never lose old ones.

    The accumulated lists are computed before ``SET n += row.props``: inside that SET, ``n.aliases`` would already be
    the row's list, and the old values would be lost. An empty list is stored as no property, as everywhere."""
    node = load_schema().node(label)
    statement = f"UNWIND $rows AS row MERGE (n:{label} {{{node.key}: row.key}})"
    carried = ["n", "row"]
    if node.lookup is not None:
        # The names the node answered to before this write: only new ones need an Alias (most writes add none).
        statement += " WITH n, row, [x IN [n.name] + coalesce(n.aliases, []) WHERE x IS NOT NULL] AS known"
        carried.append("known")
    if node.accumulate:
        kept = ", ".join(
            f"reduce(acc = coalesce(n.{prop}, []), v IN coalesce(row.props.{prop}, []) | "
            f"CASE WHEN v IN acc THEN acc ELSE acc + v END) AS acc_{prop}"
            for prop in node.accumulate
        )
        statement += f" WITH {', '.join(carried)}, {kept}"
    statement += " SET n += row.props"
    for prop in node.accumulate:
        statement += f", n.{prop} = CASE WHEN size(acc_{prop}) = 0 THEN null ELSE acc_{prop} END"
    if node.lookup is not None:
        # Every name the node answers to has its Alias (one seek finds it); names only accumulate, so the new ones
        # are all there is to add.
        statement += (
            f" WITH n, [x IN [n.name] + coalesce(n.aliases, []) WHERE NOT x IN known] AS added "
            f"UNWIND added AS alias MERGE (a:Alias {{name: alias}}) MERGE (a)-[:{node.lookup}]->(n)"
        )
    return statement


def _merge_edges_cypher(rel_type: str) -> str:
    schema = load_schema()
    rel = schema.relationship(rel_type)
    identity = f" {{{rel.key}: row.props.{rel.key}}}" if rel.key else ""
    write = (
        f"CREATE (a)-[r:{rel_type}]->(b) SET r = row.props"
        if rel.fresh
        else (f"MERGE (a)-[r:{rel_type}{identity}]->(b) SET r += row.props")
    )
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{rel.start} {{{schema.key(rel.start)}: row.start}}) "
        f"MATCH (b:{rel.end} {{{schema.key(rel.end)}: row.end}}) " + write
    )


def _group_nodes(nodes: Sequence[Node]) -> dict[str, list[Node]]:
    grouped: dict[str, list[Node]] = {}
    for node in merge_nodes(nodes):
        grouped.setdefault(node.label, []).append(node)
    return grouped


def _group_edges(edges: Sequence[Edge]) -> dict[str, list[Edge]]:
    """Edges by type, each (type, start, end, key) once: the last one's properties win, as MERGE would leave them."""
    schema = load_schema()
    unique: dict[tuple[str, str, str, Any], Edge] = {}
    for edge in edges:
        key = schema.relationship(edge.type).key
        unique[(edge.type, edge.start, edge.end, edge.props.get(key) if key else None)] = edge
    grouped: dict[str, list[Edge]] = {}
    for edge in unique.values():
        grouped.setdefault(edge.type, []).append(edge)
    return grouped


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _count(into: dict[str, int], counters: neo4j.SummaryCounters) -> None:
    for name in ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted", "properties_set"):
        into[name] = into.get(name, 0) + int(getattr(counters, name))


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False
    # The server's own time for the statement (until its first row, then until the last was taken), in ms; none
    # when the rows were cut short. Beside the caller's wall time, it tells a slow server from a slow client.
    server_ms: int | None = field(default=None, compare=False)


def read(
    driver: Driver,
    query: str,
    parameters: dict[str, Any] | None = None,
    *,
    database: str | None = None,
    timeout: float = LIMITS.timeout_s,
    row_cap: int | None = LIMITS.row_cap,
    retry: bool = True,
    graph_values: bool = False,
    byte_cap: int | None = None,
) -> QueryResult:
    """Run a read in a READ transaction with a time limit, fetching at most ``row_cap`` rows (and saying so);
    ``row_cap=None`` reads every row, for callers whose answer must be whole (findings). ``byte_cap`` refuses an
    answer whose rows come to more than that many bytes (AnswerTooLarge): a cut row would be a wrong one.

    ``retry=False`` runs it once: a statement that failed on a limit (memory, time) is not run again.
    ``graph_values=True`` keeps nodes, relationships and paths as driver objects (ids, labels, ends) instead of
    their property maps, for callers that draw them.
    """
    check_parameters(parameters or {})

    def work(tx: ManagedTransaction | neo4j.Transaction) -> QueryResult:
        result = tx.run(query, parameters or {})
        columns = list(result.keys())
        rows: list[dict[str, Any]] = []
        left = byte_cap
        for record in result:
            if row_cap is not None and len(rows) == row_cap:
                return QueryResult(columns, rows, truncated=True)
            rows.append(dict(record) if graph_values else record.data())
            if left is not None:
                left -= approximate_size(list(record.values()), left)
                if left < 0:
                    raise AnswerTooLarge(
                        f"the answer comes to more than {byte_cap:,} bytes (at row {len(rows)}); return fewer or "
                        "smaller rows (LIMIT, aggregate, or the properties you need)"
                    )
        summary = result.consume()
        server_ms = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        return QueryResult(columns, rows, server_ms=server_ms)

    with driver.session(database=database or database_name(), default_access_mode=neo4j.READ_ACCESS) as session:
        if retry:
            return session.execute_read(neo4j.unit_of_work(timeout=timeout)(work))
        with session.begin_transaction(timeout=timeout) as tx:
            return work(tx)


def approximate_size(value: Any, budget: int) -> int:
    """About the bytes of ``value`` as JSON, counted no further than just past ``budget``.

    >>> approximate_size(["甲县", 1, {"a": [1.5, None]}], 1000)
    48
    >>> approximate_size(list(range(5_000_000)), 100) > 100
    True
    """
    if isinstance(value, str):
        return len(value) * 3 + 2 if len(value) < budget else budget + 1
    if isinstance(value, (list, tuple)):
        total = 2 + len(value)
        for item in value:
            if total > budget:
                break
            total += approximate_size(item, budget - total)
        return total
    if isinstance(value, dict):
        total = 2
        for key, item in value.items():
            if total > budget:
                break
            total += len(str(key)) + 4 + approximate_size(item, budget - total)
        return total
    if isinstance(value, (neo4j.graph.Node, neo4j.graph.Relationship)):
        return 64 + approximate_size(dict(value), budget)
    if isinstance(value, neo4j.graph.Path):
        return approximate_size(list(value.nodes) + list(value.relationships), budget)
    return 8


INT64 = (-(2**63), 2**63 - 1)


def check_parameters(value: Any, name: str = "") -> None:
    """Refuse values Neo4j cannot hold (integers past 64 bits) before they reach the driver."""
    if isinstance(value, bool):
        return
    if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
        raise BadParameter(f"parameter {name or 'value'} is {value}, outside the 64-bit integers Neo4j holds")
    if isinstance(value, dict):
        for key, item in value.items():
            check_parameters(item, f"{name}.{key}" if name else str(key))
    elif isinstance(value, (list, tuple)):
        for item in value:
            check_parameters(item, name)


def list_plans(driver: Driver, database: str | None = None) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(
        "MATCH (p:Plan) OPTIONAL MATCH (f:Fund)-[:HAS_PLAN]->(p) OPTIONAL MATCH (p)-[:FROM_DOCUMENT]->(d:Document) "
        "WITH p, f, collect(d.path) AS paths "
        "RETURN p.plan_id AS plan_id, p.year AS year, p.title AS title, f.name AS fund, p.programme AS programme, "
        "p.project_count AS projects, p.stated_total AS stated_total, p.computed_total AS computed_total, "
        "p.version AS version, paths ORDER BY year DESC, plan_id",
        database_=database or database_name(),
        routing_=RoutingControl.READ,
    )
    return [r.data() for r in records]
