// name: cross_year
// description: Projects whose name or text names a year other than their plan's year (2023 work in a 2024 plan).
// params: year: int = null, plan_id: string = null
// example: year=2024
// mode: read
MATCH (pl:Plan)-[a:ALLOCATES]->(p:Project)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
  AND any(y IN coalesce(p.years_named, []) WHERE y <> pl.year)
WITH pl, p, a, [y IN p.years_named WHERE y <> pl.year] AS other_years
RETURN pl.plan_id AS plan_id, p.project_id AS project_id, pl.year AS plan_year, p.seq AS seq, p.name AS project, p.amount AS amount,
       other_years, p.years_named AS years_named,
       any(y IN other_years WHERE p.name CONTAINS toString(y)) AS in_name,
       p.doc_id AS doc_id, p.row AS row, p.col AS col, p.line AS line
ORDER BY plan_id, toInteger(seq), project_id
