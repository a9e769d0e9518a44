// name: path
// description: How two entities are connected: the shortest path between them (by name, alias or key), step by step.
// params: from: string, to: string, max_length: int = 8
// example: from=潮州市金融局 to=广东省地方金融管理局
// mode: read
// Each end through one indexed lookup per label, not a scan of every node.
CALL () {
  MATCH (a:Project {project_id: $from}) RETURN a
  UNION
  MATCH (a:Plan {plan_id: $from}) RETURN a
  UNION
  MATCH (a:Organization {name: $from}) RETURN a
  UNION
  MATCH (a:Organization) WHERE $from IN a.aliases RETURN a
  UNION
  MATCH (a:Platform {name: $from}) RETURN a
  UNION
  MATCH (a:Platform) WHERE $from IN a.aliases RETURN a
  UNION
  MATCH (a:Region) WHERE a.code = $from OR a.name = $from RETURN a
  UNION
  MATCH (a:ServiceType {name: $from}) RETURN a
  UNION
  MATCH (a:Fund) WHERE a.fund_id = $from OR a.name = $from RETURN a
}
WITH a LIMIT 1
CALL () {
  MATCH (b:Project {project_id: $to}) RETURN b
  UNION
  MATCH (b:Plan {plan_id: $to}) RETURN b
  UNION
  MATCH (b:Organization {name: $to}) RETURN b
  UNION
  MATCH (b:Organization) WHERE $to IN b.aliases RETURN b
  UNION
  MATCH (b:Platform {name: $to}) RETURN b
  UNION
  MATCH (b:Platform) WHERE $to IN b.aliases RETURN b
  UNION
  MATCH (b:Region) WHERE b.code = $to OR b.name = $to RETURN b
  UNION
  MATCH (b:ServiceType {name: $to}) RETURN b
  UNION
  MATCH (b:Fund) WHERE b.fund_id = $to OR b.name = $to RETURN b
}
WITH a, b LIMIT 1
MATCH p = shortestPath((a)-[*..15]-(b))
WHERE length(p) <= $max_length
RETURN length(p) AS length,
       [n IN nodes(p) | labels(n)[0] + ': ' + coalesce(n.name, n.title, n.seq + ' ' + n.name, n.path, n.text)] AS nodes,
       [r IN relationships(p) | type(r) + coalesce(' ' + r.role, '')] AS relationships
