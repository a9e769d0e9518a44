// name: project_texts
// description: Each project's description and targets with their cells, for comparing texts across projects.
// params: year: int = null, plan_id: string = null
// mode: read
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
RETURN pl.plan_id AS plan_id, p.project_id AS project_id, pl.year AS year, p.seq AS seq, p.name AS name, p.amount AS amount,
       p.summary AS summary, p.targets_text AS targets, p.doc_id AS doc_id, p.row AS row, p.line AS line
ORDER BY plan_id, toInteger(seq), project_id
