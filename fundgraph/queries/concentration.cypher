// name: concentration
// description: Money per group (by = applicant | implementer | approval) with shares, and the whole's HHI (0-10,000 scale), CR1, CR3, CR5, Gini and a small-N warning.
// params: by: string = implementer, year: int = null, plan_id: string = null, canonical: bool = true
// example: by=implementer year=2024
// mode: read
// canonical = true groups organisations by canonical name, renamed bodies under their latest name;
// canonical = false groups them by the names as written in the plans.
MATCH (pl:Plan)-[:ALLOCATES]->(p:Project)
WHERE ($year IS NULL OR pl.year = $year) AND ($plan_id IS NULL OR pl.plan_id = $plan_id)
OPTIONAL MATCH (o:Organization)-[r:APPLIED_FOR|IMPLEMENTS]->(p)
  WHERE ($by = 'applicant' AND type(r) = 'APPLIED_FOR') OR ($by = 'implementer' AND type(r) = 'IMPLEMENTS')
OPTIONAL MATCH (o)-[:RENAMED_TO*1..5]->(latest:Organization) WHERE NOT (latest)-[:RENAMED_TO]->()
WITH p, coalesce(CASE
       WHEN $by = 'approval' THEN p.approval
       WHEN $canonical THEN coalesce(latest.name, o.name)
       ELSE r.as_written END, '(none)') AS grp
WITH grp, sum(p.amount_fen) AS fen, count(DISTINCT p) AS n
ORDER BY fen DESC, grp
WITH collect({grp: grp, fen: fen, n: n}) AS groups, sum(fen) AS total, sum(n) AS projects
WITH groups, total, projects, size(groups) AS k, [g IN groups | toFloat(g.fen) / total] AS shares
WITH groups, total, projects, k, shares,
     reduce(h = 0.0, s IN shares | h + (100 * s) ^ 2) AS hhi,
     reduce(acc = 0.0, i IN range(0, k - 1) | acc + (k - i) * groups[i].fen) AS weighted
UNWIND range(0, k - 1) AS i
WITH groups[i] AS g, shares[i] AS share, i + 1 AS rank, total, projects, k, shares, hhi, weighted
RETURN g.grp AS group,
       toString(g.fen / 1000000) + CASE WHEN g.fen % 1000000 = 0 THEN '' ELSE '.' + reduce(s = right('00000' + toString(g.fen % 1000000), 6), x IN range(1, 6) | CASE WHEN s ENDS WITH '0' THEN left(s, size(s) - 1) ELSE s END) END AS amount,
       g.fen AS amount_fen, share, rank, g.n AS n,
       toString(total / 1000000) + CASE WHEN total % 1000000 = 0 THEN '' ELSE '.' + reduce(s = right('00000' + toString(total % 1000000), 6), x IN range(1, 6) | CASE WHEN s ENDS WITH '0' THEN left(s, size(s) - 1) ELSE s END) END AS total,
       round(hhi, 1) AS hhi, shares[0] AS cr1,
       reduce(c = 0.0, s IN shares[0..3] | c + s) AS cr3,
       reduce(c = 0.0, s IN shares[0..5] | c + s) AS cr5,
       CASE WHEN k < 2 THEN 0.0 ELSE 2.0 * weighted / (k * total) - (k + 1.0) / k END AS gini,
       CASE WHEN k < 5 OR projects < 10
            THEN 'only ' + k + ' groups over ' + projects + ' projects: shares, HHI and Gini mean little'
       END AS warning
ORDER BY rank
