// name: not_passed_down
// description: Plan rows allocating to a region as a whole (the row names only the region), or to a body of a kind in $bodies (the row names only the body: 湖南省农业农村厅), that no loaded notice passes on (no PASSED_DOWN_BY), from plans of notices: the region's or body's sub-allocating notice may not be loaded. The findings rule passes the kinds of body that pass money on (vocabularies.yaml); without $bodies only regions are listed.
// params: year: int = null, plan_id: string = null, bodies: list = null
// mode: read
MATCH (pl:Plan)-[:FROM_DOCUMENT]->(d:Document)
WHERE d.wenhao IS NOT NULL AND ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
MATCH (pl)-[a:ALLOCATES]->(p:Project)
WHERE NOT EXISTS { (p)-[:PASSED_DOWN_BY]->() }
OPTIONAL MATCH (p)-[:IN_REGION]->(g:Region) WHERE g.name = trim(p.name)
OPTIONAL MATCH (o:Organization)-[b:APPLIED_FOR]->(p)
  WHERE g IS NULL AND b.as_written = p.name AND o.kind IN coalesce($bodies, [])
WITH pl, d, a, p, min(g.code) AS region, min(o.name) AS body, min(o.kind) AS body_kind
WHERE region IS NOT NULL OR body IS NOT NULL
RETURN pl.plan_id AS plan_id, pl.year AS year, p.project_id AS project_id, p.seq AS seq, p.name AS project,
       p.amount AS amount, region, body, body_kind, d.wenhao AS wenhao,
       a.doc_id AS doc_id, a.row AS row, a.col AS col, a.line AS line, p.amount_text AS amount_text
ORDER BY plan_id, toInteger(p.seq), project_id
