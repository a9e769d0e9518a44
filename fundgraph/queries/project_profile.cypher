// name: project_profile
// description: Everything about one project: plan, amount and its cell, applicant and implementer as written, platforms with roles, services, regions, targets and money named in its text.
// params: plan_id: string = null, seq: string = null, project_id: string = null
// example: seq=6
// mode: read
// One branch per way of naming the project, so that a key is found through its index, never by a scan.
CALL () {
  MATCH (p:Project {project_id: $project_id}) RETURN p
  UNION
  MATCH (:Plan {plan_id: $plan_id})-[:ALLOCATES]->(p:Project) WHERE $project_id IS NULL AND ($seq IS NULL OR p.seq = $seq)
  RETURN p
  UNION
  // By seq alone only when nothing else names it: a filter on parameters alone is planned after the label scan, an
  // empty list before it.
  UNWIND CASE WHEN $project_id IS NULL AND $plan_id IS NULL THEN [$seq] ELSE [] END AS seq
  MATCH (p:Project {seq: seq}) RETURN p
}
MATCH (pl:Plan)-[a:ALLOCATES]->(p)
RETURN p.project_id AS project_id, pl.plan_id AS plan_id, pl.year AS year, p.seq AS seq, p.name AS name,
       p.amount AS amount, p.amount_fen AS amount_fen, a.amount_text AS amount_as_written,
       {doc_id: a.doc_id, row: a.row, col: a.col, line: a.line, page: a.page} AS amount_cell,
       coalesce(pl.read_by, 'machine') AS read_by, p.approval AS approval,
       [(o:Organization)-[r:APPLIED_FOR]->(p) | {name: o.name, as_written: r.as_written, doc_id: r.doc_id, row: r.row,
                                                    col: r.col, line: r.line}] AS applicants,
       [(o:Organization)-[r:IMPLEMENTS]->(p) | {name: o.name, as_written: r.as_written, doc_id: r.doc_id, row: r.row,
                                                    col: r.col, line: r.line}] AS implementers,
       [(p)-[c:CONCERNS]->(f:Platform) | {platform: f.name, role: c.role, as_written: c.as_written, doc_id: c.doc_id,
                                        row: c.row, col: c.col, line: c.line}] AS platforms,
       [(p)-[:PROVIDES]->(s:ServiceType) | s.name] AS services,
       [(p)-[:IN_REGION]->(r:Region) | {code: r.code, name: r.name}] AS regions,
       [(p)-[:HAS_TARGET]->(t:Target) | {metric: t.metric, comparator: t.comparator, value: t.value, unit: t.unit}] AS targets,
       coalesce(p.years_named, []) AS years_named, coalesce(p.text_amounts, []) AS money_in_text, p.summary AS summary,
       p.targets_text AS targets_text, a.doc_id AS doc_id, p.row AS row
ORDER BY year, plan_id, toInteger(seq), project_id
