// name: plan_checks
// description: Each plan's stated total against its rows, with the cell the total stands in, and the problems found while reading it.
// params: year: int = null, plan_id: string = null
// mode: read
MATCH (pl:Plan)-[a:ALLOCATES]->(p:Project)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
WITH pl, sum(a.amount_fen) AS rows_fen, count(p) AS projects
RETURN pl.plan_id AS plan_id, pl.year AS year, pl.title AS title, projects, pl.stated_total AS stated_total,
       pl.stated_total_fen AS stated_total_fen, pl.computed_total AS computed_total, rows_fen AS computed_total_fen,
       pl.doc_id AS doc_id, pl.stated_total_row AS row, pl.stated_total_col AS col, pl.stated_total_line AS line,
       pl.stated_total_text AS total_text, coalesce(pl.problems, []) AS problems
ORDER BY year DESC, plan_id
