// name: platforms_shared_by_projects
// description: Platforms that two or more projects pay for: how many, for how much, with which roles and in which years, and the first `limit` of the projects with their roles, amounts and the cell each mention stands in.
// params: year: int = null, plan_id: string = null, min_projects: int = 2, limit: int = 20
// example: year=2024
// mode: read
// Counted first, listed after (at most `limit` a platform): a hub platform is paid for by tens of thousands of
// projects, which one list per row would hold in the transaction's memory all at once.
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[c:CONCERNS]->(f:Platform)
WHERE c.role <> 'hosted_on' AND ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
WITH f, p, pl.year AS year, collect(DISTINCT c.role) AS roles
// A project's money counts once, on its first role.
UNWIND range(0, size(roles) - 1) AS i
WITH f, p, year, roles[i] AS role, CASE WHEN i = 0 THEN p.amount_fen ELSE 0 END AS fen
WITH f, count(DISTINCT p) AS project_count, sum(fen) AS amount_fen, collect(DISTINCT role) AS roles,
     collect(DISTINCT year) AS years
WHERE project_count >= $min_projects
// The first `limit` projects are chosen before their roles and cells are gathered.
CALL (f) {
  MATCH (p:Project)-[c:CONCERNS]->(f)
  WHERE c.role <> 'hosted_on' AND ($year IS NULL OR p.year = $year) AND ($plan_id IS NULL OR p.plan_id = $plan_id)
  WITH DISTINCT p
  ORDER BY p.year, p.plan_id, toInteger(p.seq)
  LIMIT $limit
  WITH p, [(p)-[c:CONCERNS]->(f) WHERE c.role <> 'hosted_on' | c] AS mentions
  WITH p, reduce(seen = [], c IN mentions | CASE WHEN c.role IN seen THEN seen ELSE seen + c.role END) AS roles,
       mentions[0] AS cell
  RETURN collect({plan_id: p.plan_id, project_id: p.project_id, year: p.year, seq: p.seq, project: p.name, amount: p.amount,
                  amount_fen: p.amount_fen, roles: roles, as_written: cell.as_written, field: cell.field,
                  evidence: cell.evidence, doc_id: cell.doc_id, row: cell.row, col: cell.col, line: cell.line})
         AS projects
}
RETURN f.name AS platform, f.source AS platform_source, project_count, amount_fen, roles, years, projects
ORDER BY project_count DESC, platform
