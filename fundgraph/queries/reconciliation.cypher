// name: reconciliation
// description: Each plan's stated total (合计) against the sum of its rows, exact to the 分, with the difference.
// params: year: int = null, plan_id: string = null
// mode: read
MATCH (pl:Plan)-[a:ALLOCATES]->(p:Project)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
WITH pl, sum(a.amount_fen) AS rows_fen, count(p) AS projects
RETURN pl.plan_id AS plan_id, pl.year AS year, pl.title AS title, projects,
       pl.stated_total AS stated_total, pl.computed_total AS computed_total,
       pl.stated_total_fen AS stated_total_fen, rows_fen AS computed_total_fen,
       CASE WHEN pl.stated_total_fen IS NULL THEN null ELSE rows_fen - pl.stated_total_fen END AS difference_fen,
       CASE WHEN pl.stated_total_fen IS NULL THEN 'no stated total'
            WHEN rows_fen = pl.stated_total_fen THEN 'reconciles'
            ELSE 'MISMATCH' END AS status
ORDER BY year DESC, plan_id
