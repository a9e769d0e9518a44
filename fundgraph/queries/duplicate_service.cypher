// name: duplicate_service
// description: The same service (maintaining, operating, securing, upgrading or building) on the same platform paid for by several projects whose work years are the same or consecutive: possible duplicate funding. One row per platform and service: how many projects, their work years, and the first `limit` of them with the cell each mention stands in.
// params: year: int = null, plan_id: string = null, max_year_gap: int = 1, limit: int = 200
// example: year=2024
// mode: read
// A project's work years are the years its own text names (项目（2023年）), else its plan's year. A project counts
// when another project with the same service on the same platform has a work year within max_year_gap of one of its
// own; a group is reported when one of its projects lies in the plans asked for.
// Three passes, none holding a hub's projects at once: a histogram of work years per platform and service by
// aggregation; then, per group, the projects that the histogram shows to have a neighbour, counted; then the first
// `limit` of them listed. A hub platform is paid for by tens of thousands of projects.
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[c:CONCERNS]->(f:Platform)
WHERE c.role IN ['builds', 'operates', 'maintains', 'secures', 'upgrades']
WITH f, c.role AS role, ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id) AS in_scope,
     reduce(own = [], y IN CASE WHEN size(coalesce(p.years_named, [])) > 0 THEN p.years_named ELSE [pl.year] END |
       CASE WHEN y IN own THEN own ELSE own + y END) AS years
UNWIND years AS y
WITH f, role, y, count(*) AS n, sum(CASE WHEN in_scope THEN 1 ELSE 0 END) AS scoped
WITH f, role, collect({year: y, n: n}) AS histogram, sum(n) AS mentions, sum(scoped) AS in_scope_mentions
WHERE mentions > 1 AND in_scope_mentions > 0
CALL (f, role, histogram) {
  MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[c:CONCERNS {role: role}]->(f)
  WITH pl, reduce(own = [], y IN CASE WHEN size(coalesce(p.years_named, [])) > 0 THEN p.years_named ELSE [pl.year] END |
         CASE WHEN y IN own THEN own ELSE own + y END) AS years
  // Its own years count once each in the histogram: more than that is another project's.
  WHERE reduce(n = 0, h IN histogram | n + CASE WHEN any(x IN years WHERE abs(x - h.year) <= $max_year_gap)
                                             THEN h.n ELSE 0 END) > size(years)
  WITH years, ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id) AS in_scope
  WITH count(*) AS project_count, sum(CASE WHEN in_scope THEN 1 ELSE 0 END) AS scoped,
       collect(DISTINCT years) AS year_sets
  UNWIND year_sets AS own
  UNWIND own AS y
  WITH DISTINCT project_count, scoped, y
  ORDER BY y
  RETURN project_count, scoped, collect(y) AS work_years
}
WITH f, role, histogram, project_count, work_years WHERE project_count > 1 AND scoped > 0
CALL (f, role, histogram) {
  MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[c:CONCERNS {role: role}]->(f)
  WITH pl, p, c, reduce(own = [], y IN CASE WHEN size(coalesce(p.years_named, [])) > 0 THEN p.years_named ELSE [pl.year] END |
         CASE WHEN y IN own THEN own ELSE own + y END) AS years
  WHERE reduce(n = 0, h IN histogram | n + CASE WHEN any(x IN years WHERE abs(x - h.year) <= $max_year_gap)
                                             THEN h.n ELSE 0 END) > size(years)
  WITH pl, p, c, years
  ORDER BY pl.year, pl.plan_id, toInteger(p.seq)
  LIMIT $limit
  RETURN collect({plan_id: pl.plan_id, plan_year: pl.year, seq: p.seq, project: p.name, amount: p.amount,
                  years: years, evidence: c.evidence, doc_id: c.doc_id, row: c.row, col: c.col, line: c.line,
                  in_scope: ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)})
         AS projects
}
RETURN f.name AS platform, role, project_count, work_years, projects
ORDER BY platform, role
