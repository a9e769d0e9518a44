// name: pass_through
// description: Projects whose applicant (申报单位) is not the body that carries them out (实施单位), with both cells.
// params: year: int = null, plan_id: string = null
// mode: read
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
MATCH (ap:Organization)-[ra:APPLIED_FOR]->(p)<-[ri:IMPLEMENTS]-(im:Organization)
WHERE ap <> im
RETURN pl.plan_id AS plan_id, p.project_id AS project_id, pl.year AS year, p.seq AS seq, p.name AS project, p.amount AS amount,
       ap.name AS applicant, im.name AS implementer,
       ra.doc_id AS doc_id, ra.row AS row, ra.col AS applicant_col, ri.col AS implementer_col, ra.line AS line
ORDER BY plan_id, toInteger(p.seq), project_id, applicant, implementer
