// name: path
// description: How two entities are connected: the shortest path between them (by name, alias or key), step by step.
// params: from: string, to: string, max_length: int = 8
// example: from=潮州市金融局 to=广东省地方金融管理局
// mode: read
MATCH (a) WHERE a.name = $from OR $from IN coalesce(a.aliases, []) OR a.project_id = $from OR a.code = $from
WITH a LIMIT 1
MATCH (b) WHERE b.name = $to OR $to IN coalesce(b.aliases, []) OR b.project_id = $to OR b.code = $to
WITH a, b LIMIT 1
MATCH p = shortestPath((a)-[*..15]-(b))
WHERE length(p) <= $max_length
RETURN length(p) AS length,
       [n IN nodes(p) | labels(n)[0] + ': ' + coalesce(n.name, n.title, n.seq + ' ' + n.name, n.path, n.text)] AS nodes,
       [r IN relationships(p) | type(r) + coalesce(' ' + r.role, '')] AS relationships
