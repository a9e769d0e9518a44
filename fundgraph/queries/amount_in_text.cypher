// name: amount_in_text
// description: Money a project's own text names for its funding (立项申报资金, 拟支付, 预算 ...) set against what the plan allocates it.
// params: year: int = null, plan_id: string = null
// mode: read
MATCH (pl:Plan)-[a:ALLOCATES]->(p:Project)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
  AND any(f IN coalesce(p.text_amount_funding, []) WHERE f)
WITH pl, a, p, [i IN range(0, size(p.text_amounts) - 1) WHERE p.text_amount_funding[i]] AS idx
RETURN pl.plan_id AS plan_id, p.project_id AS project_id, pl.year AS year, p.seq AS seq, p.name AS project,
       a.amount AS allocated, a.amount_fen AS allocated_fen,
       [i IN idx | p.text_amounts[i]] AS named_amounts,
       [i IN idx | p.text_amounts_fen[i]] AS named_amounts_fen,
       [i IN idx | p.text_amount_contexts[i]] AS contexts,
       [i IN idx | p.text_amount_cols[i]] AS context_cols,
       [i IN idx | p.text_amount_lines[i]] AS context_lines,
       all(i IN idx WHERE p.text_amounts_fen[i] = a.amount_fen) AS agrees,
       p.doc_id AS doc_id, p.row AS row, a.col AS amount_col, a.line AS amount_line
ORDER BY plan_id, toInteger(seq), project_id
