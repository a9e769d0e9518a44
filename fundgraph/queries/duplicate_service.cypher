// name: duplicate_service
// description: The same service (maintaining, operating, securing, upgrading or building) on the same platform paid for by two projects whose work years are the same or consecutive: possible duplicate funding.
// params: year: int = null, plan_id: string = null, max_year_gap: int = 1
// example: year=2024
// mode: read
// A project's work years are the years its own text names (项目（2023年）), else its plan's year.
MATCH (pa:Plan)-[:ALLOCATES]->(a:Project)-[ca:CONCERNS]->(f:Platform)<-[cb:CONCERNS]-(b:Project)<-[:ALLOCATES]-(pb:Plan)
WHERE ca.role = cb.role AND ca.role IN ['builds', 'operates', 'maintains', 'secures', 'upgrades']
  AND a.project_id < b.project_id
  AND ($year IS NULL OR pa.year = $year OR pb.year = $year)
  AND ($plan_id IS NULL OR pa.plan_id = $plan_id OR pb.plan_id = $plan_id)
WITH f, ca, cb, a, b, pa, pb,
     CASE WHEN size(coalesce(a.years_named, [])) > 0 THEN a.years_named ELSE [pa.year] END AS years_a,
     CASE WHEN size(coalesce(b.years_named, [])) > 0 THEN b.years_named ELSE [pb.year] END AS years_b
WHERE any(x IN years_a WHERE any(y IN years_b WHERE abs(x - y) <= $max_year_gap))
RETURN f.name AS platform, ca.role AS role,
       pa.plan_id AS plan_a, pa.year AS plan_year_a, a.seq AS seq_a, a.name AS project_a, a.amount AS amount_a,
       years_a, ca.evidence AS evidence_a, ca.doc_id AS doc_a, ca.row AS row_a, ca.col AS col_a, ca.line AS line_a,
       pb.plan_id AS plan_b, pb.year AS plan_year_b, b.seq AS seq_b, b.name AS project_b, b.amount AS amount_b,
       years_b, cb.evidence AS evidence_b, cb.doc_id AS doc_b, cb.row AS row_b, cb.col AS col_b, cb.line AS line_b
ORDER BY platform, role, plan_a, toInteger(seq_a), toInteger(seq_b)
