// name: concentration
// description: Money per group with shares, and the whole's HHI (0-10,000 scale), CR1, CR3, CR5, Gini and a small-N warning. by = applicant | implementer | platform | service_type | region | approval.
// params: by: string = implementer, year: int = null, plan_id: string = null, canonical: bool = true, split: string = equal, hosting_role: string = hosted_on
// example: by=implementer year=2024
// mode: read
// canonical = true groups organisations by canonical name, renamed bodies under their latest name; false, by the
// names as written. A project in several groups (platforms, services, regions): split = equal divides its 分 exactly
// among them (the first groups by name take the odd 分), so shares add up to 1; split = none counts its whole amount in
// each group, shares are of the money involved and HHI, CR and Gini are not given. A project in no group is '(none)'.
// Most bodies were never renamed: a cheap test of that spares the walk to the latest name.
// Platforms count the projects that build, run, maintain, secure, upgrade or integrate them, not those hosted on them.
// Applicants and implementers over every plan or a year, by canonical name, come from the bodies' tallies
// (fundgraph/graph/tallies.py: per body, plan year and relationship, projects and money) and the plans' own counts
// ('(none)' is what the plans hold beyond the bodies'): a body is one group per project, so no project's money is
// split. Platforms over every plan or a year likewise, from the platforms' tallies of projects whatever their role
// (`*`), which also keep each project's share when split equally by name (`split_fen`) and the projects of which
// the platform is the first by name (`firsts`: so the projects with any platform are counted once). Anything else
// walks the projects.
CALL () {
  WITH CASE $by WHEN 'applicant' THEN 'APPLIED_FOR' WHEN 'implementer' THEN 'IMPLEMENTS' WHEN 'platform' THEN '*' END
       AS role
  WHERE $plan_id IS NULL AND (role = '*' OR (role IS NOT NULL AND $canonical))
  // Each tally's money in its group (`fen`), and what it adds to the whole: its money taken once a project
  // (`whole`) and its projects taken once (`firsts`) — a body's are its own, a platform's the projects of which it
  // is the first by name.
  CALL (role) {
    CALL (role) {
      // A year seeks the tallies' (role, year) index. `$year IS NULL OR t.year = $year` scans every tally (900k at
      // 1M), and so does a branch behind `WITH … WHERE $year IS NULL` (the planner tests it after the scan): an
      // empty UNWIND is what keeps the branch not taken from running.
      CALL (role) {
        UNWIND CASE WHEN role <> '*' AND $year IS NULL THEN [role] ELSE [] END AS r
        MATCH (t:OrganizationTally {role: r})
        RETURN t
        UNION ALL
        UNWIND CASE WHEN role <> '*' AND $year IS NOT NULL THEN [role] ELSE [] END AS r
        MATCH (t:OrganizationTally {role: r, year: $year})
        RETURN t
      }
      MATCH (o:Organization {org_id: t.subject})
      RETURN CASE WHEN NOT (o)-[:RENAMED_TO]->() THEN o.name
        ELSE coalesce(head([(o)-[:RENAMED_TO*1..5]->(l:Organization) WHERE NOT (l)-[:RENAMED_TO]->() | l.name]), o.name)
      END AS grp, t.fen AS fen, t.n AS n, t.fen AS whole, t.n AS firsts
      UNION ALL
      CALL (role) {
        UNWIND CASE WHEN role = '*' AND $year IS NULL THEN [role] ELSE [] END AS r
        MATCH (t:PlatformTally {role: r})
        WHERE t.span IS NULL
        RETURN t
        UNION ALL
        UNWIND CASE WHEN role = '*' AND $year IS NOT NULL THEN [role] ELSE [] END AS r
        MATCH (t:PlatformTally {role: r, year: $year})
        WHERE t.span IS NULL
        RETURN t
      }
      MATCH (f:Platform {platform_id: t.subject})
      RETURN f.name AS grp, CASE WHEN $split = 'none' THEN t.fen ELSE t.split_fen END AS fen, t.n AS n,
             t.split_fen AS whole, t.firsts AS firsts
    }
    RETURN collect({grp: grp, fen: fen, n: n, whole: whole, firsts: firsts}) AS named
  }
  CALL () {
    MATCH (pl:Plan)
    WHERE pl.version IS NOT NULL AND ($year IS NULL OR pl.year = $year)
    RETURN sum(pl.computed_total_fen) AS total_fen, sum(pl.project_count) AS projects
  }
  // '(none)': what the plans hold beyond the groups'.
  WITH named, total_fen - reduce(t = 0, g IN named | t + g.whole) AS none_fen,
       projects - reduce(t = 0, g IN named | t + g.firsts) AS none_n
  UNWIND named + [{grp: '(none)', fen: none_fen, n: none_n, whole: none_fen, firsts: none_n}] AS g
  WITH g.grp AS grp, sum(g.fen) AS fen, sum(g.n) AS n, sum(g.whole) AS whole, sum(g.firsts) AS firsts
  WHERE n > 0
  RETURN grp, fen, n, whole, firsts
  UNION ALL
  WITH 1 AS walked
  WHERE NOT ($plan_id IS NULL AND ($by = 'platform' OR ($by IN ['applicant', 'implementer'] AND $canonical)))
  MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)
  WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
  WITH p, CASE $by
    WHEN 'applicant' THEN [(o:Organization)-[r:APPLIED_FOR]->(p) |
      CASE WHEN NOT $canonical THEN r.as_written
        WHEN NOT (o)-[:RENAMED_TO]->() THEN o.name
        ELSE coalesce(head([(o)-[:RENAMED_TO*1..5]->(l:Organization) WHERE NOT (l)-[:RENAMED_TO]->() | l.name]), o.name)
      END]
    WHEN 'implementer' THEN [(o:Organization)-[r:IMPLEMENTS]->(p) |
      CASE WHEN NOT $canonical THEN r.as_written
        WHEN NOT (o)-[:RENAMED_TO]->() THEN o.name
        ELSE coalesce(head([(o)-[:RENAMED_TO*1..5]->(l:Organization) WHERE NOT (l)-[:RENAMED_TO]->() | l.name]), o.name)
      END]
    WHEN 'platform' THEN [(p)-[c:CONCERNS]->(f:Platform) WHERE c.role <> $hosting_role | f.name]
    WHEN 'service_type' THEN [(p)-[:PROVIDES]->(s:ServiceType) | s.name]
    WHEN 'region' THEN [(p)-[:IN_REGION]->(r:Region) | r.name]
    WHEN 'approval' THEN [p.approval]
  END AS found
  WITH p, [g IN found WHERE g IS NOT NULL] AS found
  WITH p, reduce(own = [], g IN CASE WHEN size(found) = 0 THEN ['(none)'] ELSE found END |
         CASE WHEN g IN own THEN own ELSE own + g END) AS groups
  // A project's place among its own groups by name (the first take the odd 分), found without sorting all the rows;
  // its whole money and its count are taken once, on its first group, so the total needs no second pass.
  UNWIND groups AS grp
  WITH grp, p, size(groups) AS k, size([x IN groups WHERE x < grp]) AS i
  WITH grp, p, i,
       CASE WHEN $split = 'none' THEN p.amount_fen
            ELSE p.amount_fen / k + CASE WHEN i < p.amount_fen % k THEN 1 ELSE 0 END END AS fen
  RETURN grp, sum(fen) AS fen, count(*) AS n, sum(CASE WHEN i = 0 THEN p.amount_fen ELSE 0 END) AS whole,
       sum(CASE WHEN i = 0 THEN 1 ELSE 0 END) AS firsts
}
WITH grp, fen, n, whole, firsts
ORDER BY fen DESC, grp
WITH collect({grp: grp, fen: fen, n: n}) AS groups, sum(whole) AS total, sum(firsts) AS project_count
WITH groups, project_count, total, size(groups) AS k,
     [g IN groups | CASE WHEN total = 0 THEN 0.0 ELSE toFloat(g.fen) / total END] AS shares
