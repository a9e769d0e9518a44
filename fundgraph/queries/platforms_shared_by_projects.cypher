// name: platforms_shared_by_projects
// description: Platforms that two or more projects pay for, the most projects first: how many, for how much, with which roles and in which years, and the first `limit` of the projects with their roles, amounts and the cell each mention stands in.
// params: year: int = null, plan_id: string = null, min_projects: int = 2 in 1..1000000, limit: int = 20 in 1..1000, hosting_role: string = hosted_on
// example: year=2024
// mode: read
// Across plans the counts come from the tallies the writer keeps (fundgraph/graph/tallies.py): role `*` counts each
// project once whatever its roles, with its money, per plan year and over all years (`span: all`); an index on role
// and year (or span and role) finds them. Within one plan, from the plan's own projects.
CALL () {
  // Over every year: an empty list when a year or a plan is asked for, so that no row is read.
  UNWIND CASE WHEN $plan_id IS NULL AND $year IS NULL THEN ['all'] ELSE [] END AS span
  MATCH (g:PlatformTally {span: span, role: '*'})
  WHERE g.n >= $min_projects AND g.stale IS NULL
  RETURN g.subject AS platform_id, g.n AS project_count, g.fen AS amount_fen, null AS roles, null AS years
  UNION
  // A platform a load has marked stale (its rows per year changed, its sum over all years not yet counted again):
  // summed from its rows per year.
  UNWIND CASE WHEN $plan_id IS NULL AND $year IS NULL THEN [true] ELSE [] END AS stale
  MATCH (g:PlatformTally {stale: stale})
  WHERE g.role = '*'
  MATCH (t:PlatformTally {subject: g.subject})
  WHERE t.role = '*' AND t.span IS NULL
  WITH g.subject AS platform_id, sum(t.n) AS project_count, sum(t.fen) AS amount_fen
  WHERE project_count >= $min_projects
  RETURN platform_id, project_count, amount_fen, null AS roles, null AS years
  UNION
  MATCH (t:PlatformTally {role: '*', year: $year})
  WHERE $plan_id IS NULL AND t.span IS NULL AND t.n >= $min_projects
  RETURN t.subject AS platform_id, t.n AS project_count, t.fen AS amount_fen, null AS roles, [$year] AS years
  UNION
  MATCH (pl:Plan {plan_id: $plan_id})-[:ALLOCATES]->(p:Project)-[c:CONCERNS]->(f:Platform)
  WHERE c.role <> $hosting_role AND ($year IS NULL OR pl.year = $year)
  WITH pl, f, p, collect(DISTINCT c.role) AS roles
  WITH pl, f, count(p) AS project_count, sum(p.amount_fen) AS amount_fen, collect(roles) AS roles
  WHERE project_count >= $min_projects
  RETURN f.platform_id AS platform_id, project_count, amount_fen,
         COLLECT { UNWIND roles AS r UNWIND r AS x RETURN DISTINCT x ORDER BY x } AS roles, [pl.year] AS years
}
// Ties in platform id order (its folded name): ordered and paged on the tallies' own rows, so that a page reads the
// nodes of its hundred platforms, not of the tens of thousands counted.
WITH platform_id, project_count, amount_fen, roles, years
ORDER BY project_count DESC, platform_id
// page: the platforms above are counted and paged; roles, years and first projects are gathered for a page's only.
MATCH (f:Platform {platform_id: platform_id})
// The first `limit` projects lie in the first `limit` plans the platform's `*` tallies keep (50 a year). Listing
// walks those plans when the platform has more relationships than 20 × limit (about what `limit` plans hold), not a
// hub's tens of thousands of projects in every role and year; a platform with fewer, its relationships. Either way
// a group costs at most a few hundred reads (the first 1,000 groups at 1M: 3.4 s → 1.3 s). One plan's list walks
// from the plan; a `limit` above 50, the relationships.
WITH f, project_count, amount_fen,
     coalesce(roles, COLLECT { MATCH (t:PlatformTally {subject: f.platform_id})
                               WHERE t.role <> '*' AND CASE WHEN $year IS NULL
                                 THEN t.span = 'all' AND (t.stale IS NULL OR EXISTS {
                                   MATCH (u:PlatformTally {subject: t.subject}) WHERE u.role = t.role AND u.span IS NULL })
                                 ELSE t.year = $year AND t.span IS NULL END
                               RETURN DISTINCT t.role AS role ORDER BY role }) AS roles,
     coalesce(years, COLLECT { MATCH (t:PlatformTally {subject: f.platform_id})
                               WHERE t.role = '*' AND t.span IS NULL AND t.year IS NOT NULL
                               RETURN DISTINCT t.year AS year ORDER BY year }) AS years
CALL (f) {
  CALL (f) {
    WITH f WHERE $plan_id IS NULL AND $limit <= 50 AND COUNT { (f)<-[:CONCERNS]-() } > 20 * $limit
    MATCH (t:PlatformTally {subject: f.platform_id})
    WHERE t.role = '*' AND t.span IS NULL AND ($year IS NULL OR t.year = $year)
    UNWIND t.plans AS plan_id
    WITH DISTINCT f, t.year AS year, plan_id ORDER BY year, plan_id LIMIT $limit
    // From the plan to its projects, then into the platform: never out from a hub platform's relationships.
    MATCH (pl:Plan {plan_id: plan_id})
    UNWIND COLLECT { MATCH (pl)-[:ALLOCATES]->(p:Project) RETURN p } AS p
    MATCH (p)-[c:CONCERNS]->(f)
    WHERE c.role <> $hosting_role AND ($year IS NULL OR p.year = $year)
    RETURN DISTINCT p
    UNION
    // One plan's: from the plan, whatever the platform's size.
    WITH f WHERE $plan_id IS NOT NULL
    MATCH (:Plan {plan_id: $plan_id})-[:ALLOCATES]->(p:Project)-[c:CONCERNS]->(f)
    WHERE c.role <> $hosting_role AND ($year IS NULL OR p.year = $year)
    RETURN DISTINCT p
    UNION
    WITH f WHERE $plan_id IS NULL AND ($limit > 50 OR COUNT { (f)<-[:CONCERNS]-() } <= 20 * $limit)
    MATCH (p:Project)-[c:CONCERNS]->(f)
    // The year first: a cheap property of the project, where the role needs the relationship's.
    WHERE ($year IS NULL OR p.year = $year) AND c.role <> $hosting_role
    RETURN DISTINCT p
  }
  WITH p ORDER BY p.year, p.plan_id, toInteger(p.seq), p.project_id
  LIMIT $limit
  // In the order of the document (a pattern's own order is the store's, which a bulk import lays out differently).
  WITH p, COLLECT { MATCH (p)-[c:CONCERNS]->(f) WHERE c.role <> $hosting_role
                   RETURN c ORDER BY c.row, c.col, c.line, c.field, c.role, c.as_written } AS mentions
  WITH p, reduce(seen = [], c IN mentions | CASE WHEN c.role IN seen THEN seen ELSE seen + c.role END) AS roles,
       mentions[0] AS cell
  RETURN collect({plan_id: p.plan_id, project_id: p.project_id, year: p.year, seq: p.seq, project: p.name, amount: p.amount,
                  amount_fen: p.amount_fen, roles: roles, as_written: cell.as_written, field: cell.field,
                  evidence: cell.evidence, doc_id: cell.doc_id, row: cell.row, col: cell.col, line: cell.line})
         AS projects
}
RETURN f.name AS platform, f.source AS platform_source, project_count, amount_fen, roles, years, projects
