// name: not_passed_down
// description: Plan rows allocating to a region as a whole (the row names only the region) that no loaded notice of that region's government passes on (no PASSED_DOWN_BY), from plans of notices: its sub-allocating notice may not be loaded.
// params: year: int = null, plan_id: string = null
// mode: read
MATCH (pl:Plan)-[:FROM_DOCUMENT]->(d:Document)
WHERE d.wenhao IS NOT NULL AND ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
MATCH (pl)-[a:ALLOCATES]->(p:Project)-[:IN_REGION]->(g:Region)
WHERE g.name = trim(p.name) AND NOT EXISTS { (p)-[:PASSED_DOWN_BY]->() }
RETURN pl.plan_id AS plan_id, pl.year AS year, p.project_id AS project_id, p.seq AS seq, p.name AS project,
       p.amount AS amount, g.code AS region, d.wenhao AS wenhao,
       a.doc_id AS doc_id, a.row AS row, a.col AS col, a.line AS line, p.amount_text AS amount_text
ORDER BY plan_id, toInteger(p.seq), project_id
