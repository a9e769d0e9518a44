// name: not_passed_down_in_full
// description: Money passed down a level: each upper plan row (its amount cell) with the lower notice's plan that passes it on (PASSED_DOWN_BY), that plan's total, the line where it cites the upper notice and how the row was matched (matched_by: region, organization, or title — the region the lower notice's table title names, a guess) and the 文号s the lower notice cites that are not loaded, to reconcile what a level received against what it allocated; doc_ids: only where either notice is one of these (a notice's chain).
// params: year: int = null, plan_id: string = null, doc_ids: list = null
// mode: read
MATCH (up:Plan)-[:ALLOCATES]->(p:Project)-[r:PASSED_DOWN_BY]->(down:Plan)
WHERE ($year IS NULL OR up.year = $year OR down.year = $year)
  AND ($plan_id IS NULL OR up.plan_id = $plan_id OR down.plan_id = $plan_id)
MATCH (up)-[:FROM_DOCUMENT]->(ud:Document)
MATCH (down)-[:FROM_DOCUMENT]->(dd:Document)
WHERE $doc_ids IS NULL OR ud.doc_id IN $doc_ids OR dd.doc_id IN $doc_ids
RETURN up.plan_id AS plan_id, up.year AS year, p.project_id AS project_id, p.seq AS seq, p.name AS project,
       p.amount AS amount, p.amount_fen AS amount_fen, p.amount_text AS amount_text,
       ud.wenhao AS upper_wenhao, ud.date AS upper_date,
       r.doc_id AS doc_id, r.row AS row, r.col AS col, r.line AS line,
       down.plan_id AS lower_plan_id, down.year AS lower_year, down.title AS lower_title,
       down.computed_total AS lower_total, down.computed_total_fen AS lower_total_fen,
       down.stated_total_row AS lower_total_row, down.stated_total_col AS lower_total_col,
       down.stated_total_line AS lower_total_line,
       dd.doc_id AS lower_doc_id, dd.wenhao AS lower_wenhao, dd.date AS lower_date,
       r.cited_as AS cited_as, r.cited_line AS cited_line, r.matched_by AS matched_by,
       [(dd)-[c:CITES]->(:Notice) | c.as_written] AS lower_cites_unloaded
ORDER BY plan_id, toInteger(p.seq), project_id, lower_plan_id
