// name: organization_profile
// description: Everything about one organisation (by name or alias): kind, aliases, renames, counts and money of the projects it applies for or carries out, and the first `limit` of its projects (latest first) with the cells naming it.
// params: name: string, limit: int = 100
// example: name=广东股交
// mode: read
// The name or any alias through one seek on Alias.name (an alias list can't be indexed).
MATCH (alias:Alias {name: $name})-[:NAMES_ORGANIZATION]->(o:Organization) USING INDEX alias:Alias(name)
WITH o LIMIT 1
OPTIONAL MATCH (o)-[ren:RENAMED_TO]->(newer:Organization)
WITH o, ren, newer, [(older:Organization)-[:RENAMED_TO]->(o) | older.name] AS formerly
CALL (o) {
  OPTIONAL MATCH (o)-[r:APPLIED_FOR|IMPLEMENTS]->(p:Project)
  RETURN count(DISTINCT CASE type(r) WHEN 'IMPLEMENTS' THEN p END) AS implements,
         count(DISTINCT CASE type(r) WHEN 'APPLIED_FOR' THEN p END) AS applies_for,
         sum(CASE type(r) WHEN 'IMPLEMENTS' THEN p.amount_fen ELSE 0 END) AS implemented_fen,
         sum(CASE type(r) WHEN 'APPLIED_FOR' THEN p.amount_fen ELSE 0 END) AS applied_fen,
         count(DISTINCT p) AS project_count
}
// The first `limit` projects are chosen before their cells are gathered: a hub has hundreds of thousands.
CALL (o) {
  MATCH (o)-[:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(p:Project)
  WITH DISTINCT p
  ORDER BY p.year DESC, p.plan_id, toInteger(p.seq)
  LIMIT $limit
  WITH p, [(o)-[r:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(p) | {relation: type(r), as_written: r.as_written,
           doc_id: r.doc_id, row: r.row, col: r.col, line: r.line}] AS cells
  RETURN collect({plan_id: p.plan_id, year: p.year, seq: p.seq, project: p.name, project_id: p.project_id,
                  amount: p.amount, amount_fen: p.amount_fen,
                  relations: reduce(seen = [], c IN cells | CASE WHEN c.relation IN seen THEN seen ELSE seen + c.relation END),
                  cells: cells}) AS projects
}
RETURN o.name AS name, o.kind AS kind, coalesce(o.aliases, []) AS aliases, formerly,
       newer.name AS renamed_to, ren.date AS renamed_on,
       implements, applies_for, implemented_fen, applied_fen, project_count, projects
