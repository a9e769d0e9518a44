// name: organization_profile
// description: Everything about one organisation (by name or alias): kind, aliases, renames, counts and money of the projects it applies for or carries out, and the first `limit` of its projects (latest first) with the cells naming it.
// params: name: string, limit: int = 100 in 1..1000
// example: name=广东股交
// mode: read
// The name or any alias through one seek on Alias.name (an alias list can't be indexed).
// Counts and money come from the tallies the writer keeps (fundgraph/graph/tallies.py: per body, plan year and
// relationship type), not from a hub's hundred thousand projects. Its projects are listed latest year first, then by
// plan and 序号. A body with more than 20 × limit projects has them listed from its tallies' first plans (each year's
// keeps its first 50 by plan_id): the latest years' lists, up to the first that is cut (its year has more plans) or
// until `limit` plans, are a prefix of all its plans in that order, so the projects in them are the first ones; when
// they are at least `limit`, only those plans are walked. Otherwise, or for a smaller body, its relationships are.
MATCH (alias:Alias {name: $name})-[:NAMES_ORGANIZATION]->(o:Organization) USING INDEX alias:Alias(name)
WITH o LIMIT 1
OPTIONAL MATCH (o)-[ren:RENAMED_TO]->(newer:Organization)
WITH o, ren, newer, [(older:Organization)-[:RENAMED_TO]->(o) | older.name] AS formerly
CALL (o) {
  OPTIONAL MATCH (t:OrganizationTally {subject: o.org_id})
  WITH sum(CASE t.role WHEN 'IMPLEMENTS' THEN t.n ELSE 0 END) AS implements,
       sum(CASE t.role WHEN 'APPLIED_FOR' THEN t.n ELSE 0 END) AS applies_for,
       sum(CASE t.role WHEN 'IMPLEMENTS' THEN t.fen ELSE 0 END) AS implemented_fen,
       sum(CASE t.role WHEN 'APPLIED_FOR' THEN t.fen ELSE 0 END) AS applied_fen,
       sum(CASE t.role WHEN '*' THEN t.n ELSE 0 END) AS project_count,
       sum(CASE t.role WHEN '+' THEN t.n ELSE 0 END) AS listed
  RETURN implements, applies_for, implemented_fen, applied_fen, project_count,
         CASE WHEN listed > 20 * $limit THEN
           reduce(acc = {plans: [], cut: false},
                  u IN COLLECT { MATCH (u:OrganizationTally {subject: o.org_id, role: '+'})
                                 RETURN u ORDER BY u.year DESC } |
                  CASE WHEN acc.cut THEN acc
                       ELSE {plans: acc.plans + u.plans,
                             cut: u.plan_count > size(u.plans) OR size(acc.plans) + size(u.plans) >= $limit} END).plans
         END AS plans
}
CALL (o, plans) {
  // From each plan to its projects, then to the body: never out from a hub body's relationships. Each project comes
  // with the relationships that reached it, so its cells need no second walk (an Expand(Into) per listed project was
  // 1,289 of the median body's 3,032 db hits at 1M).
  WITH o, COLLECT { UNWIND plans AS plan_id
                    MATCH (pl:Plan {plan_id: plan_id})
                    UNWIND COLLECT { MATCH (pl)-[:ALLOCATES]->(p:Project) RETURN p } AS p
                    MATCH (p)-[r:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(o)
                    WITH p, collect(r) AS rs
                    RETURN {p: p, rs: rs} } AS first
  CALL (o, first) {
    WITH first WHERE size(first) >= $limit
    UNWIND first AS f
    RETURN f.p AS p, f.rs AS rs
    UNION ALL
    WITH o WHERE size(first) < $limit
    MATCH (o)-[r:APPLIED_FOR|IMPLEMENTS|MENTIONS]-(p:Project)
    RETURN p, collect(r) AS rs
  }
  WITH p, rs
  ORDER BY p.year DESC, p.plan_id, toInteger(p.seq), p.project_id
  LIMIT $limit
  // In the order of the document (a pattern's own order is the store's, which a bulk import lays out differently).
  WITH p, COLLECT { UNWIND rs AS r
                   WITH r ORDER BY r.row, r.col, r.line, type(r), r.as_written
                   RETURN {relation: type(r), as_written: r.as_written, doc_id: r.doc_id, row: r.row, col: r.col,
                           line: r.line} } AS cells
  RETURN collect({plan_id: p.plan_id, year: p.year, seq: p.seq, project: p.name, project_id: p.project_id,
                  amount: p.amount, amount_fen: p.amount_fen,
                  relations: reduce(seen = [], c IN cells | CASE WHEN c.relation IN seen THEN seen ELSE seen + c.relation END),
                  cells: cells}) AS projects
}
RETURN o.name AS name, o.kind AS kind, coalesce(o.aliases, []) AS aliases, formerly,
       newer.name AS renamed_to, ren.date AS renamed_on,
       implements, applies_for, implemented_fen, applied_fen, project_count, projects
