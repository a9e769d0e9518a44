// name: platform_profile
// description: Everything about one platform (by name or alias): owner, aliases, and every project that concerns it with its roles, amount, years and the cell it is named in.
// params: name: string
// example: name=中小融
// mode: read
MATCH (f:Platform)
WHERE f.name = $name OR $name IN coalesce(f.aliases, [])
OPTIONAL MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[c:CONCERNS]->(f)
WITH f, pl, p, collect(DISTINCT c.role) AS roles, collect(c)[0] AS cell
ORDER BY pl.year, toInteger(p.seq)
WITH f, [x IN collect(CASE WHEN p IS NULL THEN null ELSE {plan_id: pl.plan_id, year: pl.year, seq: p.seq,
        project: p.name, amount: p.amount, amount_fen: p.amount_fen, roles: roles, years_named: p.years_named,
        as_written: cell.as_written, doc_id: cell.doc_id, row: cell.row, col: cell.col, line: cell.line} END)
        WHERE x IS NOT NULL] AS projects
RETURN f.name AS name, f.owner AS owner, f.aliases AS aliases, size(projects) AS project_count,
       reduce(t = 0, x IN projects | t + x.amount_fen) AS amount_fen_involved, projects
