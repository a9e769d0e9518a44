// name: chain
// description: A notice's chain by 文号: the notices it cites, up to the top (level -1, -2 …), and the notices citing it, down (level 1, 2 …), each level with its 文号, date, issuers and total (its plans' computed totals, 万元, exact); a cited notice not loaded is a level with its 文号 only.
// params: doc_id: string = null, wenhao: string = null, max_depth: int = 6 in 1..12
// example: doc_id=99c2fcb75b3a2210f5116fb2857e33298381930e73a3ccf7d9cfb68582350f4a
// mode: read
// The example is the bundled seed's doc_id (data/plans): a plan with no 文号, its own chain of one level.
MATCH (d:Document)
WHERE d.doc_id = $doc_id OR d.wenhao = $wenhao
CALL (d) {
  RETURN d AS n, 0 AS level, null AS cited_as
  UNION
  // Up: what it cites, and what that cites; the first time a notice is reached is its level.
  MATCH p = (d)-[:CITES*1..12]->(n)
  WHERE length(p) <= $max_depth
  RETURN n, -length(p) AS level, last(relationships(p)).as_written AS cited_as
  UNION
  // Down: the notices that pass it on.
  MATCH p = (n:Document)-[:CITES*1..12]->(d)
  WHERE length(p) <= $max_depth
  RETURN n, length(p) AS level, last(relationships(p)).as_written AS cited_as
}
WITH d, n, level, cited_as ORDER BY abs(level)
WITH d, n, head(collect(level)) AS level, head(collect(cited_as)) AS cited_as
OPTIONAL MATCH (pl:Plan)-[:FROM_DOCUMENT]->(n)
WITH d, n, level, cited_as, count(pl) AS plans, sum(pl.computed_total_fen) AS fen
WITH d, n, level, cited_as, plans, fen,
     reduce(s = substring(toString(1000000 + fen % 1000000), 1), i IN range(1, 6) |
            CASE WHEN s ENDS WITH '0' THEN left(s, size(s) - 1) ELSE s END) AS fraction
RETURN d.doc_id AS of, level, CASE WHEN level < 0 THEN 'up' WHEN level > 0 THEN 'down' ELSE 'self' END AS direction,
       coalesce(n.wenhao, cited_as) AS wenhao, n.title AS title, n.date AS date, n.issuers AS issuers, n.doc_id AS doc_id,
       n.path AS path, n:Notice AS not_loaded, plans,
       CASE WHEN plans = 0 THEN null ELSE toString(fen / 1000000) + CASE fraction WHEN '' THEN '' ELSE '.' + fraction END END AS total,
       CASE WHEN plans = 0 THEN null ELSE fen END AS total_fen
ORDER BY of, level, wenhao
