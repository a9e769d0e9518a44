// name: platforms_shared_by_projects
// description: Platforms that two or more projects pay for, with the projects, their roles, amounts and years, and the cell each mention stands in.
// params: year: int = null, plan_id: string = null, min_projects: int = 2
// example: year=2024
// mode: read
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[c:CONCERNS]->(f:Platform)
WHERE c.role <> 'hosted_on' AND ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
WITH f, pl, p, collect(DISTINCT c.role) AS roles, collect(c)[0] AS cell
ORDER BY pl.year, pl.plan_id, toInteger(p.seq)
WITH f, collect({plan_id: pl.plan_id, year: pl.year, seq: p.seq, project: p.name, amount: p.amount,
                 amount_fen: p.amount_fen, roles: roles, as_written: cell.as_written, field: cell.field,
                 evidence: cell.evidence, doc_id: cell.doc_id, row: cell.row, col: cell.col, line: cell.line}) AS projects
WHERE size(projects) >= $min_projects
RETURN f.name AS platform, size(projects) AS project_count,
       reduce(t = 0, x IN projects | t + x.amount_fen) AS amount_fen, projects
ORDER BY project_count DESC, platform