WITH groups, project_count, total, k, shares,
     reduce(h = 0.0, s IN shares | h + (100 * s) ^ 2) AS hhi,
     // In floating point: (k - i) × 分 overflows a long at a million projects (tens of thousands of groups).
     reduce(acc = 0.0, i IN range(0, k - 1) | acc + toFloat(k - i) * groups[i].fen) AS weighted
UNWIND range(0, k - 1) AS i
WITH groups[i] AS g, shares[i] AS share, i + 1 AS rank, total, project_count, k, shares, hhi, weighted,
     $split = 'none' AS overlapping
RETURN g.grp AS group,
       toString(g.fen / 1000000) + CASE WHEN g.fen % 1000000 = 0 THEN '' ELSE '.' + reduce(s = right('00000' + toString(g.fen % 1000000), 6), x IN range(1, 6) | CASE WHEN s ENDS WITH '0' THEN left(s, size(s) - 1) ELSE s END) END AS amount,
       g.fen AS amount_fen, share, rank, g.n AS n,
       toString(total / 1000000) + CASE WHEN total % 1000000 = 0 THEN '' ELSE '.' + reduce(s = right('00000' + toString(total % 1000000), 6), x IN range(1, 6) | CASE WHEN s ENDS WITH '0' THEN left(s, size(s) - 1) ELSE s END) END AS total,
       CASE WHEN overlapping THEN null ELSE round(hhi, 1) END AS hhi,
       CASE WHEN overlapping THEN null ELSE shares[0] END AS cr1,
       CASE WHEN overlapping THEN null ELSE reduce(c = 0.0, s IN shares[0..3] | c + s) END AS cr3,
       CASE WHEN overlapping THEN null ELSE reduce(c = 0.0, s IN shares[0..5] | c + s) END AS cr5,
       CASE WHEN overlapping OR k < 2 OR total = 0 THEN null ELSE 2.0 * weighted / (toFloat(k) * total) - (k + 1.0) / k END AS gini,
       CASE WHEN k < 5 OR project_count < 10
            THEN 'only ' + k + ' groups over ' + project_count + ' projects: shares, HHI and Gini mean little'
       END AS warning
ORDER BY rank
