// name: platform_profile
// description: Everything about one platform (by name or alias): owner, aliases, how many projects concern it and for how much, and the first `limit` of them (latest first) with their roles, amount, years and the cell it is named in.
// params: name: string, limit: int = 100 in 1..1000
// example: name=中小融
// mode: read
// The name or any alias through one seek on Alias.name (an alias list can't be indexed).
MATCH (alias:Alias {name: $name})-[:NAMES_PLATFORM]->(f:Platform) USING INDEX alias:Alias(name)
WITH f LIMIT 1
CALL (f) {
  OPTIONAL MATCH (p:Project)-[:CONCERNS]->(f)
  WITH DISTINCT p
  RETURN count(p) AS project_count, sum(p.amount_fen) AS amount_fen_involved
}
// The first `limit` projects are chosen before their roles and cells are gathered.
CALL (f) {
  MATCH (p:Project)-[:CONCERNS]->(f)
  WITH DISTINCT p
  ORDER BY p.year DESC, p.plan_id, toInteger(p.seq), p.project_id
  LIMIT $limit
  // In the order of the document (a pattern's own order is the store's, which a bulk import lays out differently).
  WITH p, COLLECT { MATCH (p)-[c:CONCERNS]->(f) RETURN c ORDER BY c.row, c.col, c.line, c.field, c.role, c.as_written }
       AS mentions
  WITH p, reduce(seen = [], c IN mentions | CASE WHEN c.role IN seen THEN seen ELSE seen + c.role END) AS roles,
       mentions[0] AS cell
  RETURN collect({plan_id: p.plan_id, year: p.year, seq: p.seq, project: p.name, project_id: p.project_id,
                  amount: p.amount, amount_fen: p.amount_fen, roles: roles, years_named: coalesce(p.years_named, []),
                  as_written: cell.as_written, doc_id: cell.doc_id, row: cell.row, col: cell.col, line: cell.line})
         AS projects
}
RETURN f.name AS name, f.owner AS owner, coalesce(f.aliases, []) AS aliases, project_count, amount_fen_involved, projects
