// name: duplicate_service
// description: The same service (maintaining, operating, securing, upgrading or building) on the same platform paid for by several projects whose work years are the same or consecutive: possible duplicate funding. One row per platform and service.
// params: year: int = null, plan_id: string = null, max_year_gap: int = 1
// example: year=2024
// mode: read
// A project's work years are the years its own text names (项目（2023年）), else its plan's year. A project is listed
// when another project with the same service on the same platform has a work year within max_year_gap of one of its
// own; a group is reported when one of its projects lies in the plans asked for. Counting years through a histogram
// keeps this linear in the projects of a platform rather than pairing them.
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)-[c:CONCERNS]->(f:Platform)
WHERE c.role IN ['builds', 'operates', 'maintains', 'secures', 'upgrades']
WITH f, c.role AS role, pl, p, c,
     CASE WHEN size(coalesce(p.years_named, [])) > 0 THEN p.years_named ELSE [pl.year] END AS named
WITH f, role, pl, p, c, reduce(own = [], y IN named | CASE WHEN y IN own THEN own ELSE own + y END) AS years
ORDER BY pl.year, pl.plan_id, toInteger(p.seq)
WITH f, role, collect({plan_id: pl.plan_id, plan_year: pl.year, seq: p.seq, project: p.name, amount: p.amount,
                       years: years, evidence: c.evidence, doc_id: c.doc_id, row: c.row, col: c.col, line: c.line,
                       in_scope: ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)})
     AS items
WHERE size(items) > 1
// How many of the items name each work year, counted by aggregation: linear in the items of a hub platform.
CALL (items) {
  UNWIND items AS i
  UNWIND i.years AS y
  WITH y, count(*) AS n
  RETURN collect({year: y, n: n}) AS histogram
}
WITH f, role, [i IN items WHERE
       reduce(n = 0, h IN histogram | n + CASE WHEN any(x IN i.years WHERE abs(x - h.year) <= $max_year_gap)
                                             THEN h.n ELSE 0 END) > size(i.years)] AS projects
WHERE size(projects) > 1 AND any(i IN projects WHERE i.in_scope)
RETURN f.name AS platform, role, size(projects) AS project_count, projects
ORDER BY platform, role
