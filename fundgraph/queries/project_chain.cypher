// name: project_chain
// description: A project's money back to the top: its own row (level 0), then each row above it that passed the money down (PASSED_DOWN_BY) to the plan allocating it (level -1, -2 …), each with its notice's 文号, date, issuers, the row's amount and its plan's total (万元, exact).
// params: project_id: string = null, max_depth: int = 6 in 1..12
// example: project_id=plan-2024-8bf57d5da1ea/1
// The example is 曲江区's row in tests/fixtures/chain's 韶财农〔2024〕5号: three levels.
// mode: read
MATCH (p:Project {project_id: $project_id})
MATCH path = (p) ((:Project)<-[:ALLOCATES]-(:Plan)<-[:PASSED_DOWN_BY]-(:Project)){0,12}
WHERE length(path) <= 2 * $max_depth
WITH last(nodes(path)) AS row, length(path) / 2 AS up
MATCH (pl:Plan)-[a:ALLOCATES]->(row)
OPTIONAL MATCH (pl)-[:FROM_DOCUMENT]->(d:Document)
RETURN DISTINCT -up AS level, d.wenhao AS wenhao, d.date AS date, d.issuers AS issuers, pl.plan_id AS plan_id,
       row.project_id AS project_id, row.seq AS seq, row.name AS name, row.amount AS amount,
       row.amount_fen AS amount_fen, pl.computed_total AS plan_total, d.doc_id AS doc_id, a.row AS row,
       a.col AS col, a.line AS line
ORDER BY level, project_id
