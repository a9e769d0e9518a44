// name: duplicate_service
// description: The same service (maintaining, operating, securing, upgrading or building) on the same platform paid for by several projects whose work years are the same or consecutive: possible duplicate funding. One row per platform and service, the most projects first: how many projects, their work years, and the first `limit` of them with the cell each mention stands in.
// params: year: int = null, plan_id: string = null, max_year_gap: int = 1 in 0..100, limit: int = 20 in 1..1000, service_roles: list = [builds, operates, maintains, secures, upgrades]
// example: year=2024
// mode: read
// A project's work years are the years its own text names (项目（2023年）), else its plan's year. A project counts
// when another project with the same service on the same platform has a work year within max_year_gap of one of its
// own; a group is reported when one of its projects lies in the plans asked for.
// Read from the tallies the writer keeps (fundgraph/graph/tallies.py). At the default gap, over every plan or a year,
// each platform and service's answer is kept whole (`span: all`: its duplicated projects, their plan years and work
// years), and an index on `duplicated` finds the groups to report without reading the others. Another gap, or one
// plan, counts from the rows per plan year and work years (a few tens of thousands at a million projects, not the
// million relationships). A group a load has marked `stale` (its rows per year changed, its answer not yet counted
// again) is counted from its rows per year too, never read from its stale answer.
CALL () {
  MATCH (g:PlatformTally)
  WHERE $max_year_gap = 1 AND $plan_id IS NULL AND g.duplicated > 1 AND ($year IS NULL OR $year IN g.dup_years)
    AND g.stale IS NULL
  RETURN g.subject AS platform_id, g.role AS role, g.duplicated AS project_count, g.work_years AS work_years,
         g.dup_kinds AS kinds
  UNION
  WITH 1 AS counted
  WHERE NOT ($max_year_gap = 1 AND $plan_id IS NULL) OR EXISTS { (:PlatformTally {stale: true}) }
  CALL () {
    OPTIONAL MATCH (pl:Plan {plan_id: $plan_id})-[:ALLOCATES]->(p:Project)-[c:CONCERNS]->(f:Platform)
    WHERE c.role IN $service_roles AND ($year IS NULL OR pl.year = $year)
    WITH f, c, COLLECT { UNWIND CASE WHEN size(coalesce(p.years_named, [])) > 0 THEN p.years_named ELSE [p.year] END AS y
                         WITH y WHERE y IS NOT NULL RETURN DISTINCT y ORDER BY y } AS years
    RETURN collect(DISTINCT [f.platform_id, c.role, years]) AS in_plan
  }
  CALL () {
    MATCH (t:PlatformTally)
    WHERE NOT ($max_year_gap = 1 AND $plan_id IS NULL)
      AND t.span IS NULL AND t.role IN $service_roles
    RETURN t
    UNION
    MATCH (g:PlatformTally {stale: true})
    WHERE $max_year_gap = 1 AND $plan_id IS NULL AND g.role IN $service_roles
    MATCH (t:PlatformTally {subject: g.subject})
    WHERE t.role = g.role AND t.span IS NULL
    RETURN t
  }
  WITH t.subject AS platform_id, t.role AS role, coalesce(t.years, []) AS years, sum(t.n) AS n,
       sum(CASE WHEN $plan_id IS NULL THEN CASE WHEN $year IS NULL OR t.year = $year THEN t.n ELSE 0 END
                WHEN [t.subject, t.role, coalesce(t.years, [])] IN in_plan THEN 1 ELSE 0 END) AS scoped
  WITH platform_id, role, collect({years: years, n: n, scoped: scoped}) AS kinds
  WHERE reduce(t = 0, k IN kinds | t + k.n) > 1
  WITH platform_id, role, kinds, reduce(all = [], k IN kinds | all + [y IN k.years WHERE NOT y IN all]) AS years
  WITH platform_id, role, kinds,
       [y IN years | {year: y, n: reduce(t = 0, k IN kinds | t + CASE WHEN y IN k.years THEN k.n ELSE 0 END)}] AS histogram
  // A kind's own years count once each per project in the histogram: more than that is another project's.
  WITH platform_id, role, [k IN kinds WHERE
         reduce(t = 0, h IN histogram | t + CASE WHEN any(x IN k.years WHERE abs(x - h.year) <= $max_year_gap)
                                            THEN h.n ELSE 0 END) > k.n * size(k.years)
         OR k.n > 1] AS duplicated
  WITH platform_id, role, duplicated, reduce(t = 0, k IN duplicated | t + k.n) AS project_count
  WHERE project_count > 1 AND reduce(t = 0, k IN duplicated | t + k.scoped) > 0
  RETURN platform_id, role, project_count,
         COLLECT { UNWIND duplicated AS k UNWIND k.years AS y RETURN DISTINCT y ORDER BY y } AS work_years,
         [k IN duplicated | reduce(s = '', y IN k.years | s + toString(y) + ',')] AS kinds
}
// Ties in platform id order (its folded name), then role: ordered and paged on the groups' own rows, so that a page
// reads the nodes of its platforms only.
WITH platform_id, role, project_count, work_years, kinds
ORDER BY project_count DESC, platform_id, role
// page: the groups above are counted and paged; the first projects are gathered for a page's groups only.
MATCH (f:Platform {platform_id: platform_id})
// The first `limit` projects of a group lie in its first `limit` plans, which its tallies keep (50 a year and work
// years). Listing walks those plans when the platform has more relationships than 20 × limit (about what `limit`
// plans hold), since even a small group's platform may hold thousands in other roles and years; a platform with
// fewer, its relationships. Either way a group costs at most a few hundred reads (the first 1,000 groups at 1M: 3.8 s
// → 1.8 s). A `limit` above 50 walks the relationships.
CALL (f, role, kinds) {
  CALL (f, role, kinds) {
    WITH f, role, kinds WHERE $limit <= 50 AND COUNT { (f)<-[:CONCERNS]-() } > 20 * $limit
    MATCH (t:PlatformTally {subject: f.platform_id})
    WHERE t.role = role AND t.span IS NULL AND reduce(s = '', y IN coalesce(t.years, []) | s + toString(y) + ',') IN kinds
    UNWIND t.plans AS plan_id
    WITH DISTINCT f, role, t.year AS year, plan_id ORDER BY year, plan_id LIMIT $limit
    // From the plan to its projects, then into the platform: never out from a hub platform's relationships.
    MATCH (pl:Plan {plan_id: plan_id})
    UNWIND COLLECT { MATCH (pl)-[:ALLOCATES]->(p:Project) RETURN p } AS p
    MATCH (p)-[c:CONCERNS {role: role}]->(f)
    RETURN p, c
    UNION
    WITH f, role WHERE $limit > 50 OR COUNT { (f)<-[:CONCERNS]-() } <= 20 * $limit
    MATCH (p:Project)-[c:CONCERNS {role: role}]->(f)
    RETURN p, c
  }
  WITH p, c, COLLECT { UNWIND CASE WHEN size(coalesce(p.years_named, [])) > 0 THEN p.years_named ELSE [p.year] END AS y
                       WITH y WHERE y IS NOT NULL RETURN DISTINCT y ORDER BY y } AS years
  WHERE reduce(s = '', y IN years | s + toString(y) + ',') IN kinds
  WITH p, c, years
  ORDER BY p.year, p.plan_id, toInteger(p.seq), p.project_id, c.row, c.col, c.line, c.field, c.as_written
  LIMIT $limit
  RETURN collect({plan_id: p.plan_id, project_id: p.project_id, plan_year: p.year, seq: p.seq, project: p.name,
                  amount: p.amount, years: years, evidence: c.evidence, doc_id: c.doc_id, row: c.row, col: c.col,
                  line: c.line,
                  in_scope: ($year IS NULL OR p.year = $year) AND ($plan_id IS NULL OR p.plan_id = $plan_id)})
         AS projects
}
RETURN f.name AS platform, f.source AS platform_source, role, project_count, work_years, projects
