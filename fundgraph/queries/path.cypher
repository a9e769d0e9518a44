// name: path
// description: How two entities are connected: the shortest path between them (by name, alias or key), step by step.
// params: from: string, to: string, max_length: int = 8 in 1..15
// example: from=潮州市金融局 to=广东省地方金融管理局
// mode: read
// Each end through one index seek per kind of key or name, never a scan of every node.
{{ lookup $from AS a }}
{{ lookup $to AS b }}
// Not through the Alias index: two entities sharing a name are not connected by it.
MATCH p = SHORTEST 1 (a)(()-[:!NAMES_ORGANIZATION&!NAMES_PLATFORM]-()){1,15}(b)
WHERE length(p) <= $max_length
RETURN length(p) AS length,
       [n IN nodes(p) | labels(n)[0] + ': ' + coalesce(n.name, n.title, n.seq + ' ' + n.name, n.path, n.text)] AS nodes,
       [r IN relationships(p) | type(r) + coalesce(' ' + r.role, '')] AS relationships
