// name: duplicate_service
// description: The same service (maintaining, operating, securing, upgrading or building) on the same platform paid for by several projects whose work years are the same or consecutive: possible duplicate funding. One row per platform and service: how many projects, their work years, and the first `limit` of them with the cell each mention stands in.
// params: year: int = null, plan_id: string = null, max_year_gap: int = 1, limit: int = 20
// example: year=2024
// mode: read
// A project's work years are the years its own text names (项目（2023年）), else its plan's year. A project counts
// when another project with the same service on the same platform has a work year within max_year_gap of one of its
// own; a group is reported when one of its projects lies in the plans asked for.
// One pass counts the projects of each platform and service by their work years (a group has a handful of such kinds
// however many projects it has), which is all the counting needs; a second pass, one platform at a time, lists the
// first `limit` projects of each group. Nothing holds more than one platform's projects: a hub has tens of thousands.
MATCH (p:Project)-[c:CONCERNS]->(f:Platform)
WHERE c.role IN ['builds', 'operates', 'maintains', 'secures', 'upgrades']
WITH f, c.role AS role, ($year IS NULL OR p.year = $year) AND ($plan_id IS NULL OR p.plan_id = $plan_id) AS in_scope,
     reduce(own = [], y IN CASE WHEN size(coalesce(p.years_named, [])) > 0 THEN p.years_named ELSE [p.year] END |
       CASE WHEN y IN own THEN own ELSE own + y END) AS years
WITH f, role, years, count(*) AS n, sum(CASE WHEN in_scope THEN 1 ELSE 0 END) AS scoped
WITH f, role, collect({years: years, n: n, scoped: scoped}) AS kinds
WHERE reduce(t = 0, k IN kinds | t + k.n) > 1
WITH f, role, kinds, reduce(all = [], k IN kinds | all + [y IN k.years WHERE NOT y IN all]) AS years
WITH f, role, kinds,
     [y IN years | {year: y, n: reduce(t = 0, k IN kinds | t + CASE WHEN y IN k.years THEN k.n ELSE 0 END)}] AS histogram
// A kind's own years count once each per project in the histogram: more than that is another project's.
WITH f, role, [k IN kinds WHERE
       reduce(t = 0, h IN histogram | t + CASE WHEN any(x IN k.years WHERE abs(x - h.year) <= $max_year_gap)
                                          THEN h.n ELSE 0 END) > k.n * size(k.years)
       OR k.n > 1] AS duplicated
WITH f, role, duplicated, reduce(t = 0, k IN duplicated | t + k.n) AS project_count
WHERE project_count > 1 AND reduce(t = 0, k IN duplicated | t + k.scoped) > 0
CALL (duplicated) {
  UNWIND duplicated AS k
  UNWIND k.years AS y
  WITH DISTINCT y
  ORDER BY y
  RETURN collect(y) AS work_years
}
WITH f, collect({role: role, project_count: project_count, work_years: work_years,
                 kinds: [k IN duplicated | k.years]}) AS groups
CALL (f, groups) {
  MATCH (p:Project)-[c:CONCERNS]->(f)
  WITH p, c, [g IN groups WHERE g.role = c.role] AS mine
  WHERE size(mine) > 0
  WITH p, c, mine[0] AS g,
       reduce(own = [], y IN CASE WHEN size(coalesce(p.years_named, [])) > 0 THEN p.years_named ELSE [p.year] END |
         CASE WHEN y IN own THEN own ELSE own + y END) AS years
  WHERE years IN g.kinds
  WITH g, p, c, years
  ORDER BY p.year, p.plan_id, toInteger(p.seq)
  WITH g, collect({p: p, c: c, years: years})[..$limit] AS first
  RETURN g.role AS role, g.project_count AS project_count, g.work_years AS work_years,
         [x IN first | {plan_id: x.p.plan_id, project_id: x.p.project_id, plan_year: x.p.year, seq: x.p.seq, project: x.p.name, amount: x.p.amount,
                        years: x.years, evidence: x.c.evidence, doc_id: x.c.doc_id, row: x.c.row, col: x.c.col,
                        line: x.c.line,
                        in_scope: ($year IS NULL OR x.p.year = $year) AND ($plan_id IS NULL OR x.p.plan_id = $plan_id)}]
         AS projects
}
RETURN f.name AS platform, f.source AS platform_source, role, project_count, work_years, projects
ORDER BY platform, role
