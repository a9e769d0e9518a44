// name: projects
// description: The projects of the loaded plans with applicant, implementer, amount and the cell each came from.
// params: year: int = null, plan_id: string = null
// example: year=2024
// mode: read
MATCH (pl:Plan)-[a:ALLOCATES]->(p:Project)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
OPTIONAL MATCH (ap:Organization)-[:APPLIED_FOR]->(p)
OPTIONAL MATCH (im:Organization)-[:IMPLEMENTS]->(p)
RETURN pl.plan_id AS plan_id, pl.year AS year, p.seq AS seq, p.name AS name, ap.name AS applicant,
       im.name AS implementer, p.amount AS amount, p.amount_fen AS amount_fen, p.approval AS approval,
       p.doc_id AS doc_id, p.row AS row, p.col AS col, p.line AS line
ORDER BY plan_id, toInteger(p.seq), p.seq, p.project_id, applicant, implementer
