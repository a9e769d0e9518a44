// name: passed_down_late
// description: Each level money was passed down (PASSED_DOWN_BY): the upper notice's date and the lower one's, with the days between (null when either has no date), the upper row's cell, the lower notice's citation line and how the row was matched (matched_by; title: a guess), for the Budget Law's limit (预算法 第五十二条).
// params: year: int = null, plan_id: string = null
// mode: read
MATCH (up:Plan)-[:ALLOCATES]->(p:Project)-[r:PASSED_DOWN_BY]->(down:Plan)
WHERE ($year IS NULL OR up.year = $year OR down.year = $year)
  AND ($plan_id IS NULL OR up.plan_id = $plan_id OR down.plan_id = $plan_id)
MATCH (up)-[:FROM_DOCUMENT]->(ud:Document)
MATCH (down)-[:FROM_DOCUMENT]->(dd:Document)
RETURN up.plan_id AS plan_id, up.year AS year, p.project_id AS project_id, p.seq AS seq, p.name AS project,
       p.amount AS amount, p.amount_fen AS amount_fen, p.amount_text AS amount_text,
       ud.wenhao AS upper_wenhao, ud.date AS upper_date,
       r.doc_id AS doc_id, r.row AS row, r.col AS col, r.line AS line,
       down.plan_id AS lower_plan_id, down.year AS lower_year, down.title AS lower_title,
       down.computed_total AS lower_total, down.computed_total_fen AS lower_total_fen,
       dd.doc_id AS lower_doc_id, dd.wenhao AS lower_wenhao, dd.date AS lower_date,
       r.cited_as AS cited_as, r.cited_line AS cited_line, r.matched_by AS matched_by,
       CASE WHEN ud.date IS NULL OR dd.date IS NULL THEN null
            ELSE duration.inDays(date(ud.date), date(dd.date)).days END AS days
ORDER BY plan_id, toInteger(p.seq), project_id, lower_plan_id
