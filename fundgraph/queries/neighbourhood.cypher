// name: neighbourhood
// description: The entities within `depth` steps (1 to 3) of one entity found by name, alias, title or key, as one row per relationship with both ends.
// params: name: string, depth: int = 1, limit: int = 500
// example: name=广东省中小企业融资平台 depth=1
// mode: read
MATCH (start)
WHERE start.name = $name OR $name IN coalesce(start.aliases, []) OR start.project_id = $name OR start.plan_id = $name
   OR start.code = $name
WITH start LIMIT 1
MATCH path = (start)-[*1..3]-(other)
WHERE length(path) <= $depth
UNWIND relationships(path) AS r
WITH DISTINCT r LIMIT $limit
WITH r, startNode(r) AS a, endNode(r) AS b
RETURN labels(a)[0] AS from_label, coalesce(a.name, a.title, a.text, a.path) AS from_name, elementId(a) AS from_id,
       type(r) AS type, r.role AS role, r.amount AS amount,
       labels(b)[0] AS to_label, coalesce(b.name, b.title, b.text, b.path) AS to_name, elementId(b) AS to_id
