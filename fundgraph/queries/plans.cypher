// name: plans
// description: The loaded plans with their year, fund, programme, number of projects and stated and computed totals.
// params: year: int = null
// mode: read
MATCH (pl:Plan)
WHERE $year IS NULL OR pl.year = $year
OPTIONAL MATCH (f:Fund)-[:HAS_PLAN]->(pl)
RETURN pl.plan_id AS plan_id, pl.year AS year, pl.title AS title, f.name AS fund, pl.programme AS programme,
       pl.project_count AS projects, pl.stated_total AS stated_total, pl.computed_total AS computed_total,
       pl.version AS version, coalesce(pl.read_by, 'machine') AS read_by, pl.doc_id AS doc_id
ORDER BY year DESC, plan_id
